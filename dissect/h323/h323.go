// Package h323 identifies ITU-T H.323 signalling: H.225.0 call signalling
// (Q.931 in TPKT, RFC 1006 framing, on TCP 1720) and its H.245 control
// channel (PER messages in TPKT on a negotiated port), and H.225.0 RAS
// (UDP 1719).
//
// TCP: a TPKT header (version 3, reserved 0, length ≥ 8) whose payload is
// a Q.931 message (protocol discriminator 8, call reference length ≤ 2, a
// known message type) matches anywhere. A TPKT payload that is neither
// Q.931 nor ISO COTP (which RDP, S7comm and MMS put in TPKT) is taken as
// H.245 only when the TPKT length is exactly the first segment.
// RAS: the H.225.0 protocol identifier OID 0.0.8.2250.0.v (BER "06 00 08 91
// 4a 00 v") right after the PER choice and option-bitmap bytes and the
// 16-bit request sequence number.
package h323

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is the H.323 dissector (no Suricata app_proto).
var Dissector = &dissect.Dissector{
	Name:      "h323",
	Transport: dissect.Both,
	Ports:     []uint16{1720, 1719},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// h225OID is the BER encoding of 0.0.8.2250.0 (version byte follows).
var h225OID = []byte{0x06, 0x00, 0x08, 0x91, 0x4a, 0x00}

func be16(b []byte) int { return int(b[0])<<8 | int(b[1]) }

// q931Types are the Q.931 message types H.225.0 uses.
func q931Type(t byte) bool {
	switch t {
	case 0x01, 0x02, 0x03, 0x05, 0x07, 0x0d, 0x0f, // alerting, call proceeding, progress, setup, connect, setup ack, connect ack
		0x20, 0x45, 0x46, 0x4d, 0x5a, // user information, disconnect, restart, release, release complete
		0x62, 0x64, 0x6d, 0x6e, 0x75, 0x7b, 0x7d: // facility, notify, status enquiry, status, information
		return true
	}
	return false
}

// isQ931 reports whether p (a TPKT payload) starts a Q.931 message, and
// returns its type.
func isQ931(p []byte) (byte, bool) {
	if len(p) < 3 || p[0] != 0x08 || p[1]&0xf0 != 0 || p[1] > 2 {
		return 0, false
	}
	i := 2 + int(p[1])
	if len(p) <= i || !q931Type(p[i]) {
		return 0, false
	}
	return p[i], true
}

// isCOTP reports whether p looks like an ISO 8073 TPDU header: length
// indicator then a TPDU code (CR, CC, DR, DC, DT, ED, AK, EA, RJ, ER).
func isCOTP(p []byte) bool {
	if len(p) < 2 || int(p[0]) >= len(p)+64 {
		return false
	}
	switch p[1] & 0xf0 {
	case 0xe0, 0xd0, 0x80, 0xc0, 0xf0, 0x10, 0x20, 0x60, 0x50, 0x70:
		return true
	}
	return false
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Proto == 17 {
		if len(b) >= 11 && bytes.Equal(b[4:10], h225OID) && b[10] >= 1 && b[10] <= 9 {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	if len(b) < 4 {
		if len(b) > 0 && b[0] != 3 || len(b) > 1 && b[1] != 0 {
			return dissect.NoMatch
		}
		if c.Pkts[dir] < 4 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	n := be16(b[2:])
	if b[0] != 3 || b[1] != 0 || n < 7 {
		return dissect.NoMatch
	}
	p := b[4:min(n, len(b))]
	if len(p) < 3 {
		if n > len(b) && c.Pkts[dir] < 4 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if _, ok := isQ931(p); ok {
		return dissect.Match
	}
	if !isCOTP(p) && n == len(b) && c.Pkts[dir] == 1 {
		return dissect.Match // H.245
	}
	return dissect.NoMatch
}

// maxBuf bounds the per-direction TPKT reassembly buffer.
const maxBuf = 16 << 10

// parser walks TPKT frames and reports the first Q.931 message type and
// any Display information element as flow metadata.
type parser struct {
	buf     [2][]byte
	frames  int
	display bool
	first   bool
}

var _ dissect.Parser = (*parser)(nil)

var q931Names = map[byte]string{0x01: "alerting", 0x02: "call_proceeding", 0x05: "setup", 0x07: "connect",
	0x5a: "release_complete", 0x62: "facility", 0x03: "progress", 0x7d: "status"}

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if c.Proto == 17 {
		return dissect.Done
	}
	if len(p.buf[dir])+len(data) > maxBuf {
		c.Emit.Anomaly("h323.frame_too_long")
		p.buf[dir] = p.buf[dir][:0]
		return dissect.Continue
	}
	p.buf[dir] = append(p.buf[dir], data...)
	b := p.buf[dir]
	for len(b) >= 4 {
		n := be16(b[2:])
		if b[0] != 3 || n < 4 {
			c.Emit.Anomaly("h323.bad_tpkt")
			b = b[:0]
			break
		}
		if n > len(b) {
			break
		}
		p.frame(c, b[4:n])
		b = b[n:]
	}
	m := copy(p.buf[dir], b)
	p.buf[dir] = p.buf[dir][:m]
	if p.frames > 64 {
		return dissect.Done
	}
	return dissect.Continue
}

// frame looks at one TPKT payload.
func (p *parser) frame(c *dissect.Ctx, f []byte) {
	p.frames++
	t, ok := isQ931(f)
	if !ok {
		return
	}
	if !p.first {
		p.first = true
		if n, ok := q931Names[t]; ok {
			c.Emit.Meta("q931_message", []byte(n))
		}
	}
	// Information elements follow the message type: single-octet ones
	// have the top bit set, others are id, length, contents; the
	// user-user element (0x7e) has a 16-bit length.
	i := 3 + int(f[1])
	for i < len(f) {
		id := f[i]
		if id&0x80 != 0 {
			i++
			continue
		}
		if i+2 > len(f) {
			return
		}
		l, h := int(f[i+1]), 2
		if id == 0x7e {
			if i+3 > len(f) {
				return
			}
			l, h = be16(f[i+1:]), 3
		}
		if i+h+l > len(f) {
			c.Emit.Anomaly("h323.ie_truncated")
			return
		}
		if id == 0x28 && !p.display && l > 0 { // Display
			v := f[i+h : i+h+l]
			if v[len(v)-1] == 0 {
				v = v[:len(v)-1]
			}
			c.Emit.Meta("h323_display", v)
			p.display = true
		}
		i += h + l
	}
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) { p.buf[dir] = p.buf[dir][:0] }
func (p *parser) Close(c *dissect.Ctx)                       {}
