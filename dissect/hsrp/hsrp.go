// Package hsrp identifies Cisco HSRP on UDP 1985 (IPv4) and 2029 (IPv6): version 0 with a known opcode and state and a 20-byte message, or the version 2 TLV format (group state TLV type 1, length 40).
package hsrp

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the hsrp dissector.
var Dissector = &dissect.Dissector{
	Name:      "hsrp",
	Transport: dissect.UDP,
	Ports:     []uint16{1985, 2029},
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
	if !port(c, 1985, 2029) || len(b) < 6 {
		return dissect.NoMatch
	}
	if b[0] == 0 && b[1] <= 2 && len(b) == 20 {
		switch b[2] {
		case 0, 1, 2, 4, 8, 16:
			return dissect.Match
		}
		return dissect.NoMatch
	}
	// Version 2: TLVs; group state TLV (1, 40), interface TLV (4), text
	// authentication (3), MD5 authentication (4); a lone 6-byte TLV is the
	// interface state TLV type 2 (length 4).
	if b[0] == 1 && b[1] == 40 && len(b) >= 42 && b[2] == 2 {
		return dissect.Match
	}
	if b[0] == 2 && b[1] == 4 && len(b) == 6 {
		return dissect.Match
	}
	return dissect.NoMatch
}
