// Package afp identifies the Apple Filing Protocol over TCP by its Data
// Stream Interface (DSI) header: flags (0 request, 1 reply), command
// (1 CloseSession … 8 Attention), request ID, error code/data offset,
// total data length and 4 reserved zero bytes — 16 bytes in all.
package afp

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector is AFP over DSI/TCP (nDPI "AFP").
var Dissector = &dissect.Dissector{
	Name:      "afp",
	Transport: dissect.TCP,
	Ports:     []uint16{548},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	// Requests (flags 0) flow to the server, replies (1) to the client.
	if len(data) >= 1 && data[0] != byte(dir) {
		return dissect.NoMatch
	}
	if len(data) >= 2 && (data[1] == 0 || data[1] > 8) {
		return dissect.NoMatch
	}
	if len(data) < 16 {
		return dissect.NeedMore
	}
	if binary.BigEndian.Uint32(data[12:]) != 0 {
		return dissect.NoMatch
	}
	n := binary.BigEndian.Uint32(data[8:])
	// The first message must be whole or still arriving, and not huge.
	if n > 1<<20 || (c.Pkts[dir] == 1 && uint64(len(data)) > 16+uint64(n)) {
		return dissect.NoMatch
	}
	// A request's error/offset field is a data offset within the payload.
	if data[0] == 0 && binary.BigEndian.Uint32(data[4:]) > n {
		return dissect.NoMatch
	}
	return dissect.Match
}
