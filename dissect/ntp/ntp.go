// Package ntp identifies NTP (RFC 5905) on UDP 123: version 1–4, a mode, and a 48-byte header optionally followed by extension fields or a MAC.
package ntp

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the ntp dissector.
var Dissector = &dissect.Dissector{
	Name:      "ntp",
	Transport: dissect.UDP,
	Ports:     []uint16{123},
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
	if !port(c, 123) || len(b) < 48 || len(b) > 1024 {
		return dissect.NoMatch
	}
	v, mode := (b[0]>>3)&7, b[0]&7
	if v < 1 || v > 4 || mode == 0 || mode == 6 || mode == 7 {
		return dissect.NoMatch
	}
	if b[1] > 16 { // stratum
		return dissect.NoMatch
	}
	return dissect.Match
}
