// Package mongodb identifies the MongoDB wire protocol: every message starts
// with a 16-byte little-endian header (messageLength, requestID, responseTo,
// opCode).
package mongodb

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies MongoDB (nDPI "MongoDB") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "mongodb",
	Transport: dissect.TCP,
	Ports:     []uint16{27017, 27018, 27019},
	Probe:     probe,
}

// Opcodes of the wire protocol.
const (
	opReply      = 1
	opUpdate     = 2001
	opInsert     = 2002
	opQuery      = 2004
	opGetMore    = 2005
	opDelete     = 2006
	opKillCursor = 2007
	opCompressed = 2012
	opMsg        = 2013
	maxMsg       = 48 << 20
)

// probe checks the header (length within 16..48 MiB and not shorter than
// what the opcode needs, a known opcode) and then the opcode's body:
// OP_QUERY/OP_MSG/OP_REPLY have flag words with reserved bits and, for
// OP_QUERY, a "db.collection" name.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 21 {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	n := int(binary.LittleEndian.Uint32(b))
	if n < 21 || n > maxMsg {
		return dissect.NoMatch
	}
	op := binary.LittleEndian.Uint32(b[12:])
	body := b[16:min(len(b), n)]
	switch op {
	case opMsg:
		flags := binary.LittleEndian.Uint32(body)
		if flags&^0x00010003 != 0 || len(body) < 5 || body[4] > 2 {
			return dissect.NoMatch
		}
	case opQuery:
		flags := binary.LittleEndian.Uint32(body)
		if flags&^0xfe != 0 || !collOK(body[4:]) {
			return dissect.NoMatch
		}
	case opReply:
		flags := binary.LittleEndian.Uint32(body)
		if flags&^0x0f != 0 || n < 36 || binary.LittleEndian.Uint32(b[8:]) == 0 {
			return dissect.NoMatch
		}
	case opCompressed:
		if n < 25 || len(body) >= 9 && body[8] > 3 {
			return dissect.NoMatch
		}
	case opUpdate, opInsert, opGetMore, opDelete:
		if !collOK(body[4:]) {
			return dissect.NoMatch
		}
	case opKillCursor:
	default:
		return dissect.NoMatch
	}
	if n < len(b) && len(b)-n >= 16 {
		// A second message must start right after the first.
		if m := binary.LittleEndian.Uint32(b[n:]); m < 16 || m > maxMsg {
			return dissect.NoMatch
		}
	}
	return dissect.Match
}

// collOK checks a cstring namespace "db.collection" (printable, with a dot).
func collOK(b []byte) bool {
	dot := false
	for i, x := range b {
		switch {
		case x == 0:
			return dot && i >= 3
		case x == '.':
			if i == 0 {
				return false
			}
			dot = true
		case x < 0x21 || x > 0x7e:
			return false
		}
		if i > 255 {
			return false
		}
	}
	return dot // truncated, but plausible so far
}
