// Package ptp identifies PTP version 2 (IEEE 1588) on UDP 319/320: a known message type, version 2 and a message length equal to the datagram.
package ptp

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the ptp dissector.
var Dissector = &dissect.Dissector{
	Name:      "ptp",
	Transport: dissect.UDP,
	Ports:     []uint16{319, 320},
	Probe:     probe,
}

func be16(b []byte) int { return int(b[0])<<8 | int(b[1]) }

func port(c *dissect.Ctx, ps ...uint16) bool {
	for _, p := range ps {
		if c.Client.Port() == p || c.Server.Port() == p {
			return true
		}
	}
	return false
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if !port(c, 319, 320) || len(b) < 34 || b[1]&0x0f != 2 || be16(b[2:]) > len(b) {
		return dissect.NoMatch
	}
	switch b[0] & 0x0f {
	case 0, 1, 2, 3, 8, 9, 0xa, 0xb, 0xc, 0xd:
		return dissect.Match
	}
	return dissect.NoMatch
}
