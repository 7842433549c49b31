// Package bfd identifies BFD (RFC 5880) control packets on UDP 3784/4784: version 1, detect multiplier non-zero, length equal to the datagram and a non-zero my-discriminator; echo packets on 3785 are opaque and matched by port only when the flow is to and from the same address.
package bfd

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the bfd dissector.
var Dissector = &dissect.Dissector{
	Name:      "bfd",
	Transport: dissect.UDP,
	Ports:     []uint16{3784, 3785, 4784},
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
	if port(c, 3785) && c.Client.Addr() == c.Server.Addr() && len(b) >= 8 {
		return dissect.Match
	}
	if !port(c, 3784, 4784) || len(b) < 24 || b[0]>>5 != 1 || b[2] == 0 || int(b[3]) != len(b) {
		return dissect.NoMatch
	}
	if b[4]|b[5]|b[6]|b[7] == 0 {
		return dissect.NoMatch
	}
	return dissect.Match
}
