// Package dcerpc identifies DCE/RPC (C706): the connection-oriented
// protocol over TCP (version 5, 16-byte header with fragment length) and
// the connectionless protocol over UDP (version 4, 80-byte header with body
// length).
package dcerpc

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies DCE/RPC (nDPI "DCERPC", Suricata "dcerpc").
var Dissector = &dissect.Dissector{
	Name:      "dcerpc",
	EVE:       "dcerpc",
	Transport: dissect.Both,
	Ports:     []uint16{135},
	Probe:     probe,
}

// drepOK checks the data representation label: integer (bit 4) and
// character (bit 0) formats in byte 0, float format 0..3 in byte 1, and a
// zero reserved byte.
func drepOK(d []byte) bool {
	return d[0]&0xee == 0 && d[1] <= 3 && d[2] == 0
}

func u16(d byte, b []byte) int {
	if d&0x10 != 0 {
		return int(binary.LittleEndian.Uint16(b))
	}
	return int(binary.BigEndian.Uint16(b))
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Proto == 17 {
		return probeCL(b)
	}
	return probeCO(c, dir, b)
}

// probeCL checks a connectionless PDU: version 4, packet type 0..10, drep,
// and a body length (offset 74) that fills the datagram exactly.
func probeCL(b []byte) dissect.Verdict {
	if len(b) < 80 || b[0] != 4 || b[1] > 10 || !drepOK(b[4:7]) {
		return dissect.NoMatch
	}
	if 80+u16(b[4], b[74:]) != len(b) {
		return dissect.NoMatch
	}
	return dissect.Match
}

// probeCO checks a connection-oriented PDU: version 5.0/5.1, packet type
// 0..20, drep, fragment length ≥ 16 covering the auth trailer, and, when
// another PDU follows in the data, its version byte.
func probeCO(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 1 && b[0] != 5 || len(b) >= 2 && b[1] > 1 || len(b) >= 3 && b[2] > 20 {
		return dissect.NoMatch
	}
	if len(b) < 16 {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	if !drepOK(b[4:7]) {
		return dissect.NoMatch
	}
	n := u16(b[4], b[8:])
	auth := u16(b[4], b[10:])
	if n < 16 || auth+16 > n {
		return dissect.NoMatch
	}
	switch b[2] {
	case 11, 14: // bind, alter_context: max xmit/recv frag, assoc group, n contexts
		if n < 28 {
			return dissect.NoMatch
		}
	}
	if n < len(b) && b[n] != 5 {
		return dissect.NoMatch
	}
	return dissect.Match
}
