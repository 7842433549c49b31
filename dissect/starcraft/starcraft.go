// Package starcraft identifies StarCraft II / Battle.net 2.0 traffic on
// port 1119. The protocol is proprietary and mostly encrypted; the probe
// encodes what captures show, always together with port 1119 (server
// side):
//
//   - TCP: the client's Battle.net logon message starts with the 10 bytes
//     4A 00 00 0A 66 02 0A ED 2D 66;
//   - UDP: the latency pings, where the client sends 09 nn and the server
//     answers 0A nn, or the client sends one byte and the server answers 7
//     bytes starting with that byte plus one.
package starcraft

import (
	"github.com/netsift/netsift/dissect"
)

// Dissector identifies StarCraft II / Battle.net; identification only.
var Dissector = &dissect.Dissector{
	Name:      "starcraft",
	Transport: dissect.Both,
	Ports:     []uint16{1119},
	Probe:     probe,
}

const logon = "\x4a\x00\x00\x0a\x66\x02\x0a\xed\x2d\x66"

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Server.Port() != 1119 {
		return dissect.NoMatch
	}
	if c.Proto == 6 {
		if dir != dissect.ToServer {
			return dissect.NoMatch
		}
		for i := 0; i < len(logon); i++ {
			if i == len(b) {
				if c.Pkts[dir] < 3 {
					return dissect.NeedMore
				}
				return dissect.NoMatch
			}
			if b[i] != logon[i] {
				return dissect.NoMatch
			}
		}
		return dissect.Match
	}
	if dir == dissect.ToServer {
		if (len(b) == 2 && b[0] == 0x09 || len(b) == 1) && c.Pkts[dir] < 4 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if c.Pkts[dissect.ToServer] == 0 {
		return dissect.NoMatch
	}
	if len(b) == 2 && b[0] == 0x0a || len(b) == 7 && b[0] != 0 && b[6] == 0x80 {
		return dissect.Match
	}
	return dissect.NoMatch
}
