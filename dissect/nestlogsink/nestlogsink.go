// Package nestlogsink identifies Nest devices' log upload ("log sink") on
// TCP 11095. It speaks Nest Weave message framing: each message is a 2-byte
// little-endian length (of what follows) and a 16-bit little-endian Weave
// message header whose high byte holds the Weave version (1, high nibble)
// and the "source/destination node id present" flags (0x3), then a 32-bit
// message id, the node ids and the (usually encrypted) payload.
//
// The framing check is a few bits only, so the probe also requires port
// 11095.
package nestlogsink

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Nest Log Sink; identification only.
var Dissector = &dissect.Dissector{
	Name:      "nestlogsink",
	Transport: dissect.TCP,
	Ports:     []uint16{11095},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Client.Port() != 11095 && c.Server.Port() != 11095 {
		return dissect.NoMatch
	}
	if len(b) < 8 {
		if c.Pkts[dir] < 3 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	n := int(binary.LittleEndian.Uint16(b))
	// Header: version 1 with both node ids, encryption type nibble 0 or 1.
	if n < 14 || b[3] != 0x13 || b[2]&0x0f != 0 || b[2]>>4 > 1 {
		return dissect.NoMatch
	}
	if len(b) < n+2 && c.Pkts[dir] < 4 {
		return dissect.NeedMore
	}
	if len(b) < n+2 {
		return dissect.NoMatch
	}
	return dissect.Match
}
