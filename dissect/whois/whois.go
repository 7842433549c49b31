// Package whois identifies WHOIS (RFC 3912, port 43). The protocol has no
// magic: a client sends one text line ending in CRLF and the server answers
// with text and closes. The probe therefore requires port 43, a query that
// is exactly one printable line, or a printable answer, and rejects the
// openings of other text protocols that may be run on the port.
package whois

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is WHOIS over TCP (nDPI "Whois-DAS").
var Dissector = &dissect.Dissector{
	Name:      "whois",
	Transport: dissect.TCP,
	Ports:     []uint16{43},
	Probe:     probe,
}

const maxQuery = 256

func printable(b []byte) bool {
	for _, x := range b {
		if x == '\n' || x == '\r' || x == '\t' || (x >= 0x20 && x < 0x7f) || x >= 0x80 {
			continue
		}
		return false
	}
	return true
}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	var query bool
	switch {
	case c.Server.Port() == 43:
		query = dir == dissect.ToServer
	case c.Client.Port() == 43:
		// The capture started with the server's side: roles are swapped.
		query = dir == dissect.ToClient
	default:
		return dissect.NoMatch
	}
	if len(data) == 0 {
		return dissect.NeedMore
	}
	if bytes.HasPrefix(data, []byte("SSH-")) || bytes.HasPrefix(data, []byte("HTTP/")) {
		return dissect.NoMatch
	}
	n := len(data)
	if n > 512 {
		n = 512
	}
	if !printable(data[:n]) {
		return dissect.NoMatch
	}
	if !query {
		if bytes.IndexByte(data[:n], '\n') < 0 && len(data) < 512 {
			return dissect.NeedMore
		}
		return dissect.Match
	}
	i := bytes.IndexByte(data, '\n')
	switch {
	case i < 0 && len(data) < maxQuery:
		return dissect.NeedMore
	case i < 0 || i != len(data)-1 || bytes.Contains(data, []byte(" HTTP/")):
		// Not a single line: a request of some other protocol.
		return dissect.NoMatch
	}
	return dissect.Match
}
