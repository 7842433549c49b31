// Package tivoconnect identifies the TiVo Connect Discovery beacon (port
// 2190): a text block of "key=value" lines that starts with
// "tivoconnect=1". On UDP the beacon is the whole datagram; on TCP it is
// preceded by a 4-byte big-endian length.
package tivoconnect

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies TiVo Connect; identification only.
var Dissector = &dissect.Dissector{
	Name:      "tivoconnect",
	Transport: dissect.Both,
	Ports:     []uint16{2190},
	Probe:     probe,
}

const beacon = "tivoconnect="

// prefix compares b with beacon case-insensitively: 1 match, 0 too short
// to tell, -1 no.
func prefix(b []byte) int {
	for i := 0; i < len(beacon); i++ {
		if i == len(b) {
			return 0
		}
		ch := b[i]
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		if ch != beacon[i] {
			return -1
		}
	}
	return 1
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Proto == 17 {
		if prefix(b) == 1 {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	if len(b) >= 2 && (b[0] != 0 || b[1] != 0) {
		return dissect.NoMatch
	}
	r := -2
	if len(b) >= 4 {
		if n := binary.BigEndian.Uint32(b); n < uint32(len(beacon)) || n > 65535 {
			return dissect.NoMatch
		}
		r = prefix(b[4:])
	}
	switch {
	case r == 1:
		return dissect.Match
	case r == -1, c.Pkts[dir] >= 3:
		return dissect.NoMatch
	}
	return dissect.NeedMore
}
