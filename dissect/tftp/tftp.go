// Package tftp identifies TFTP (RFC 1350, options RFC 2347): a read or write request with a file name and a known transfer mode, or — on ports other than 69, since transfers move to ephemeral ports — a first DATA block 1 answered by ACK 1.
package tftp

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the tftp dissector.
var Dissector = &dissect.Dissector{
	Name:      "tftp",
	Transport: dissect.UDP,
	Ports:     []uint16{69},
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
	if len(b) < 4 || b[0] != 0 {
		return dissect.NoMatch
	}
	switch b[1] {
	case 1, 2:
		i := bytes.IndexByte(b[2:], 0)
		if i < 0 {
			return dissect.NoMatch
		}
		mode := b[2+i+1:]
		j := bytes.IndexByte(mode, 0)
		if j < 0 {
			return dissect.NoMatch
		}
		mode = mode[:j]
		if bytes.EqualFold(mode, []byte("octet")) || bytes.EqualFold(mode, []byte("netascii")) || bytes.EqualFold(mode, []byte("mail")) {
			return dissect.Match
		}
		return dissect.NoMatch
	case 3:
		// DATA: block 1, at most 512 bytes of data (or a larger
		// negotiated blksize, up to 65464).
		if be16(b[2:]) == 1 && c.Pkts[0]+c.Pkts[1] <= 2 {
			return dissect.NeedMore
		}
	case 4:
		// ACK 0 (option ack) or 1 after DATA 1.
		if len(b) == 4 && be16(b[2:]) <= 1 && c.Pkts[0] >= 1 && c.Pkts[1] >= 1 {
			return dissect.Match
		}
	case 6: // OACK
		if len(b) > 4 && b[len(b)-1] == 0 && port(c, 69) {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}
