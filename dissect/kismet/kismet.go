// Package kismet identifies the Kismet client/server protocol on TCP: lines beginning "*KISMET: " from the server or "!" commands from the client.
package kismet

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the kismet dissector.
var Dissector = &dissect.Dissector{
	Name:      "kismet",
	Transport: dissect.TCP,
	Ports:     []uint16{2501},
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
	if bytes.HasPrefix(b, []byte("*KISMET: ")) {
		return dissect.Match
	}
	if len(b) < 9 && bytes.HasPrefix([]byte("*KISMET: "), b) {
		return dissect.NeedMore
	}
	if dir == dissect.ToServer && c.Pkts[1] == 0 && c.Pkts[0] < 2 {
		return dissect.NeedMore
	}
	return dissect.NoMatch
}
