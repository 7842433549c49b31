package dns

import (
	"encoding/binary"
	"net/netip"

	"github.com/netsift/netsift/dissect"
)

// maxChain bounds the CNAME chain followed from a query name to its
// addresses.
const maxChain = 16

// parser handles one flow. UDP: one message per datagram. TCP: 2-byte
// length-prefixed messages (RFC 1035 §4.2.2), several per segment or split
// across segments; a partial message is buffered per direction (at most
// 2+65535 bytes, the largest length the prefix can state).
type parser struct {
	kind    kind
	pending [2][]byte
	name    []byte // scratch: current name
	qname   []byte // first question name of the current message
	chain   []byte // CNAME chain names, each as len byte + name
	host    []byte // last name reported with Emit.Host
	rec     record
	// tx numbers the flow's messages for Emitter.Inspect: as in Suricata,
	// each DNS message (request or response) is its own transaction.
	tx uint64
}

var _ dissect.Parser = (*parser)(nil)

func newParser(k kind) *parser {
	return &parser{
		kind:  k,
		name:  make([]byte, 0, maxNameLen+8),
		qname: make([]byte, 0, maxNameLen+8),
		host:  make([]byte, 0, maxNameLen+8),
		chain: make([]byte, 0, 1024),
		rec:   record{scratch: make([]byte, 0, 512)},
	}
}

// Feed implements dissect.Parser.
func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if c.Proto != 6 {
		p.message(c, dir, data)
		return dissect.Continue
	}
	dir &= 1
	buf := p.pending[dir]
	if len(buf) > 0 {
		// Complete the buffered message first.
		if len(buf) < 2 {
			n := min(2-len(buf), len(data))
			buf = append(buf, data[:n]...)
			data = data[n:]
			if len(buf) < 2 {
				p.pending[dir] = buf
				return dissect.Continue
			}
		}
		want := 2 + int(binary.BigEndian.Uint16(buf))
		n := min(want-len(buf), len(data))
		buf = append(buf, data[:n]...)
		data = data[n:]
		if len(buf) < want {
			p.pending[dir] = buf
			return dissect.Continue
		}
		if !p.tcpMessage(c, dir, buf[2:]) {
			return dissect.Fail
		}
		p.pending[dir] = buf[:0]
	}
	for len(data) >= 2 {
		l := int(binary.BigEndian.Uint16(data))
		if len(data) < 2+l {
			break
		}
		if !p.tcpMessage(c, dir, data[2:2+l]) {
			return dissect.Fail
		}
		data = data[2+l:]
	}
	if len(data) > 0 {
		p.pending[dir] = append(p.pending[dir][:0], data...)
	}
	return dissect.Continue
}

func (p *parser) tcpMessage(c *dissect.Ctx, dir dissect.Dir, msg []byte) bool {
	if len(msg) < headerLen {
		c.Emit.Anomaly("dns.tcp_bad_length")
		return false
	}
	p.message(c, dir, msg)
	return true
}

// Gap implements dissect.Parser: TCP framing is lost, so the parser stops
// (a later message cannot be found reliably without its length prefix).
func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {
	p.pending[dir&1] = p.pending[dir&1][:0]
}

// Close implements dissect.Parser.
func (p *parser) Close(c *dissect.Ctx) {
	for d := range p.pending {
		if len(p.pending[d]) > 0 {
			c.Emit.Anomaly("dns.truncated")
			p.pending[d] = p.pending[d][:0]
		}
	}
}

// message handles one complete DNS message.
func (p *parser) message(c *dissect.Ctx, dir dissect.Dir, msg []byte) {
	if len(msg) < headerLen {
		c.Emit.Anomaly("dns.truncated")
		return
	}
	switch _, st := layout(msg); st {
	case nameBad:
		c.Emit.Anomaly("dns.malformed")
	case nameShort:
		c.Emit.Anomaly("dns.truncated")
	}
	h := header(msg)
	p.qname = p.qname[:0]
	var ok bool
	if h.qdcount() > 0 {
		p.qname, _, ok = appendName(p.qname, msg, headerLen)
	} else if h.ancount() > 0 {
		// mDNS announcements carry no question: name the flow after the
		// first record's owner.
		p.qname, _, ok = appendName(p.qname, msg, headerLen)
	}
	if !ok || string(p.qname) == "<root>" {
		p.qname = p.qname[:0]
	}
	// Report each new name (lower-cased): the first names the flow for
	// service identification, later ones are queries of the same flow.
	if len(p.qname) > 0 {
		p.name = appendLower(p.name[:0], p.qname)
		if string(p.name) != string(p.host) {
			p.host = append(p.host[:0], p.name...)
			c.Emit.Host(p.host)
		}
	}
	if h.response() {
		p.resolve(c, msg)
	}
	if p.kind == kindDNS {
		p.rec.msg = msg
		c.Emit.Event(dir, "dns", &p.rec)
		c.Emit.Inspect(dir, p.tx, "dns", &p.rec)
		p.tx++
		p.rec.msg = nil
	}
}

// resolve reports A/AAAA answers. Addresses of the query name or of a name
// its CNAME chain leads to are reported for the query name (what the
// client asked for); other address records under their own owner name.
func (p *parser) resolve(c *dissect.Ctx, msg []byte) {
	h := header(msg)
	an := int(h.ancount())
	if an == 0 {
		return
	}
	off := headerLen
	for i := 0; i < int(h.qdcount()); i++ {
		n, _, st := skipName(msg, off)
		if st != nameOK || n+4 > len(msg) {
			return
		}
		off = n + 4
	}
	// Pass 1: the CNAME chain from the query name.
	p.chain = p.chain[:0]
	if len(p.qname) > 0 {
		p.chain = append(p.chain, byte(len(p.qname)))
		p.chain = append(p.chain, p.qname...)
		links := 1
		for changed := true; changed && links < maxChain; {
			changed = false
			pos := off
			for i := 0; i < an && links < maxChain; i++ {
				r, next, st := readRR(msg, pos)
				if st != nameOK {
					break
				}
				pos = next
				if r.typ != typeCNAME {
					continue
				}
				var ok bool
				p.name, _, ok = appendName(p.name[:0], msg, r.nameOff)
				if !ok || !p.inChain(p.name) {
					continue
				}
				p.name, _, ok = appendName(p.name[:0], msg[:r.rdOff+r.rdLen], r.rdOff)
				if !ok || p.inChain(p.name) || len(p.name) > 255 {
					continue
				}
				p.chain = append(p.chain, byte(len(p.name)))
				p.chain = append(p.chain, p.name...)
				links++
				changed = true
			}
		}
	}
	// Pass 2: addresses.
	pos := off
	for i := 0; i < an; i++ {
		r, next, st := readRR(msg, pos)
		if st != nameOK {
			return
		}
		pos = next
		var addr netip.Addr
		d := msg[r.rdOff : r.rdOff+r.rdLen]
		switch {
		case r.typ == typeA && len(d) == 4:
			addr = netip.AddrFrom4([4]byte(d))
		case r.typ == typeAAAA && len(d) == 16:
			addr = netip.AddrFrom16([16]byte(d))
		default:
			continue
		}
		var ok bool
		p.name, _, ok = appendName(p.name[:0], msg, r.nameOff)
		if !ok {
			continue
		}
		if len(p.chain) > 0 && p.inChain(p.name) {
			p.name = appendLower(p.name[:0], p.qname)
		} else {
			p.name = appendLower(p.name[:0], p.name)
		}
		c.Emit.Resolved(p.name, addr)
	}
}

func (p *parser) inChain(name []byte) bool {
	for c := p.chain; len(c) > 0; {
		l := int(c[0])
		if equalFoldName(c[1:1+l], name) {
			return true
		}
		c = c[1+l:]
	}
	return false
}

// appendLower appends src with ASCII letters lower-cased (in place when
// dst and src share their start).
func appendLower(dst, src []byte) []byte {
	start := len(dst)
	dst = append(dst, src...)
	for i := start; i < len(dst); i++ {
		if c := dst[i]; 'A' <= c && c <= 'Z' {
			dst[i] = c + 'a' - 'A'
		}
	}
	return dst
}
