// Package natpmp identifies NAT-PMP (RFC 6886) on UDP 5351/5350: version 0, and an opcode with the exact request or response length.
package natpmp

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the natpmp dissector.
var Dissector = &dissect.Dissector{
	Name:      "natpmp",
	Transport: dissect.UDP,
	Ports:     []uint16{5351, 5350},
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
	if !port(c, 5351, 5350) || len(b) < 2 || b[0] != 0 {
		return dissect.NoMatch
	}
	switch {
	case b[1] == 0 && len(b) == 2:
	case (b[1] == 1 || b[1] == 2) && len(b) == 12:
	case b[1] == 128 && len(b) == 12:
	case (b[1] == 129 || b[1] == 130) && len(b) == 16:
	default:
		return dissect.NoMatch
	}
	return dissect.Match
}
