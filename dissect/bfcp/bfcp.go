// Package bfcp identifies BFCP (RFC 8855): version 1 or 2, primitive 1–17, and a payload length in 4-byte words that matches the message.
package bfcp

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the bfcp dissector.
var Dissector = &dissect.Dissector{
	Name:      "bfcp",
	Transport: dissect.Both,
	Ports:     []uint16{5070},
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
	if len(b) < 12 {
		return dissect.NoMatch
	}
	ver := b[0] >> 5
	if (ver != 1 && ver != 2) || b[0]&0x07 != 0 || b[1] < 1 || b[1] > 17 {
		return dissect.NoMatch
	}
	n := 12 + 4*be16(b[2:])
	if n != len(b) && !(c.Proto == 6 && n < len(b)) && !port(c, 5070) {
		return dissect.NoMatch
	}
	return dissect.Match
}
