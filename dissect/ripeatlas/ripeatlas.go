// Package ripeatlas identifies the UDP probes of RIPE Atlas measurement
// anchors and probes, whose payload is the ASCII marker "MGLNDD_" followed by
// the target address and port ("MGLNDD_192.0.2.1_1234").
package ripeatlas

import "github.com/netsift/netsift/dissect"

// Dissector identifies RIPE Atlas probe traffic; identification only.
var Dissector = &dissect.Dissector{
	Name:      "ripeatlas",
	Transport: dissect.Both,
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	const magic = "MGLNDD_"
	n := min(len(b), len(magic))
	if string(b[:n]) != magic[:n] {
		return dissect.NoMatch
	}
	if len(b) < len(magic)+3 {
		if c.Proto == 6 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	// The marker is followed by an address: digits, dots, colons, hex.
	ch := b[len(magic)]
	if !(ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f' || ch >= 'A' && ch <= 'F' || ch == ':') {
		return dissect.NoMatch
	}
	return dissect.Match
}
