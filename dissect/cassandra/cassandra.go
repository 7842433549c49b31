// Package cassandra identifies Apache Cassandra: the CQL native protocol
// (port 9042), whose frames start with a version byte (bit 7 set on
// responses), flags, a stream id, an opcode and a big-endian body length,
// and the internode messaging protocol (port 7000), whose messages start
// with the magic 0xCA552DFA.
package cassandra

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Cassandra (nDPI "Cassandra") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "cassandra",
	Transport: dissect.TCP,
	Ports:     []uint16{9042, 7000},
	Probe:     probe,
}

const maxBody = 256 << 20

// probe checks a CQL frame header (version 3..5, known flag bits, opcode
// 0..0x10 valid for the frame's direction bit, body length that fills the
// data or runs past it) or the internode magic.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 4 && binary.BigEndian.Uint32(b) == 0xca552dfa {
		return dissect.Match
	}
	if len(b) < 9 {
		if len(b) > 0 && (b[0]&0x7f < 3 || b[0]&0x7f > 5) || c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	ver := b[0] & 0x7f
	resp := b[0]&0x80 != 0
	// Versions 1 and 2 (8-byte header) are long gone from servers; only
	// 3..5 are accepted, which also keeps the check tight.
	if ver < 3 || ver > 5 || b[1]&^0x1f != 0 {
		return dissect.NoMatch
	}
	op, n, hdr := b[4], int(binary.BigEndian.Uint32(b[5:])), 9
	if n > maxBody || !opOK(op, resp) {
		return dissect.NoMatch
	}
	if op == 0x05 && n != 0 || op == 0x01 && n == 0 { // OPTIONS has no body; STARTUP has one
		return dissect.NoMatch
	}
	if hdr+n < len(b) && b[hdr+n]&0x7f != ver {
		// Another frame follows; it must carry the same version.
		return dissect.NoMatch
	}
	return dissect.Match
}

// opOK says whether op is a request (resp false) or response opcode.
func opOK(op byte, resp bool) bool {
	switch op {
	case 0x01, 0x05, 0x07, 0x09, 0x0a, 0x0b, 0x0d, 0x0f: // STARTUP OPTIONS QUERY PREPARE EXECUTE REGISTER BATCH AUTH_RESPONSE
		return !resp
	case 0x00, 0x02, 0x03, 0x06, 0x08, 0x0c, 0x0e, 0x10: // ERROR READY AUTHENTICATE SUPPORTED RESULT EVENT AUTH_CHALLENGE AUTH_SUCCESS
		return resp
	}
	return false
}
