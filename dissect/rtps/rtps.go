// Package rtps identifies RTPS (DDS interoperability wire protocol): the magic "RTPS" and protocol version 1.x or 2.x.
package rtps

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the rtps dissector.
var Dissector = &dissect.Dissector{
	Name:      "rtps",
	Transport: dissect.UDP,
	Ports:     []uint16{7400, 7410},
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
	if len(b) >= 16 && bytes.HasPrefix(b, []byte("RTPS")) && (b[4] == 1 || b[4] == 2) {
		return dissect.Match
	}
	return dissect.NoMatch
}
