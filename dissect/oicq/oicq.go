// Package oicq identifies OICQ, the classic Tencent QQ instant-messaging
// protocol. A UDP datagram (TCP: the same packet behind a 2-byte big-endian
// length) is
//
//	0x02 | version u16 | command u16 | sequence u16 | [QQ number u32] | body | 0x03
//
// The start/end flags alone are weak, so the probe also wants a non-zero
// version, a command inside the known range, and one of the QQ server ports
// (8000/8001 UDP, 8000/443/80 TCP behind the length prefix).
package oicq

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies OICQ; identification only.
var Dissector = &dissect.Dissector{
	Name:      "oicq",
	Transport: dissect.Both,
	Ports:     []uint16{8000, 8001},
	Probe:     probe,
}

// packet checks one OICQ packet that fills p exactly.
func packet(p []byte) bool {
	if len(p) < 11 || len(p) > 4096 || p[0] != 0x02 || p[len(p)-1] != 0x03 {
		return false
	}
	ver := binary.BigEndian.Uint16(p[1:])
	cmd := binary.BigEndian.Uint16(p[3:])
	return ver != 0 && cmd != 0 && cmd < 0x0400
}

func qqPort(c *dissect.Ctx) bool {
	for _, p := range [2]uint16{c.Client.Port(), c.Server.Port()} {
		if p == 8000 || p == 8001 || p == 4000 {
			return true
		}
	}
	return false
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Proto == 17 {
		if qqPort(c) && packet(b) {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	if len(b) >= 1 && b[0] != 0 || len(b) >= 3 && b[2] != 0x02 {
		return dissect.NoMatch
	}
	if len(b) < 13 {
		if c.Pkts[dir] < 3 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	n := int(binary.BigEndian.Uint16(b))
	if n < 13 || n > 4096 {
		return dissect.NoMatch
	}
	if len(b) < n {
		if c.Pkts[dir] < 3 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if qqPort(c) && packet(b[2:n]) {
		return dissect.Match
	}
	return dissect.NoMatch
}
