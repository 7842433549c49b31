// Package radmin identifies Radmin remote control (port 4899). Its messages
// are framed as a 0x01 byte, a 4-byte big-endian data length, 4 bytes of
// checksum and command, then the data; the first message of each side is
// one whole frame.
package radmin

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector is Radmin over TCP (nDPI "Radmin").
var Dissector = &dissect.Dissector{
	Name:      "radmin",
	Transport: dissect.TCP,
	Ports:     []uint16{4899},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	// The framing is generic, so the well-known port is required.
	if c.Server.Port() != 4899 || c.Pkts[dir] > 1 {
		return dissect.NoMatch
	}
	if len(data) < 9 {
		if len(data) > 0 && data[0] != 1 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	n := binary.BigEndian.Uint32(data[1:])
	if data[0] != 1 || n == 0 || n > 4096 {
		return dissect.NoMatch
	}
	if uint64(len(data)) == 9+uint64(n) {
		return dissect.Match
	}
	return dissect.NoMatch
}
