// Package hpvirtgrp identifies HP Virtual Machine Group (HP_VIRTGRP in
// nDPI), a TCP protocol seen on port 5223. The protocol is undocumented;
// in captures the client's first message starts with a 4-byte header of
// type 0x16, 0x00 and the total message length (u16 little-endian, header
// included), and the server answers with the same header of type 0x17.
//
// The header is only a few bits, so the probe wants the client's 0x16
// message and the server's 0x17 answer, each exactly as long as it says.
// (TLS, the other common talker on 5223, has 0x03 as its second byte.)
package hpvirtgrp

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies HP Virtual Machine Group; identification only.
var Dissector = &dissect.Dissector{
	Name:      "hpvirtgrp",
	Transport: dissect.TCP,
	Ports:     []uint16{5223},
	Probe:     probe,
}

// msg reports whether b starts with a message of type typ whose length
// field matches the bytes seen: 1 yes, 0 undecided (too short), -1 no.
func msg(b []byte, typ byte) int {
	if len(b) >= 1 && b[0] != typ || len(b) >= 2 && b[1] != 0 {
		return -1
	}
	if len(b) < 4 {
		return 0
	}
	n := int(binary.LittleEndian.Uint16(b[2:]))
	switch {
	case n < 8:
		return -1
	case len(b) < n:
		return 0
	case len(b) == n:
		return 1
	}
	return -1
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if dir == dissect.ToServer {
		switch msg(b, 0x16) {
		case -1:
			return dissect.NoMatch
		case 0:
			if c.Pkts[dir] >= 3 {
				return dissect.NoMatch
			}
		}
		// Wait for the server's 0x17 answer.
		if c.Pkts[dissect.ToServer] >= 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	if c.Pkts[dissect.ToServer] == 0 {
		return dissect.NoMatch
	}
	switch msg(b, 0x17) {
	case 1:
		return dissect.Match
	case 0:
		if c.Pkts[dir] < 3 {
			return dissect.NeedMore
		}
	}
	return dissect.NoMatch
}
