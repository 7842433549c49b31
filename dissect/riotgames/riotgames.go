// Package riotgames identifies the UDP game-session traffic of Riot Games
// titles (League of Legends, Valorant). The protocol is undocumented; the
// probe encodes two client openings seen in captures, both carrying 0x32
// at offset 5:
//
//   - a 36-byte probe whose last 8 bytes are the fixed filler
//     AA AA AA AA BB BB BB BB (the server echoes it back);
//   - a 53-byte connect whose byte 8 is 0x01 followed by 27 zero bytes.
//
// Both are long fixed patterns, so no port is required.
package riotgames

import (
	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Riot Games UDP traffic; identification only.
var Dissector = &dissect.Dissector{
	Name:      "riotgames",
	Transport: dissect.UDP,
	Ports:     []uint16{7194, 8181, 7998},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	switch {
	case len(b) == 36 && string(b[28:]) == "\xaa\xaa\xaa\xaa\xbb\xbb\xbb\xbb":
		if b[5] == 0x32 || dir == dissect.ToClient && b[1] == 0x32 {
			return dissect.Match
		}
	case len(b) == 53 && b[5] == 0x32 && b[8] == 0x01:
		for _, z := range b[9:36] {
			if z != 0 {
				return dissect.NoMatch
			}
		}
		return dissect.Match
	}
	return dissect.NoMatch
}
