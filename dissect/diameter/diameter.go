// Package diameter identifies Diameter (RFC 6733, TCP/SCTP 3868): a 20-byte
// header with version 1, a 24-bit message length (a multiple of 4), command
// flags, a 24-bit command code, application id and the hop-by-hop and
// end-to-end identifiers, then AVPs.
package diameter

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Diameter (nDPI "Diameter") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "diameter",
	Transport: dissect.TCP,
	Ports:     []uint16{3868},
	Probe:     probe,
}

// probe checks version 1, a length ≥ 20 and a multiple of 4, flags with the
// reserved low nibble clear (and E only on answers), a non-zero command
// code below 2^24, and a first AVP whose flags and length are sane.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 1 && b[0] != 1 {
		return dissect.NoMatch
	}
	if len(b) < 28 {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	n := int(binary.BigEndian.Uint32(b)) & 0xffffff
	f := b[4]
	code := binary.BigEndian.Uint32(b[4:]) & 0xffffff
	if n < 20 || n%4 != 0 || n > 1<<20 || f&0x0f != 0 || f&0x80 != 0 && f&0x20 != 0 || code == 0 {
		return dissect.NoMatch
	}
	if n == 20 {
		return dissect.Match
	}
	avpFlags := b[24]
	avpLen := int(binary.BigEndian.Uint32(b[24:])) & 0xffffff
	if avpFlags&0x1f != 0 || avpLen < 8 || 20+avpLen > n {
		return dissect.NoMatch
	}
	return dissect.Match
}
