// Package dhcpv6 identifies DHCPv6 (RFC 8415) on UDP 546/547: a known
// message type followed by an exact list of options (relay messages have a
// 34-byte header instead of the 4-byte one).
package dhcpv6

import "github.com/netsift/netsift/dissect"

// Dissector is the DHCPv6 dissector.
var Dissector = &dissect.Dissector{
	Name:      "dhcpv6",
	Transport: dissect.UDP,
	Ports:     []uint16{546, 547},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	sp, dp := c.Client.Port(), c.Server.Port()
	if sp != 546 && sp != 547 && dp != 546 && dp != 547 {
		return dissect.NoMatch
	}
	if len(b) < 4 || b[0] == 0 || b[0] > 36 {
		return dissect.NoMatch
	}
	o := b[4:]
	if b[0] == 12 || b[0] == 13 { // RELAY-FORW / RELAY-REPL
		if len(b) < 34 {
			return dissect.NoMatch
		}
		o = b[34:]
	}
	for len(o) > 0 {
		if len(o) < 4 {
			return dissect.NoMatch
		}
		n := int(o[2])<<8 | int(o[3])
		if 4+n > len(o) {
			return dissect.NoMatch
		}
		o = o[4+n:]
	}
	return dissect.Match
}
