// Package nomachine identifies NoMachine NX sessions (port 4000), which
// open with text banners "NXSH-<version>\n" (client) and
// "NXD-<version>\n" (server) before switching to TLS.
package nomachine

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is NoMachine NX over TCP (nDPI "NoMachine").
var Dissector = &dissect.Dissector{
	Name:      "nomachine",
	Transport: dissect.TCP,
	Ports:     []uint16{4000},
	Probe:     probe,
}

var banners = [...][]byte{[]byte("NXSH-"), []byte("NXD-")}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	for _, b := range banners {
		if len(data) < len(b)+1 {
			if bytes.HasPrefix(b, data) || bytes.HasPrefix(data, b) {
				return dissect.NeedMore
			}
			continue
		}
		if bytes.HasPrefix(data, b) && data[len(b)] >= '0' && data[len(b)] <= '9' {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}
