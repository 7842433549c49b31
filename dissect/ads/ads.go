// Package ads identifies Beckhoff ADS over AMS/TCP (TCP 48898): a 6-byte
// AMS/TCP header (reserved 0, little-endian length) and a 32-byte AMS
// header (target and source AMS net id and port, command id, state flags,
// data length, error code, invoke id) before the ADS data.
package ads

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Beckhoff ADS (nDPI "BeckhoffADS") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "ads",
	Transport: dissect.TCP,
	Ports:     []uint16{48898},
	Probe:     probe,
}

const hdr = 6 + 32

// probe checks the reserved word, that the AMS/TCP length is the AMS
// header plus its data length, a command id 0..9 and state flags with
// only defined bits and the ADS-command bit set.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 2 && (b[0] != 0 || b[1] != 0) {
		return dissect.NoMatch
	}
	if len(b) < hdr {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	n := binary.LittleEndian.Uint32(b[2:])
	data := binary.LittleEndian.Uint32(b[6+20:])
	cmd := binary.LittleEndian.Uint16(b[6+16:])
	flags := binary.LittleEndian.Uint16(b[6+18:])
	if n != 32+data || cmd > 9 || flags&^0x80ff != 0 || flags&0x0004 == 0 {
		return dissect.NoMatch
	}
	return dissect.Match
}
