// Package tuyalp identifies the Tuya local protocol (TuyaLP), which Tuya
// smart-home devices speak on the LAN: UDP broadcasts on 6666/6667 announcing
// the device and TCP 6668 control sessions. Every frame is
//
//	prefix 0x000055AA | seq u32 | cmd u32 | len u32 | payload … | crc u32 (or 32-byte HMAC) | suffix 0x0000AA55
//
// all big-endian, where len counts everything after itself (payload, check
// value and suffix). Newer firmware (3.5) uses prefix 0x00006699 and suffix
// 0x00009966 with a 2-byte reserved field before seq.
package tuyalp

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies TuyaLP; identification only.
var Dissector = &dissect.Dissector{
	Name:      "tuyalp",
	Transport: dissect.Both,
	Ports:     []uint16{6666, 6667, 6668},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 4 && binary.BigEndian.Uint32(b) == 0x000055aa {
		// 16-byte header; len covers the rest, which ends in the suffix.
		if len(b) < 16+8 {
			return needMore(c, b)
		}
		n := int(binary.BigEndian.Uint32(b[12:]))
		if n < 8 || n > 1<<16 {
			return dissect.NoMatch
		}
		if len(b) < 16+n {
			return needMore(c, b)
		}
		if binary.BigEndian.Uint32(b[16+n-4:]) == 0x0000aa55 {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	if len(b) >= 4 && binary.BigEndian.Uint32(b) == 0x00006699 {
		// 3.5: prefix, reserved u16, seq, cmd, len; len covers IV, payload,
		// tag and suffix.
		if len(b) < 18+4 {
			return needMore(c, b)
		}
		n := int(binary.BigEndian.Uint32(b[14:]))
		if n < 4 || n > 1<<16 {
			return dissect.NoMatch
		}
		if len(b) < 18+n {
			return needMore(c, b)
		}
		if binary.BigEndian.Uint32(b[18+n-4:]) == 0x00009966 {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	if len(b) < 4 && c.Proto == 6 && isPrefix(b) {
		return dissect.NeedMore
	}
	return dissect.NoMatch
}

// needMore waits for the rest of a TCP frame; a UDP datagram is whole.
func needMore(c *dissect.Ctx, b []byte) dissect.Verdict {
	if c.Proto == 6 && c.Pkts[0]+c.Pkts[1] < 6 {
		return dissect.NeedMore
	}
	return dissect.NoMatch
}

func isPrefix(b []byte) bool {
	a := [4]byte{0, 0, 0x55, 0xaa}
	z := [4]byte{0, 0, 0x66, 0x99}
	pa, pz := true, true
	for i := range b {
		pa = pa && b[i] == a[i]
		pz = pz && b[i] == z[i]
	}
	return pa || pz
}
