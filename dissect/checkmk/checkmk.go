// Package checkmk identifies the Checkmk agent protocol (TCP 6556): the
// agent answers a connection with its output, which starts with the
// section header "<<<check_mk>>>".
package checkmk

import "github.com/netsift/netsift/dissect"

// Dissector identifies Checkmk (nDPI "CHECKMK") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "checkmk",
	Transport: dissect.TCP,
	Ports:     []uint16{6556},
	Probe:     probe,
}

// probe matches the first section header.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	const h = "<<<check_mk>>>"
	k := min(len(b), len(h))
	if string(b[:k]) != h[:k] {
		return dissect.NoMatch
	}
	if k < len(h) {
		return dissect.NeedMore
	}
	return dissect.Match
}
