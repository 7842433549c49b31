// Package edonkey identifies the eDonkey2000 / eMule TCP protocol (default
// port 4662 between clients, 4661 to servers). Each message is
//
//	protocol u8 (0xE3 eDonkey, 0xC5 eMule extensions, 0xD4 zlib-packed) |
//	length u32 LE (of what follows) | opcode u8 | payload
//
// A connection opens with OP_HELLO / OP_LOGINREQUEST (opcode 0x01), which
// the probe requires together with a length that frames the bytes seen
// exactly; the reply OP_HELLOANSWER (0x4C) is accepted from the server.
package edonkey

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies eDonkey; identification only.
var Dissector = &dissect.Dissector{
	Name:      "edonkey",
	Transport: dissect.TCP,
	Ports:     []uint16{4662, 4661},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 1 && b[0] != 0xe3 {
		return dissect.NoMatch
	}
	if len(b) < 6 {
		if c.Pkts[dir] < 3 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	n := binary.LittleEndian.Uint32(b[1:])
	op := b[5]
	switch {
	case n < 20 || n > 1<<16:
		return dissect.NoMatch
	case dir == dissect.ToServer && op != 0x01:
		return dissect.NoMatch
	case dir == dissect.ToClient && op != 0x01 && op != 0x4c:
		return dissect.NoMatch
	}
	switch total := uint64(n) + 5; {
	case uint64(len(b)) == total:
		return dissect.Match
	case uint64(len(b)) < total && c.Pkts[dir] < 4:
		return dissect.NeedMore
	case uint64(len(b)) > total && (b[total] == 0xe3 || b[total] == 0xc5):
		return dissect.Match
	}
	return dissect.NoMatch
}
