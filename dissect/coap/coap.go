// Package coap identifies CoAP (RFC 7252) on UDP 5683: version 1, token length at most 8, a request method 0.01–0.07 or a response class 2, 4 or 5 (or an empty message), with the well-known port, because the 4-byte header is weak.
package coap

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the coap dissector.
var Dissector = &dissect.Dissector{
	Name:      "coap",
	Transport: dissect.UDP,
	Ports:     []uint16{5683, 5684},
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
	if !port(c, 5683, 5684) || len(b) < 4 || b[0]>>6 != 1 || b[0]&0x0f > 8 {
		return dissect.NoMatch
	}
	code := b[1]
	class, detail := code>>5, code&0x1f
	switch {
	case code == 0 && b[0]&0x0f == 0 && len(b) == 4:
	case class == 0 && detail >= 1 && detail <= 7:
	case class == 2 || class == 4 || class == 5:
	default:
		return dissect.NoMatch
	}
	return dissect.Match
}
