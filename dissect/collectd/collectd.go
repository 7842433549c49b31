// Package collectd identifies collectd's binary network protocol (UDP
// 25826): a datagram is a sequence of parts, each a big-endian type and
// length (including the 4-byte part header) and a value.
package collectd

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies collectd (nDPI "collectd") on UDP.
var Dissector = &dissect.Dissector{
	Name:      "collectd",
	Transport: dissect.UDP,
	Ports:     []uint16{25826},
	Probe:     probe,
}

func knownPart(t uint16) bool {
	return t <= 0x0009 || t == 0x0100 || t == 0x0101 || t == 0x0200 || t == 0x0210
}

// probe walks the parts: every part must have a known type and fit, and the
// parts must end exactly at the datagram's end. On the collectd port a
// datagram that starts with one well-formed known part header is enough,
// since senders are known to emit truncated or oversized parts.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 4 {
		return dissect.NoMatch
	}
	if !knownPart(binary.BigEndian.Uint16(b)) || binary.BigEndian.Uint16(b[2:]) < 4 {
		return dissect.NoMatch
	}
	if c.Server.Port() == 25826 || c.Client.Port() == 25826 {
		return dissect.Match
	}
	parts := 0
	for i := 0; i < len(b); parts++ {
		if i+4 > len(b) || parts > 256 {
			return dissect.NoMatch
		}
		t := binary.BigEndian.Uint16(b[i:])
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if !knownPart(t) || n < 4 || i+n > len(b) {
			return dissect.NoMatch
		}
		if t == 0x0006 && (n < 6 || n != 6+9*int(binary.BigEndian.Uint16(b[i+4:]))) {
			return dissect.NoMatch
		}
		i += n
	}
	if parts < 2 {
		return dissect.NoMatch
	}
	return dissect.Match
}
