// Package gearman identifies the Gearman job server protocol (TCP 4730):
// binary packets start with "\0REQ" or "\0RES", a big-endian packet type
// and the size of the arguments that follow.
package gearman

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Gearman (nDPI "Gearman") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "gearman",
	Transport: dissect.TCP,
	Ports:     []uint16{4730},
	Probe:     probe,
}

// probe checks the magic, a packet type 1..42 and an argument size within
// 64 MiB.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	const m = "\x00RE"
	for i := 0; i < len(m) && i < len(b); i++ {
		if b[i] != m[i] {
			return dissect.NoMatch
		}
	}
	if len(b) >= 4 && b[3] != 'Q' && b[3] != 'S' {
		return dissect.NoMatch
	}
	if len(b) < 12 {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	t := binary.BigEndian.Uint32(b[4:])
	if t == 0 || t > 42 || binary.BigEndian.Uint32(b[8:]) > 64<<20 {
		return dissect.NoMatch
	}
	return dissect.Match
}
