// Package c37118 identifies IEEE C37.118 synchrophasor frames (TCP/UDP
// 4712/4713): SYNC word 0xAA with the frame type and version, a big-endian
// frame size, the stream id code and time stamp, and a CRC-CCITT over the
// whole frame in its last two bytes.
package c37118

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies IEEE C37.118 (nDPI "IEEE-C37118") on TCP and UDP.
var Dissector = &dissect.Dissector{
	Name:      "c37118",
	Transport: dissect.Both,
	Ports:     []uint16{4712, 4713},
	Probe:     probe,
}

// crc16 is CRC-CCITT (polynomial 0x1021, initial 0xFFFF, no reflection) as
// the standard specifies for CHK.
func crc16(b []byte) uint16 {
	c := uint16(0xffff)
	for _, x := range b {
		c ^= uint16(x) << 8
		for k := 0; k < 8; k++ {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
	}
	return c
}

// probe checks SYNC (0xAA, frame type 0..5, version 1..3), a frame size of
// at least 16 and, once the frame is complete, its CRC.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 1 && b[0] != 0xaa || len(b) >= 2 && ((b[1]>>4)&0x7 > 5 || b[1]&0x0f == 0 || b[1]&0x0f > 3 || b[1]&0x80 != 0) {
		return dissect.NoMatch
	}
	if len(b) < 4 {
		if c.Proto == 17 || c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	n := int(binary.BigEndian.Uint16(b[2:]))
	if n < 16 || c.Proto == 17 && n != len(b) {
		return dissect.NoMatch
	}
	if n > len(b) {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	if crc16(b[:n-2]) != binary.BigEndian.Uint16(b[n-2:]) {
		return dissect.NoMatch
	}
	return dissect.Match
}
