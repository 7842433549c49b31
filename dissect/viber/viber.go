// Package viber identifies Viber's own transport, which is undocumented;
// the probe encodes the layouts seen in Viber client captures.
//
// TCP (ports 4244, 5242, 5243, 7985): the client's first message is
//
//	length u16 LE (whole message) | session u32 | 0xFC 0xFF | kind u8 | 0x80 | …
//
// and must fill the bytes seen exactly (about 40 fixed bits).
//
// UDP (server ports 7985–7987, relayed calls): each datagram starts with a
// 2-byte session tag, a message type byte and 0x00; the probe accepts the
// first client datagram only for the types and sizes clients open with,
// and only on those ports, since the payload evidence is weak.
//
// Viber's HTTPS and DNS traffic is named by host name elsewhere.
package viber

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Viber; identification only.
var Dissector = &dissect.Dissector{
	Name:      "viber",
	Transport: dissect.Both,
	Ports:     []uint16{4244, 5242, 5243, 7985},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Proto == 17 {
		return probeUDP(c, dir, b)
	}
	if dir != dissect.ToServer {
		return dissect.NoMatch
	}
	if len(b) >= 8 && (b[6] != 0xfc || b[7] != 0xff) || len(b) >= 10 && b[9] != 0x80 {
		return dissect.NoMatch
	}
	if len(b) < 10 {
		if c.Pkts[dir] < 3 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	n := int(binary.LittleEndian.Uint16(b))
	switch {
	case n == len(b):
		return dissect.Match
	case n > len(b) && n <= 4096 && c.Pkts[dir] < 3:
		return dissect.NeedMore
	}
	return dissect.NoMatch
}

func probeUDP(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if p := c.Server.Port(); p < 7985 || p > 7987 || dir != dissect.ToServer {
		return dissect.NoMatch
	}
	if len(b) < 18 || b[3] != 0 {
		return dissect.NoMatch
	}
	switch t := b[2]; {
	case t == 0x01 && len(b) >= 64 && b[4] == 0x05 && b[5] == 0x00,
		t == 0x09 && len(b) == 20,
		t == 0x11 && len(b) == 18,
		t == 0x19 && len(b) == 34:
		return dissect.Match
	}
	return dissect.NoMatch
}
