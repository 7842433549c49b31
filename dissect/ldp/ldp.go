// Package ldp identifies LDP (RFC 5036) on UDP/TCP 646: version 1, a PDU length covering the datagram (UDP) or fitting the stream (TCP), and a known message type (0x0001 notification … 0x0404).
package ldp

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the ldp dissector.
var Dissector = &dissect.Dissector{
	Name:      "ldp",
	Transport: dissect.Both,
	Ports:     []uint16{646},
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
	if len(b) < 10 || be16(b) != 1 {
		return dissect.NoMatch
	}
	n := be16(b[2:])
	if n < 6 || (c.Proto == 17 && n+4 != len(b)) {
		return dissect.NoMatch
	}
	if !port(c, 646) {
		return dissect.NoMatch
	}
	t := be16(b[10:]) &^ 0x8000
	if len(b) >= 12 && (t < 0x0001 || t > 0x0f00) {
		return dissect.NoMatch
	}
	return dissect.Match
}
