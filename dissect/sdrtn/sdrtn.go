// Package sdrtn identifies Agora's SD-RTN (Software Defined Real-Time
// Network) media transport on UDP. The client's first datagram to an edge
// server carries a small property list whose first entry is the edge
// server's name:
//
//	id u32 | 0x0000 | type u16 (0x0021) | … | 0x04 "SNI\0" | len u16 LE | host
//
// and the edge answers with a message of the same framing whose first
// property is 0x04 "PEID". The parser reports the "SNI" host name.
package sdrtn

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies SD-RTN and reports the edge host name.
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "sdrtn",
	Transport: dissect.UDP,
	Ports:     []uint16{8130, 8443},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// tag is the first property of a datagram: 0 none, 1 "SNI", 2 "PEID".
func tag(b []byte) int {
	if len(b) < 20 || b[4] != 0 || b[5] != 0 || b[7] != 0 || b[12] != 4 {
		return 0
	}
	switch string(b[13:17]) {
	case "SNI\x00":
		return 1
	case "PEID":
		return 2
	}
	return 0
}

// sni returns the host name of an "SNI" datagram, or nil.
func sni(b []byte) []byte {
	if tag(b) != 1 {
		return nil
	}
	n := int(binary.LittleEndian.Uint16(b[17:]))
	if n == 0 || n > 255 || 19+n > len(b) {
		return nil
	}
	host := b[19 : 19+n]
	for _, ch := range host {
		if ch <= ' ' || ch >= 0x7f {
			return nil
		}
	}
	return host
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	switch {
	case dir == dissect.ToServer && sni(b) != nil:
		return dissect.Match
	case dir == dissect.ToClient && tag(b) == 2:
		return dissect.Match
	}
	return dissect.NoMatch
}

type parser struct{ done bool }

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if dir != dissect.ToServer {
		return dissect.Continue
	}
	if h := sni(data); h != nil {
		c.Emit.Host(h)
		p.done = true
		return dissect.Done
	}
	if c.Pkts[dir] > 8 {
		return dissect.Done
	}
	return dissect.Continue
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
