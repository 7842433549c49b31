// Package avast identifies Avast/AVG's proprietary "NOSA" protocol, which
// their products speak over TCP (commonly port 80, but not HTTP): every
// message starts with the ASCII magic "NOSA" followed by a big-endian 16-bit
// total message length (header included).
package avast

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies the NOSA protocol; identification only.
var Dissector = &dissect.Dissector{
	Name:      "avast",
	Transport: dissect.TCP,
	Ports:     []uint16{80, 8080},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	const magic = "NOSA"
	n := min(len(b), 4)
	if string(b[:n]) != magic[:n] {
		return dissect.NoMatch
	}
	if len(b) < 8 {
		return dissect.NeedMore
	}
	l := int(binary.BigEndian.Uint16(b[4:]))
	if l < 8 || l > len(b) {
		// The first message is whole in the first segment in practice;
		// a longer or bogus length is not NOSA.
		return dissect.NoMatch
	}
	// The message that follows (if any) must start with the magic again.
	if len(b) > l && len(b)-l >= 4 && string(b[l:l+4]) != magic {
		return dissect.NoMatch
	}
	return dissect.Match
}
