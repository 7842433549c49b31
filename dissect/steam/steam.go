// Package steam identifies Steam's LAN protocols on UDP 27036 (In-Home
// Streaming / Remote Play discovery): every datagram starts with the 8-byte
// signature FF FF FF FF 21 4C 5F A0, followed by a u32 LE header length and
// a protobuf CMsgRemoteClientBroadcastHeader (tag 0x08, client id).
package steam

import (
	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Steam LAN discovery; identification only.
var Dissector = &dissect.Dissector{
	Name:      "steam",
	Transport: dissect.UDP,
	Ports:     []uint16{27036},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 13 && string(b[:8]) == "\xff\xff\xff\xff\x21\x4c\x5f\xa0" && b[12] == 0x08 {
		return dissect.Match
	}
	return dissect.NoMatch
}
