// Package genshin identifies Genshin Impact's game traffic. The game runs
// KCP over UDP (ports 22101/22102) and opens each session with a 20-byte
// handshake outside KCP:
//
//	client: 0x000000FF | 0 u32 | 0 u32 | 1234567890 u32 | 0xFFFFFFFF
//	server: 0x00000145 | conv u32 | token u32 | 1234567890 u32 | 0x14514545
//	close:  0x00000194 | conv u32 | token u32 | 1234567890 u32 | 0x19419494
//
// (big-endian), which is what the probe checks.
package genshin

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Genshin Impact; identification only.
var Dissector = &dissect.Dissector{
	Name:      "genshin",
	Transport: dissect.UDP,
	Ports:     []uint16{22101, 22102},
	Probe:     probe,
}

const handshakeData = 1234567890

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) != 20 || binary.BigEndian.Uint32(b[12:]) != handshakeData {
		return dissect.NoMatch
	}
	switch binary.BigEndian.Uint32(b) {
	case 0xff:
		if binary.BigEndian.Uint32(b[16:]) == 0xffffffff {
			return dissect.Match
		}
	case 0x145:
		if binary.BigEndian.Uint32(b[16:]) == 0x14514545 {
			return dissect.Match
		}
	case 0x194:
		if binary.BigEndian.Uint32(b[16:]) == 0x19419494 {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}
