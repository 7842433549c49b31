// Package lolwildrift identifies League of Legends: Wild Rift game sessions
// on UDP (server ports 15000–15099). The protocol is undocumented; in
// captures the client opens with a 69-byte datagram starting with the
// little-endian u32 4 and the server answers with a 359-byte datagram
// starting with the u32 16, the rest being encrypted. That is little
// fixed structure, so the probe requires the port range, both sizes and
// both type words, matching on the server's answer.
package lolwildrift

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies LoL: Wild Rift; identification only.
var Dissector = &dissect.Dissector{
	Name:      "lolwildrift",
	Transport: dissect.UDP,
	Ports:     []uint16{15004, 15007},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if p := c.Server.Port(); p < 15000 || p > 15099 {
		return dissect.NoMatch
	}
	if dir == dissect.ToServer {
		if len(b) == 69 && binary.LittleEndian.Uint32(b) == 4 && c.Pkts[dir] < 4 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if c.Pkts[dissect.ToServer] > 0 && len(b) == 359 && binary.LittleEndian.Uint32(b) == 16 {
		return dissect.Match
	}
	return dissect.NoMatch
}
