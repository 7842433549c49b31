// Package roughtime identifies Roughtime: a message is a tag count, offsets and four-byte tags in ascending order (NONC, PAD, SIG, PATH, SREP, CERT, INDX, VER); the probe checks the count and that the first tags are known.
package roughtime

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the roughtime dissector.
var Dissector = &dissect.Dissector{
	Name:      "roughtime",
	Transport: dissect.Both,
	Ports:     []uint16{2002},
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
	// IETF drafts prefix "ROUGHTIM" + length.
	if bytes.HasPrefix(b, []byte("ROUGHTIM")) && len(b) >= 24 {
		b = b[12:]
	}
	n := int(b[0]) | int(b[1])<<8 | int(b[2])<<16 | int(b[3])<<24
	if n < 1 || n > 32 || len(b) < 4+8*n {
		return dissect.NoMatch
	}
	tags := b[4+4*(n-1):]
	for i := 0; i < n; i++ {
		t := tags[4*i : 4*i+4]
		switch string(t) {
		case "NONC", "PAD\xff", "PAD\x00", "SIG\x00", "PATH", "SREP", "CERT", "INDX", "VER\x00", "ZZZZ", "SRV\x00", "MINT", "MAXT", "RADI", "ROOT", "MIDP", "DELE", "PUBK", "TYPE":
		default:
			return dissect.NoMatch
		}
	}
	return dissect.Match
}
