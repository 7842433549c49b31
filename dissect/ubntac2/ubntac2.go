// Package ubntac2 identifies Ubiquiti's device discovery protocol (UDP
// 10001, nDPI's UBNTAC2). A packet is
//
//	version u8 (1 or 2) | command u8 | length u16 BE | TLVs…
//
// where length counts the TLVs, each type u8 | length u16 BE | value. An
// empty request (version 1, command 0, length 0) is the 4-byte discovery
// probe.
package ubntac2

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Ubiquiti discovery; identification only.
var Dissector = &dissect.Dissector{
	Name:      "ubntac2",
	Transport: dissect.UDP,
	Ports:     []uint16{10001},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 4 || b[0] != 1 && b[0] != 2 {
		return dissect.NoMatch
	}
	if int(binary.BigEndian.Uint16(b[2:])) != len(b)-4 {
		return dissect.NoMatch
	}
	if len(b) == 4 {
		// The bare discovery request is only four bytes: trust it on the
		// protocol's port alone.
		if b[1] == 0 && (c.Server.Port() == 10001 || c.Client.Port() == 10001) {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	// Walk the TLVs: they must tile the rest exactly.
	n := 0
	for p := b[4:]; len(p) > 0; n++ {
		if len(p) < 3 || n > 64 {
			return dissect.NoMatch
		}
		l := int(binary.BigEndian.Uint16(p[1:]))
		if 3+l > len(p) {
			return dissect.NoMatch
		}
		p = p[3+l:]
	}
	if n < 2 {
		return dissect.NoMatch
	}
	return dissect.Match
}
