// Package dlep identifies DLEP (RFC 8175): discovery on UDP begins with the "DLEP" signature; session messages on TCP 854 begin with a Session Initialization (1) or its response (2) with an exact length.
package dlep

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the dlep dissector.
var Dissector = &dissect.Dissector{
	Name:      "dlep",
	Transport: dissect.Both,
	Ports:     []uint16{854},
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
	if bytes.HasPrefix(b, []byte("DLEP")) && len(b) >= 8 && (be16(b[4:]) == 1 || be16(b[4:]) == 2) && be16(b[6:])+8 == len(b) {
		return dissect.Match
	}
	if c.Proto == 6 && port(c, 854) && len(b) >= 4 && (be16(b) == 1 || be16(b) == 2) && be16(b[2:])+4 <= len(b) {
		return dissect.Match
	}
	return dissect.NoMatch
}
