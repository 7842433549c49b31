// Package netflow identifies NetFlow v5 (24-byte header + 48-byte records, count exact), v9 and IPFIX (v10, length equal to the datagram).
package netflow

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the netflow dissector.
var Dissector = &dissect.Dissector{
	Name:      "netflow",
	Transport: dissect.UDP,
	Ports:     []uint16{2055, 9995, 9996, 4739},
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
	if len(b) < 20 {
		return dissect.NoMatch
	}
	switch be16(b) {
	case 5:
		n := be16(b[2:])
		if n >= 1 && n <= 30 && len(b) == 24+48*n {
			return dissect.Match
		}
	case 9:
		n := be16(b[2:])
		if n >= 1 && n < 256 && port(c, 2055, 9995, 9996) && be16(b[20:]) <= 256 {
			return dissect.Match
		}
	case 10:
		if be16(b[2:]) == len(b) && len(b) >= 20 {
			set := be16(b[16:])
			if set == 2 || set == 3 || set >= 256 {
				return dissect.Match
			}
		}
	}
	return dissect.NoMatch
}
