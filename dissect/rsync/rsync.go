// Package rsync identifies the rsync daemon protocol by its greeting
// "@RSYNCD: <version>", which both sides send first.
package rsync

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is rsync over TCP (nDPI "RSYNC").
var Dissector = &dissect.Dissector{
	Name:      "rsync",
	Transport: dissect.TCP,
	Ports:     []uint16{873},
	Probe:     probe,
}

var magic = []byte("@RSYNCD: ")

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if len(data) < len(magic) {
		if bytes.HasPrefix(magic, data) {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if bytes.HasPrefix(data, magic) {
		return dissect.Match
	}
	return dissect.NoMatch
}
