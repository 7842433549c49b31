// Package bgp identifies BGP-4 (RFC 4271) on TCP: every message starts
// with a 16-byte marker of all ones, a length of 19–4096 (RFC 8654 allows
// 65535 after both peers negotiate extended messages) and a type 1–5
// (OPEN, UPDATE, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH). The marker makes
// the probe strict enough for any port.
package bgp

import (
	"strconv"

	"github.com/netsift/netsift/dissect"
)

// Dissector is the BGP dissector (no Suricata app_proto).
var Dissector = &dissect.Dissector{
	Name:      "bgp",
	Transport: dissect.TCP,
	Ports:     []uint16{179},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

const (
	hdrLen = 19
	// maxMsg is the largest message length accepted (RFC 8654).
	maxMsg = 65535
	// maxParseMsgs bounds how many messages per direction the parser
	// looks at; after the OPEN exchange there is nothing it reports.
	maxParseMsgs = 16
)

// header checks a BGP header at the start of b: ok when it is one, short
// when b is a prefix of one.
func header(b []byte) (length int, typ byte, ok, short bool) {
	for i := 0; i < 16 && i < len(b); i++ {
		if b[i] != 0xff {
			return 0, 0, false, false
		}
	}
	if len(b) < hdrLen {
		return 0, 0, false, true
	}
	length, typ = int(b[16])<<8|int(b[17]), b[18]
	if length < hdrLen || typ < 1 || typ > 5 {
		return 0, 0, false, false
	}
	switch typ {
	case 1:
		if length < 29 {
			return 0, 0, false, false
		}
	case 4:
		if length != hdrLen {
			return 0, 0, false, false
		}
	}
	return length, typ, true, false
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) == 0 {
		return dissect.NeedMore
	}
	_, typ, ok, short := header(b)
	if short {
		if c.Pkts[dir] < 4 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if !ok {
		return dissect.NoMatch
	}
	if typ == 1 { // OPEN carries version 4
		if len(b) == hdrLen {
			if c.Pkts[dir] < 4 {
				return dissect.NeedMore
			}
			return dissect.NoMatch
		}
		if b[hdrLen] != 4 {
			return dissect.NoMatch
		}
	}
	return dissect.Match
}

var typeNames = [...]string{"", "OPEN", "UPDATE", "NOTIFICATION", "KEEPALIVE", "ROUTE-REFRESH"}

// parser walks the message stream of each direction (bounded buffer) and
// reports the first message type, and the OPEN's AS number, hold time and
// BGP identifier, as flow metadata.
type parser struct {
	buf  [2][]byte
	skip [2]int
	msgs [2]int
	tmp  []byte
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if p.skip[dir] > 0 {
		n := min(p.skip[dir], len(data))
		p.skip[dir] -= n
		data = data[n:]
	}
	p.buf[dir] = append(p.buf[dir], data...)
	b := p.buf[dir]
	for len(b) >= hdrLen && p.msgs[dir] < maxParseMsgs {
		n, typ, ok, _ := header(b)
		if !ok {
			c.Emit.Anomaly("bgp.bad_header")
			p.buf[dir] = p.buf[dir][:0]
			p.msgs[dir] = maxParseMsgs
			return p.status()
		}
		if n > len(b) {
			if typ != 1 {
				// Only OPEN's body matters: skip the rest unbuffered.
				p.skip[dir] = n - len(b)
				b = b[len(b):]
				p.msgs[dir]++
			}
			break
		}
		p.msgs[dir]++
		if p.msgs[dir] == 1 {
			c.Emit.Meta("bgp_first_message", []byte(typeNames[typ]))
		}
		if typ == 1 {
			p.open(c, b[hdrLen:n])
		}
		b = b[n:]
	}
	m := copy(p.buf[dir], b)
	p.buf[dir] = p.buf[dir][:m]
	return p.status()
}

func (p *parser) status() dissect.Status {
	if p.msgs[0] >= maxParseMsgs && p.msgs[1] >= maxParseMsgs {
		return dissect.Done
	}
	return dissect.Continue
}

// open reports an OPEN message body: version, my AS, hold time, BGP id.
func (p *parser) open(c *dissect.Ctx, b []byte) {
	if len(b) < 10 || b[0] != 4 {
		c.Emit.Anomaly("bgp.bad_open")
		return
	}
	p.tmp = strconv.AppendUint(p.tmp[:0], uint64(b[1])<<8|uint64(b[2]), 10)
	c.Emit.Meta("bgp_as", p.tmp)
	p.tmp = strconv.AppendUint(p.tmp[:0], uint64(b[3])<<8|uint64(b[4]), 10)
	c.Emit.Meta("bgp_hold_time", p.tmp)
	p.tmp = p.tmp[:0]
	for i := 5; i < 9; i++ {
		if i > 5 {
			p.tmp = append(p.tmp, '.')
		}
		p.tmp = strconv.AppendUint(p.tmp, uint64(b[i]), 10)
	}
	c.Emit.Meta("bgp_id", p.tmp)
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {
	// Resynchronising on the marker is not worth it: stop this direction.
	p.buf[dir] = p.buf[dir][:0]
	p.skip[dir] = 0
	p.msgs[dir] = maxParseMsgs
}

func (p *parser) Close(c *dissect.Ctx) {}
