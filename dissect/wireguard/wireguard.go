// Package wireguard identifies WireGuard: message type 1–4 with three reserved zero bytes and the exact handshake sizes (148 initiation, 92 response, 64 cookie) or a transport message of at least 32 bytes with a 16-byte-aligned payload.
package wireguard

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the wireguard dissector.
var Dissector = &dissect.Dissector{
	Name:      "wireguard",
	Transport: dissect.UDP,
	Ports:     []uint16{51820},
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
	if len(b) < 32 || b[1]|b[2]|b[3] != 0 {
		return dissect.NoMatch
	}
	switch b[0] {
	case 1:
		if len(b) == 148 {
			return dissect.Match
		}
	case 2:
		if len(b) == 92 {
			return dissect.Match
		}
	case 3:
		if len(b) == 64 {
			return dissect.Match
		}
	case 4:
		// receiver index, counter, then AEAD data padded to 16 + tag.
		if (len(b)-32)%16 == 0 && c.Pkts[0]+c.Pkts[1] <= 4 {
			return dissect.NeedMore
		}
	}
	return dissect.NoMatch
}
