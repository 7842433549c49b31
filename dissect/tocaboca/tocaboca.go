// Package tocaboca identifies the Photon (Exit Games) realtime UDP protocol
// that Toca Boca's games (nDPI's "TocaBoca") run on port 5055. A datagram is
// a 12-byte header — peer id u16 | CRC flag u8 | command count u8 |
// timestamp u32 | challenge u32 — followed by that many commands, each
// type u8 | channel u8 | flags u8 | reserved u8 | length u32 | reliable seq
// u32 | …, where length includes the 12-byte command header. The commands
// must tile the datagram exactly.
package tocaboca

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Photon/TocaBoca; identification only.
var Dissector = &dissect.Dissector{
	Name:      "tocaboca",
	Transport: dissect.UDP,
	Ports:     []uint16{5055, 5056},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 12+12 || b[2] > 1 {
		return dissect.NoMatch
	}
	count := int(b[3])
	if count == 0 {
		return dissect.NoMatch
	}
	p := b[12:]
	if b[2] == 1 { // CRC enabled: a 4-byte CRC follows the header
		if len(p) < 4 {
			return dissect.NoMatch
		}
		p = p[4:]
	}
	for i := 0; i < count; i++ {
		if len(p) < 12 {
			return dissect.NoMatch
		}
		if t := p[0]; t < 1 || t > 16 {
			return dissect.NoMatch
		}
		l := binary.BigEndian.Uint32(p[4:])
		if l < 12 || uint64(l) > uint64(len(p)) {
			return dissect.NoMatch
		}
		p = p[l:]
	}
	if len(p) != 0 {
		return dissect.NoMatch
	}
	return dissect.Match
}
