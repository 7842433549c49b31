// Package socks identifies SOCKS4/4a (client CONNECT/BIND: version 4,
// command 1|2, port, IPv4, NUL-terminated user id) and SOCKS5 (RFC 1928:
// version 5, method count, that many method bytes, answered by version 5
// and the chosen method).
package socks

import "github.com/netsift/netsift/dissect"

// Dissector is SOCKS over TCP (nDPI "SOCKS").
var Dissector = &dissect.Dissector{
	Name:      "socks",
	Transport: dissect.TCP,
	Ports:     []uint16{1080},
	Probe:     probe,
}

func validMethod(m byte) bool { return m <= 0x09 || m >= 0x80 && m != 0xff }

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if len(data) < 2 {
		if len(data) == 1 && data[0] != 4 && data[0] != 5 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	onPort := c.Server.Port() == 1080
	if dir == dissect.ToClient {
		// A server reply alone is too short to trust; the greeting decides.
		if c.Pkts[dissect.ToServer] == 0 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	switch data[0] {
	case 5:
		n := int(data[1])
		if n == 0 || n > 10 || len(data) != 2+n {
			return dissect.NoMatch
		}
		for _, m := range data[2:] {
			if !validMethod(m) {
				return dissect.NoMatch
			}
		}
		if onPort || n >= 2 {
			return dissect.Match
		}
		return dissect.NoMatch
	case 4:
		if data[1] != 1 && data[1] != 2 || len(data) < 9 || len(data) > 300 || data[len(data)-1] != 0 {
			return dissect.NoMatch
		}
		for _, b := range data[8 : len(data)-1] {
			if b != 0 && (b < 0x20 || b > 0x7e) {
				return dissect.NoMatch
			}
		}
		return dissect.Match
	}
	return dissect.NoMatch
}
