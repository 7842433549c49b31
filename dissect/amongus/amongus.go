// Package amongus identifies Among Us, which runs the Hazel networking
// library over UDP (matchmaking and game servers on ports 22023–22923). A
// client opens with a Hazel Hello:
//
//	0x08 (Hello) | nonce u16 BE | Hazel version u8 (0) | client version i32 LE |
//	player name (u8 length + bytes) | …
//
// The probe requires the Hello layout with a printable player name that
// fits the datagram and an Among Us server port.
package amongus

import (
	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Among Us; identification only.
var Dissector = &dissect.Dissector{
	Name:      "amongus",
	Transport: dissect.UDP,
	Ports:     []uint16{22023},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if dir != dissect.ToServer {
		return dissect.NoMatch
	}
	if p := c.Server.Port(); p < 22023 || p > 22923 {
		return dissect.NoMatch
	}
	if len(b) < 10 || b[0] != 0x08 || b[3] > 1 {
		return dissect.NoMatch
	}
	n := int(b[8])
	if n == 0 || 9+n > len(b) {
		return dissect.NoMatch
	}
	for _, ch := range b[9 : 9+n] {
		if ch < 0x20 || ch == 0x7f {
			return dissect.NoMatch
		}
	}
	return dissect.Match
}
