// Package iec62056 identifies DLMS/COSEM (IEC 62056) as carried over IP:
// HDLC frames (IEC 62056-46: flag 0x7E, frame format type 0xA with an
// 11-bit length, closing flag) and the TCP/UDP wrapper (IEC 62056-47:
// version 1, source and destination wPorts, length of the APDU).
package iec62056

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies DLMS/COSEM (nDPI "IEC62056") on TCP and UDP.
var Dissector = &dissect.Dissector{
	Name:      "iec62056",
	Transport: dissect.Both,
	Ports:     []uint16{4059},
	Probe:     probe,
}

// probe checks an HDLC frame (opening flag, format type 0xA, length equal
// to the bytes between the flags, closing flag at that position) or a
// wrapper header whose length fits the data and whose APDU starts with a
// DLMS tag (AARQ 0x60, AARE 0x61, RLRQ 0x62, RLRE 0x63, xDLMS 0xC0–0xDB or
// ciphered 0x21–0x3F).
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 3 {
		if c.Proto == 17 || c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	if b[0] == 0x7e {
		if b[1]&0xf0 != 0xa0 {
			return dissect.NoMatch
		}
		n := int(b[1]&0x07)<<8 | int(b[2])
		if n < 7 {
			return dissect.NoMatch
		}
		if n+2 > len(b) {
			if c.Proto == 17 || c.Pkts[dir] > 3 {
				return dissect.NoMatch
			}
			return dissect.NeedMore
		}
		if b[n+1] == 0x7e {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	if len(b) < 9 || binary.BigEndian.Uint16(b) != 1 {
		return dissect.NoMatch
	}
	n := int(binary.BigEndian.Uint16(b[6:]))
	if n < 1 || 8+n != len(b) && (c.Proto == 17 || 8+n < len(b)) {
		return dissect.NoMatch
	}
	t := b[8]
	if t >= 0x60 && t <= 0x63 || t >= 0xc0 && t <= 0xdb || t >= 0x21 && t <= 0x3f {
		return dissect.Match
	}
	return dissect.NoMatch
}
