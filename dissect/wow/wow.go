// Package wow identifies World of Warcraft's game protocol on TCP 3724.
// Two openings are recognised:
//
//   - the connection handshake of modern clients, where each side sends a
//     u16 LE length (0x30) followed by the text
//     "WORLD OF WARCRAFT CONNECTION - SERVER TO CLIENT" (or "CLIENT TO
//     SERVER");
//   - the classic authentication server's logon challenge: command 0x00,
//     error u8, size u16 LE (remaining bytes), game name "WoW\0".
package wow

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies World of Warcraft; identification only.
var Dissector = &dissect.Dissector{
	Name:      "wow",
	Transport: dissect.TCP,
	Ports:     []uint16{3724},
	Probe:     probe,
}

const banner = "WORLD OF WARCRAFT CONNECTION - "

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 2 {
		return dissect.NeedMore
	}
	switch {
	case b[0] == 0x30 && b[1] == 0:
		for i := 0; i < len(banner); i++ {
			if 2+i == len(b) {
				if c.Pkts[dir] < 3 {
					return dissect.NeedMore
				}
				return dissect.NoMatch
			}
			if b[2+i] != banner[i] {
				return dissect.NoMatch
			}
		}
		return dissect.Match
	case b[0] == 0x00 && dir == dissect.ToServer:
		if len(b) < 8 {
			if c.Pkts[dir] < 3 {
				return dissect.NeedMore
			}
			return dissect.NoMatch
		}
		n := int(binary.LittleEndian.Uint16(b[2:]))
		if string(b[4:8]) == "WoW\x00" && n >= 30 && n <= 300 {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}
