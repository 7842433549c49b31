// Package teredo identifies Teredo (RFC 4380, IPv6 over UDP through NAT)
// as an application: the qualification exchange (router solicitation and
// advertisement with authentication and origin indicators) and bubbles
// between clients, which carry no inner packet worth decoding.
//
// A Teredo datagram is an optional authentication indicator (0x0001,
// id-len, au-len, client id, authentication value, 8-byte nonce,
// confirmation byte), an optional origin indication (0x0000, obfuscated
// port and address), then a complete IPv6 header whose payload length
// matches the rest of the datagram. One of the IPv6 addresses must be a
// Teredo address (2001:0::/32) or, for the qualification's link-local
// router solicitation, the datagram must use the Teredo server port 3544.
package teredo

import (
	"github.com/netsift/netsift/dissect"
)

// Dissector is the Teredo dissector (no Suricata app_proto).
var Dissector = &dissect.Dissector{
	Name:      "teredo",
	Transport: dissect.UDP,
	Ports:     []uint16{3544},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// packet describes a parsed Teredo datagram.
type packet struct {
	auth, origin bool
	ip6          []byte // the IPv6 packet
}

// parse splits b into indicators and the IPv6 packet.
func parse(b []byte) (p packet, ok bool) {
	if len(b) >= 13 && b[0] == 0 && b[1] == 1 {
		// Authentication indicator.
		n := 4 + int(b[2]) + int(b[3]) + 8 + 1
		if len(b) < n {
			return p, false
		}
		p.auth, b = true, b[n:]
	}
	if len(b) >= 8 && b[0] == 0 && b[1] == 0 {
		p.origin, b = true, b[8:]
	}
	if len(b) < 40 || b[0]>>4 != 6 {
		return p, false
	}
	if int(b[4])<<8|int(b[5])+40 != len(b) {
		return p, false
	}
	switch b[6] { // next header: hop-by-hop, TCP, UDP, fragment, ICMPv6, none
	case 0, 6, 17, 44, 58, 59:
	default:
		return p, false
	}
	p.ip6 = b
	return p, true
}

// teredoAddr reports whether a is in 2001:0::/32.
func teredoAddr(a []byte) bool {
	return a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0
}

// linkLocal reports whether a is in fe80::/10 or ff02::/16.
func linkLocal(a []byte) bool {
	return a[0] == 0xfe && a[1]&0xc0 == 0x80 || a[0] == 0xff && a[1] == 0x02
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	p, ok := parse(b)
	if !ok {
		return dissect.NoMatch
	}
	src, dst := p.ip6[8:24], p.ip6[24:40]
	if teredoAddr(src) || teredoAddr(dst) {
		return dissect.Match
	}
	if (p.auth || p.origin) && linkLocal(src) && linkLocal(dst) &&
		(c.Client.Port() == 3544 || c.Server.Port() == 3544) {
		return dissect.Match
	}
	return dissect.NoMatch
}

// parser reports which indicators the exchange used and counts datagrams
// that are not Teredo.
type parser struct{ seen bool }

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Status {
	t, ok := parse(b)
	if !ok {
		c.Emit.Anomaly("teredo.bad_packet")
		return dissect.Continue
	}
	if !p.seen && (t.auth || t.origin) {
		p.seen = true
		if t.auth {
			c.Emit.Meta("teredo_kind", []byte("qualification"))
		} else {
			c.Emit.Meta("teredo_kind", []byte("origin_indication"))
		}
	}
	return dissect.Continue
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
