// Package whois identifies WHOIS (RFC 3912, port 43). The protocol has no
// magic: a client sends one text line ending in CRLF and the server answers
// with text. The probe therefore requires port 43 and printable text.
package whois

import "github.com/netsift/netsift/dissect"

// Dissector is WHOIS over TCP (nDPI "Whois-DAS").
var Dissector = &dissect.Dissector{
	Name:      "whois",
	Transport: dissect.TCP,
	Ports:     []uint16{43},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if c.Server.Port() != 43 && c.Client.Port() != 43 {
		return dissect.NoMatch
	}
	n := len(data)
	if n > 512 {
		n = 512
	}
	nl := false
	for _, b := range data[:n] {
		if b == '\n' {
			nl = true
			continue
		}
		if b == '\r' || b == '\t' || (b >= 0x20 && b < 0x7f) || b >= 0x80 {
			continue
		}
		return dissect.NoMatch
	}
	if n == 0 || (!nl && len(data) < 512) {
		return dissect.NeedMore
	}
	return dissect.Match
}
