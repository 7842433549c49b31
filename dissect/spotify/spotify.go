// Package spotify identifies Spotify's own protocols: the LAN discovery
// broadcast on UDP 57621, whose datagrams start with "SpotUdp0", and the
// access-point protocol on TCP (4070, also 443/80), whose ClientHello is
//
//	version u16 (0x0004) | total length u32 BE | protobuf ClientHello …
//
// (the protobuf's first field is build_info, tag 10, wire type 2 → 0x52).
package spotify

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Spotify; identification only.
var Dissector = &dissect.Dissector{
	Name:      "spotify",
	Transport: dissect.Both,
	Ports:     []uint16{57621, 4070},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Proto == 17 {
		if len(b) >= 8 && string(b[:8]) == "SpotUdp0" {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	// TCP: the client speaks first with the length-prefixed ClientHello.
	if dir != dissect.ToServer {
		return dissect.NoMatch
	}
	if len(b) >= 1 && b[0] != 0 || len(b) >= 2 && b[1] != 4 {
		return dissect.NoMatch
	}
	if len(b) < 7 {
		return dissect.NeedMore
	}
	n := binary.BigEndian.Uint32(b[2:])
	if n < 16 || n > 4096 || b[6] != 0x52 {
		return dissect.NoMatch
	}
	if uint32(len(b)) < n {
		if c.Pkts[dir] < 4 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if uint32(len(b)) != n {
		return dissect.NoMatch // the client waits for the APResponse
	}
	return dissect.Match
}
