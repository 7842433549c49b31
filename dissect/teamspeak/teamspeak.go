// Package teamspeak identifies TeamSpeak 3 voice traffic on UDP (default
// port 9987). A client opens the connection with the unencrypted
// "TS3INIT1" handshake: the 8-byte MAC field holds the ASCII text
// "TS3INIT1", then packet id u16 BE (0x0065), client id u16 BE (0) and the
// type/flags byte 0x88 (INIT1, unencrypted). The server's answer starts
// the same way without the client id (flags at offset 10).
package teamspeak

import (
	"github.com/netsift/netsift/dissect"
)

// Dissector identifies TeamSpeak 3; identification only.
var Dissector = &dissect.Dissector{
	Name:      "teamspeak",
	Transport: dissect.UDP,
	Ports:     []uint16{9987},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 12 || string(b[:8]) != "TS3INIT1" || b[8] != 0 || b[9] != 0x65 {
		return dissect.NoMatch
	}
	if dir == dissect.ToServer && len(b) > 12 && b[10] == 0 && b[11] == 0 && b[12] == 0x88 {
		return dissect.Match
	}
	if dir == dissect.ToClient && b[10] == 0x88 {
		return dissect.Match
	}
	return dissect.NoMatch
}
