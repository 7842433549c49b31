// Package openwire identifies ActiveMQ's OpenWire protocol (TCP 61616):
// both sides open with a WireFormatInfo command (type 1) whose body starts
// with the magic "ActiveMQ", after a big-endian size prefix.
package openwire

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies OpenWire (nDPI "OpenWire") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "openwire",
	Transport: dissect.TCP,
	Ports:     []uint16{61616},
	Probe:     probe,
}

// probe matches size, type 1 and the magic.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	const m = "\x01ActiveMQ"
	for i := 4; i < 4+len(m) && i < len(b); i++ {
		if b[i] != m[i-4] {
			return dissect.NoMatch
		}
	}
	if len(b) < 4+len(m) {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	if n := binary.BigEndian.Uint32(b); n < uint32(len(m)) || n > 1<<20 {
		return dissect.NoMatch
	}
	return dissect.Match
}
