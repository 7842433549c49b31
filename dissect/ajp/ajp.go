// Package ajp identifies the Apache JServ Protocol v1.3 (AJP13). Packets
// from the web server start with 0x12 0x34, packets from the servlet
// container with "AB"; then a big-endian payload length and, for most
// packets, a one-byte message type.
package ajp

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies AJP13 (nDPI "AJP") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "ajp",
	Transport: dissect.TCP,
	Ports:     []uint16{8009},
	Probe:     probe,
}

const maxPacket = 65536 - 4

// probe accepts a server→container packet carrying a forward request (2),
// shutdown (7), ping (8) or CPing (10), or a container→server packet
// carrying send body chunk (3), send headers (4), end response (5), get
// body chunk (6) or CPong (9). The length must cover the type byte and
// agree with the data when the packet is complete. Direction is not used:
// captures that start mid-session swap sides.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 1 && b[0] != 0x12 && b[0] != 'A' {
		return dissect.NoMatch
	}
	if len(b) >= 2 && !(b[0] == 0x12 && b[1] == 0x34 || b[0] == 'A' && b[1] == 'B') {
		return dissect.NoMatch
	}
	if len(b) < 5 {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	n := int(binary.BigEndian.Uint16(b[2:]))
	if n < 1 || n > maxPacket {
		return dissect.NoMatch
	}
	t := b[4]
	if b[0] == 0x12 {
		switch t {
		case 2:
			if n < 12 {
				return dissect.NoMatch
			}
		case 7, 8, 10:
			if n != 1 {
				return dissect.NoMatch
			}
		default:
			return dissect.NoMatch
		}
	} else {
		switch t {
		case 3, 4:
		case 5:
			if n != 2 {
				return dissect.NoMatch
			}
		case 6:
			if n != 3 {
				return dissect.NoMatch
			}
		case 9:
			if n != 1 {
				return dissect.NoMatch
			}
		default:
			return dissect.NoMatch
		}
	}
	if 4+n < len(b) && len(b)-(4+n) >= 2 {
		// The next packet must start with a magic too.
		x, y := b[4+n], b[5+n]
		if !(x == 0x12 && y == 0x34 || x == 'A' && y == 'B') {
			return dissect.NoMatch
		}
	}
	return dissect.Match
}
