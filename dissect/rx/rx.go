// Package rx identifies the AFS RX protocol on UDP 7000–7009: a 28-byte header with a known packet type (1–13), valid flag bits and a service id.
package rx

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the rx dissector.
var Dissector = &dissect.Dissector{
	Name:      "rx",
	Transport: dissect.UDP,
	Ports:     []uint16{7000, 7001, 7002, 7003, 7004, 7005, 7006, 7007, 7008, 7009},
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
	if len(b) < 28 {
		return dissect.NoMatch
	}
	lo, hi := c.Client.Port(), c.Server.Port()
	if !((lo >= 7000 && lo <= 7009) || (hi >= 7000 && hi <= 7009)) {
		return dissect.NoMatch
	}
	typ, flags := b[20], b[21]
	if typ < 1 || typ > 13 || flags&0xc0 != 0 {
		return dissect.NoMatch
	}
	// Call number and sequence fields are non-zero except for a few
	// control packets; the epoch is non-zero.
	if b[0]|b[1]|b[2]|b[3] == 0 {
		return dissect.NoMatch
	}
	return dissect.Match
}
