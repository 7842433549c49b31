// Package citrix identifies Citrix ICA (port 1494), whose sessions open
// with the 6-byte "\x7f\x7fICA\x00" detect string from both sides, and CGP
// session reliability (port 2598), which opens with "\x1aCGP/01".
package citrix

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is Citrix ICA/CGP over TCP (nDPI "Citrix").
var Dissector = &dissect.Dissector{
	Name:      "citrix",
	Transport: dissect.TCP,
	Ports:     []uint16{1494, 2598},
	Probe:     probe,
}

var (
	ica = []byte("\x7f\x7fICA\x00")
	cgp = []byte("\x1aCGP/01")
)

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	for _, m := range [...][]byte{ica, cgp} {
		if len(data) >= len(m) && bytes.HasPrefix(data, m) {
			return dissect.Match
		}
		if len(data) < len(m) && bytes.HasPrefix(m, data) {
			return dissect.NeedMore
		}
	}
	return dissect.NoMatch
}
