// Package zug identifies ZUG, the UDP transport of the game-services
// platform behind some mobile games (nDPI's "ZUG"). Datagrams start with the
// 4-byte magic 00 7A 55 47 ("\x00zUG"), a version byte, three opaque bytes
// and a big-endian 16-bit length of what follows the 12-byte header.
package zug

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies ZUG; identification only.
var Dissector = &dissect.Dissector{
	Name:      "zug",
	Transport: dissect.UDP,
	Ports:     []uint16{19000},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 12 || string(b[:4]) != "\x00zUG" {
		return dissect.NoMatch
	}
	// Length-checked datagrams are certain; others still carry the magic.
	if int(binary.BigEndian.Uint16(b[8:])) == len(b)-12 || c.Server.Port() == 19000 || c.Client.Port() == 19000 {
		return dissect.Match
	}
	return dissect.NoMatch
}
