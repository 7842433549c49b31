// Package elasticsearch identifies Elasticsearch's node-to-node transport
// protocol (port 9300): every message starts with "ES", a big-endian int32
// length of the rest of the message, then a request id and status byte. A
// ping is "ES" followed by length -1.
package elasticsearch

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies the Elasticsearch transport protocol (nDPI
// "Elasticsearch") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "elasticsearch",
	Transport: dissect.TCP,
	Ports:     []uint16{9300},
	Probe:     probe,
}

// probe checks the "ES" marker and a length that agrees with the data: it
// either fills the data exactly, leaves room for a following message that
// also starts with "ES", or runs past the data (a message split over
// segments) within a sane bound. Status bits above 0x3f are unused.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 1 && b[0] != 'E' || len(b) >= 2 && b[1] != 'S' {
		return dissect.NoMatch
	}
	if len(b) < 6 {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	n := binary.BigEndian.Uint32(b[2:])
	if n == 0xffffffff { // ping
		return dissect.Match
	}
	if n < 13 || n > 1<<30 {
		return dissect.NoMatch
	}
	if len(b) >= 15 && b[14]&0xc0 != 0 {
		return dissect.NoMatch
	}
	end := 6 + int(n)
	switch {
	case end == len(b), end > len(b):
		return dissect.Match
	case end+2 <= len(b) && b[end] == 'E' && b[end+1] == 'S':
		return dissect.Match
	}
	return dissect.NoMatch
}
