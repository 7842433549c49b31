// Package ethersbus identifies SAIA Ether-S-Bus (UDP 5050): a header with
// the big-endian frame length, version (0 or 1), protocol type 0 or 1, a sequence
// number and a telegram attribute (0 request, 1 response, 2 ACK/NAK),
// followed by the S-Bus telegram and its CRC.
package ethersbus

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Ether-S-Bus (nDPI "Ether-S-Bus") on UDP.
var Dissector = &dissect.Dissector{
	Name:      "ethersbus",
	Transport: dissect.UDP,
	Ports:     []uint16{5050},
	Probe:     probe,
}

// probe checks length = datagram size, version, protocol type and
// telegram attribute. These are few bits, so port 5050 is required too.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Server.Port() != 5050 && c.Client.Port() != 5050 {
		return dissect.NoMatch
	}
	if len(b) < 11 || int(binary.BigEndian.Uint32(b)) != len(b) || b[4] > 1 || b[5] > 1 || b[8] > 2 {
		return dissect.NoMatch
	}
	return dissect.Match
}
