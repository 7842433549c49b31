// Package syslog identifies syslog (RFC 3164/5424): a "<PRI>" prefix with PRI at most 191, followed by a timestamp, a version digit or a month name; on TCP also with an octet-count prefix.
package syslog

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the syslog dissector.
var Dissector = &dissect.Dissector{
	Name:      "syslog",
	Transport: dissect.Both,
	Ports:     []uint16{514, 601, 6514},
	Probe:     probe,
}

func be16(b []byte) int { return int(b[0])<<8 | int(b[1]) }

func port(c *dissect.Ctx, ps ...uint16) bool {
	for _, p := range ps {
		if c.Client.Port() == p || c.Server.Port() == p {
			return true
		}
	}
	return false
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Proto == 6 {
		// RFC 6587 octet counting: "123 <PRI>...".
		i := 0
		for i < len(b) && i < 6 && b[i] >= 0x30 && b[i] <= 0x39 {
			i++
		}
		if i > 0 && i < len(b) && b[i] == 0x20 {
			b = b[i+1:]
		}
	}
	if len(b) < 5 || b[0] != 0x3c {
		return dissect.NoMatch
	}
	pri, i := 0, 1
	for ; i < len(b) && i < 5 && b[i] >= 0x30 && b[i] <= 0x39; i++ {
		pri = pri*10 + int(b[i]-0x30)
	}
	if i == 1 || i >= len(b) || b[i] != 0x3e || pri > 191 || i+1 >= len(b) {
		return dissect.NoMatch
	}
	r := b[i+1:]
	switch {
	case r[0] >= 0x31 && r[0] <= 0x39 && len(r) > 1 && (r[1] == 0x20 || r[1] >= 0x30 && r[1] <= 0x39):
	case len(r) >= 4 && r[3] == 0x20 && r[0] >= 0x41 && r[0] <= 0x5a:
	default:
		if !port(c, 514) {
			return dissect.NoMatch
		}
	}
	return dissect.Match
}
