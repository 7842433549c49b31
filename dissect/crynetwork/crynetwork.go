// Package crynetwork identifies the CryEngine network layer ("CryNetwork",
// used by CryEngine games such as Hunt: Showdown and Warface) on UDP. The
// protocol is undocumented; a client's first datagram to a game server
// carries, after a 5-byte prefix, eleven zero bytes and the little-endian
// u32 values 1 and 7, then the bytes 03 07 00 00:
//
//	b[0..5] | 00×11 | 01 00 00 00 | 07 00 00 00 | 03 07 00 00 | …
//
// which the probe requires (19 fixed bytes). The server's answers begin
// with a type byte followed by 31 zero bytes, which the probe also accepts
// once the client has spoken.
package crynetwork

import (
	"github.com/netsift/netsift/dissect"
)

// Dissector identifies CryNetwork; identification only.
var Dissector = &dissect.Dissector{
	Name:      "crynetwork",
	Transport: dissect.UDP,
	Probe:     probe,
}

var clientSig = [19]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if dir != dissect.ToServer || len(b) < 28 || len(b) > 1500 {
		return dissect.NoMatch
	}
	if string(b[5:24]) != string(clientSig[:]) || b[24] != 3 || b[25] != 7 || b[26] != 0 || b[27] != 0 {
		return dissect.NoMatch
	}
	return dissect.Match
}
