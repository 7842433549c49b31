// Package fastcgi identifies FastCGI: a stream of records, each with an
// 8-byte header (version 1, type 1..11, request id, content length,
// padding length, reserved) followed by content and padding.
package fastcgi

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies FastCGI (nDPI "FastCGI") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "fastcgi",
	Transport: dissect.TCP,
	Ports:     []uint16{9000},
	Probe:     probe,
}

// probe walks the records in b. A BEGIN_REQUEST record (content length 8,
// role 1..3, reserved bytes zero) is enough on its own; otherwise at least
// two complete well-formed records are needed, or one that fills the data
// exactly on port 9000.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	whole := 0
	for i := 0; i < len(b); {
		r := b[i:]
		if r[0] != 1 || len(r) >= 2 && (r[1] == 0 || r[1] > 11) {
			return dissect.NoMatch
		}
		if len(r) < 8 {
			break
		}
		if r[7] != 0 {
			return dissect.NoMatch
		}
		cl := int(binary.BigEndian.Uint16(r[4:]))
		n := 8 + cl + int(r[6])
		if r[1] == 1 { // BEGIN_REQUEST
			if cl != 8 || len(r) >= 16 && (r[8] != 0 || r[9] == 0 || r[9] > 3 || r[10]&^1 != 0) {
				return dissect.NoMatch
			}
			if len(r) >= 16 {
				return dissect.Match
			}
		}
		if n > len(r) {
			break
		}
		whole++
		i += n
		if whole >= 2 {
			return dissect.Match
		}
	}
	if whole == 1 && (c.Server.Port() == 9000 || c.Client.Port() == 9000) {
		return dissect.Match
	}
	if c.Pkts[dir] > 3 {
		return dissect.NoMatch
	}
	return dissect.NeedMore
}
