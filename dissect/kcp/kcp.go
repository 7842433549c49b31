// Package kcp identifies KCP, the reliable-ARQ protocol over UDP
// (github.com/skywind3000/kcp). A datagram holds one or more segments, each
// a 24-byte little-endian header followed by its data:
//
//	conv u32 | cmd u8 | frg u8 | wnd u16 | ts u32 | sn u32 | una u32 | len u32 | data[len]
//
// with cmd 81 (PUSH), 82 (ACK), 83 (WASK) or 84 (WINS). The probe walks the
// segments and wants them to fill the datagram exactly, all with the same
// conversation id, valid commands, and data only on PUSH segments; a
// datagram without a PUSH segment (a bare ACK) only makes it wait.
package kcp

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies KCP; identification only.
var Dissector = &dissect.Dissector{
	Name:      "kcp",
	Transport: dissect.UDP,
	Probe:     probe,
}

const hdrLen = 24

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < hdrLen {
		return dissect.NoMatch
	}
	conv := binary.LittleEndian.Uint32(b)
	push := false
	for segs := 0; len(b) > 0; segs++ {
		if len(b) < hdrLen || segs == 64 || binary.LittleEndian.Uint32(b) != conv {
			return dissect.NoMatch
		}
		cmd := b[4]
		n := binary.LittleEndian.Uint32(b[20:])
		switch {
		case cmd < 81 || cmd > 84:
			return dissect.NoMatch
		case cmd == 81 && n == 0, cmd != 81 && n != 0:
			return dissect.NoMatch
		case n > uint32(len(b)-hdrLen):
			return dissect.NoMatch
		}
		push = push || cmd == 81
		b = b[hdrLen+int(n):]
	}
	if push {
		return dissect.Match
	}
	// A bare ACK/WASK/WINS is little evidence: wait for a PUSH.
	if c.Pkts[0]+c.Pkts[1] < 6 {
		return dissect.NeedMore
	}
	return dissect.NoMatch
}
