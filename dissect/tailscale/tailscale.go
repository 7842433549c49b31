// Package tailscale identifies Tailscale disco messages on UDP: the 6-byte magic "TS" + U+1F4AC followed by the sender key and a nonce.
package tailscale

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the tailscale dissector.
var Dissector = &dissect.Dissector{
	Name:      "tailscale",
	Transport: dissect.UDP,
	Ports:     []uint16{41641},
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
	if len(b) >= 6+32+24 && bytes.HasPrefix(b, []byte("TS\xf0\x9f\x92\xac")) {
		return dissect.Match
	}
	return dissect.NoMatch
}
