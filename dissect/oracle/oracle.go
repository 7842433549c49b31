// Package oracle identifies Oracle TNS (Transparent Network Substrate,
// port 1521). Every TNS packet starts with an 8-byte header: packet length,
// packet checksum (0), type (1 CONNECT, 2 ACCEPT, 4 REFUSE, 5 REDIRECT,
// 6 DATA, 11 RESEND, 12 MARKER), a reserved zero byte and a header
// checksum (0). A client opens with CONNECT, whose version field follows.
package oracle

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector is Oracle TNS over TCP (nDPI "Oracle").
var Dissector = &dissect.Dissector{
	Name:      "oracle",
	Transport: dissect.TCP,
	Ports:     []uint16{1521},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if len(data) < 8 {
		return dissect.NeedMore
	}
	plen := int(binary.BigEndian.Uint16(data))
	if plen < 8 || data[2] != 0 || data[3] != 0 || data[5] != 0 || data[6] != 0 || data[7] != 0 {
		return dissect.NoMatch
	}
	switch data[4] {
	case 1: // CONNECT: version and lowest compatible version, both 300–320 today.
		if plen < 34 || len(data) < 12 {
			return dissect.NoMatch
		}
		v, lv := binary.BigEndian.Uint16(data[8:]), binary.BigEndian.Uint16(data[10:])
		if v < 300 || v > 400 || lv < 300 || lv > v {
			return dissect.NoMatch
		}
		return dissect.Match
	case 2, 4, 5, 11:
		// Server answers are short and generic; trust them only on the port.
		if c.Server.Port() == 1521 && plen == len(data) {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}
