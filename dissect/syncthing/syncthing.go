// Package syncthing identifies Syncthing's local discovery: UDP broadcasts
// (IPv4) and multicasts (IPv6 ff12::8384) to port 21027, each a 4-byte
// big-endian magic 0x2EA7D90B followed by a protobuf Announce message whose
// first field is the device id (tag 0x0a, 32 bytes). Syncthing's TCP block
// exchange protocol runs inside TLS and is left to the TLS dissector.
package syncthing

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Syncthing local discovery; identification only.
var Dissector = &dissect.Dissector{
	Name:      "syncthing",
	Transport: dissect.UDP,
	Ports:     []uint16{21027},
	Probe:     probe,
}

const magic = 0x2EA7D90B

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 6 && binary.BigEndian.Uint32(b) == magic && b[4] == 0x0a && b[5] == 0x20 {
		return dissect.Match
	}
	return dissect.NoMatch
}
