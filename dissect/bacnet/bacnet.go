// Package bacnet identifies BACnet/IP (UDP 47808): a BACnet Virtual Link
// Control header (type 0x81, function, big-endian length of the whole
// datagram) and, for NPDU-carrying functions, an NPDU with version 1.
package bacnet

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies BACnet/IP (nDPI "BACnet") on UDP.
var Dissector = &dissect.Dissector{
	Name:      "bacnet",
	Transport: dissect.UDP,
	Ports:     []uint16{47808},
	Probe:     probe,
}

// probe checks the BVLC type, a function code 0x00..0x0c, a length equal
// to the datagram, and NPDU version 1 after the header of the functions
// that carry one (original unicast/broadcast 0x0a/0x0b, distribute 0x09,
// forwarded 0x04 with its 6-byte originating address).
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 4 || b[0] != 0x81 || b[1] > 0x0c {
		return dissect.NoMatch
	}
	if int(binary.BigEndian.Uint16(b[2:])) != len(b) {
		return dissect.NoMatch
	}
	npdu := -1
	switch b[1] {
	case 0x09, 0x0a, 0x0b:
		npdu = 4
	case 0x04:
		npdu = 10
	}
	if npdu > 0 && (len(b) <= npdu+1 || b[npdu] != 0x01) {
		return dissect.NoMatch
	}
	return dissect.Match
}
