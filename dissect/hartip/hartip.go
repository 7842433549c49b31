// Package hartip identifies HART-IP (UDP/TCP 5094): an 8-byte header
// (version, message type, message id, status, big-endian sequence number
// and byte count of the whole message) before the HART PDU.
package hartip

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies HART-IP (nDPI "HART-IP") on UDP and TCP.
var Dissector = &dissect.Dissector{
	Name:      "hartip",
	Transport: dissect.Both,
	Ports:     []uint16{5094},
	Probe:     probe,
}

// probe checks version 1 or 2, message type 0..15 (request, response,
// publish, error, NAK), message id 0..5 (session initiate, session close,
// keep alive, token-passing PDU, direct PDU, read audit log) and a byte
// count equal to the datagram (UDP) or not shorter than the header and
// consistent with what follows (TCP).
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 1 && b[0] != 1 && b[0] != 2 || len(b) >= 2 && b[1]&0x0f > 4 || len(b) >= 3 && b[2] > 5 {
		return dissect.NoMatch
	}
	if len(b) < 8 {
		if c.Proto == 17 || c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	n := int(binary.BigEndian.Uint16(b[6:]))
	if n < 8 {
		return dissect.NoMatch
	}
	if n == len(b) {
		return dissect.Match
	}
	if c.Proto == 6 && n < len(b) && (b[n] == 1 || b[n] == 2) {
		return dissect.Match
	}
	return dissect.NoMatch
}
