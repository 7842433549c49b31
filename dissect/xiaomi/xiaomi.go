// Package xiaomi identifies Xiaomi's push/connection protocol (MiPush,
// TCP 5222). Every frame starts with a 12-byte big-endian header:
//
//	magic 0xC2FE | version u16 (5) | payload length u32 | … u32
//
// followed by a protobuf payload of the given length.
package xiaomi

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies the Xiaomi push protocol; identification only.
var Dissector = &dissect.Dissector{
	Name:      "xiaomi",
	Transport: dissect.TCP,
	Ports:     []uint16{5222, 5223},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 1 && b[0] != 0xc2 || len(b) >= 2 && b[1] != 0xfe {
		return dissect.NoMatch
	}
	if len(b) < 12 {
		return dissect.NeedMore
	}
	if v := binary.BigEndian.Uint16(b[2:]); v == 0 || v > 16 {
		return dissect.NoMatch
	}
	n := binary.BigEndian.Uint32(b[4:])
	if n > 1<<20 {
		return dissect.NoMatch
	}
	if uint32(len(b)) < 12+n {
		if c.Pkts[dir] < 4 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	return dissect.Match
}
