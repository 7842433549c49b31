// Package wsd identifies WS-Discovery (SOAP over UDP) on port 3702: an XML document with a SOAP envelope.
package wsd

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the wsd dissector.
var Dissector = &dissect.Dissector{
	Name:      "wsd",
	Transport: dissect.UDP,
	Ports:     []uint16{3702},
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
	if !port(c, 3702) || len(b) < 32 {
		return dissect.NoMatch
	}
	if !bytes.HasPrefix(b, []byte("<?xml")) && !bytes.HasPrefix(b, []byte("<soap")) && !bytes.HasPrefix(b, []byte("<s:Envelope")) {
		return dissect.NoMatch
	}
	head := b[:min(len(b), 512)]
	if bytes.Contains(head, []byte("Envelope")) {
		return dissect.Match
	}
	return dissect.NoMatch
}
