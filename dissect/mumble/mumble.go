// Package mumble identifies Mumble's UDP server ping (port 64738), which
// clients use to list servers before connecting. The request is 12 bytes:
// a zero u32 (ping type) and an 8-byte identifier; the server answers with
// 24 bytes: version (u32 BE: 0, major, minor, patch), the echoed
// identifier, and users, max users and bandwidth (u32 BE each). Mumble's
// control channel is TLS on TCP and is left to the TLS dissector; its voice
// datagrams are encrypted.
//
// The ping is small, so the probe also requires server port 64738 and
// matches only on the server's answer (version 1.x, users ≤ max users).
package mumble

import (
	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Mumble server pings; identification only.
var Dissector = &dissect.Dissector{
	Name:      "mumble",
	Transport: dissect.UDP,
	Ports:     []uint16{64738},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Server.Port() != 64738 {
		return dissect.NoMatch
	}
	if dir == dissect.ToServer {
		if len(b) == 12 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0 && c.Pkts[dir] < 4 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	// Version 1.x.y, a non-zero identifier, users ≤ max users.
	if c.Pkts[dissect.ToServer] == 0 || len(b) != 24 || b[0] != 0 || b[1] != 1 || b[2] > 20 {
		return dissect.NoMatch
	}
	users := uint32(b[12])<<24 | uint32(b[13])<<16 | uint32(b[14])<<8 | uint32(b[15])
	maxUsers := uint32(b[16])<<24 | uint32(b[17])<<16 | uint32(b[18])<<8 | uint32(b[19])
	if users > maxUsers || maxUsers > 1<<20 {
		return dissect.NoMatch
	}
	return dissect.Match
}
