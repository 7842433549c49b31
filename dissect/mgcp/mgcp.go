// Package mgcp identifies MGCP (RFC 3435): a four-letter verb, a transaction id and an endpoint, then "MGCP 1.0" (or 0.1); responses (three-digit code and transaction id) are left to the parser side and matched only on the MGCP ports.
package mgcp

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the mgcp dissector.
var Dissector = &dissect.Dissector{
	Name:      "mgcp",
	Transport: dissect.UDP,
	Ports:     []uint16{2427, 2727},
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
	if len(b) < 12 {
		return dissect.NoMatch
	}
	switch string(b[:5]) {
	case "AUEP ", "AUCX ", "CRCX ", "DLCX ", "EPCF ", "MDCX ", "NTFY ", "RQNT ", "RSIP ", "MESG ":
	default:
		if port(c, 2427, 2727) && b[0] >= 0x31 && b[0] <= 0x35 && b[1] >= 0x30 && b[1] <= 0x39 && b[2] >= 0x30 && b[2] <= 0x39 && b[3] == 0x20 {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	line := b
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		line = b[:i]
	}
	if bytes.HasSuffix(line, []byte(" MGCP 1.0")) || bytes.HasSuffix(line, []byte(" MGCP 0.1")) || bytes.Contains(line, []byte(" MGCP 1.0 ")) {
		return dissect.Match
	}
	return dissect.NoMatch
}
