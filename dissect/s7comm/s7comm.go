// Package s7comm identifies Siemens S7 communication over ISO-on-TCP (port
// 102): a TPKT header (version 3, reserved 0, length), a COTP header, and in
// COTP data units the S7 protocol id, 0x32 for S7comm and 0x72 for
// S7comm-plus. The connection request/confirm that opens a session carries
// no protocol id, so the probe waits for the first data unit.
package s7comm

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies S7comm (nDPI "S7Comm") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "s7comm",
	Transport: dissect.TCP,
	Ports:     []uint16{102},
	Probe:     func(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict { return probe(c, dir, b, 0x32) },
}

// Plus identifies S7comm-plus (nDPI "S7CommPlus") on TCP.
var Plus = &dissect.Dissector{
	Name:      "s7commplus",
	Transport: dissect.TCP,
	Ports:     []uint16{102},
	Probe:     func(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict { return probe(c, dir, b, 0x72) },
}

// COTP PDU types.
const (
	cotpCR = 0xe0
	cotpCC = 0xd0
	cotpDT = 0xf0
)

// probe walks TPKT packets in b: connection request/confirm packets are
// skipped, the first data unit decides by its protocol id. Anything that is
// not TPKT+COTP is rejected at once (RDP shares TPKT/COTP but sends no S7
// id, so it is rejected at its first data unit).
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte, id byte) dissect.Verdict {
	for i := 0; ; {
		r := b[i:]
		if len(r) >= 1 && r[0] != 3 || len(r) >= 2 && r[1] != 0 {
			return dissect.NoMatch
		}
		if len(r) < 7 {
			break
		}
		n := int(binary.BigEndian.Uint16(r[2:]))
		li := int(r[4])
		if n < 7 || li < 2 || 5+li > n {
			return dissect.NoMatch
		}
		switch r[5] & 0xf0 {
		case cotpCR, cotpCC:
			if n > len(r) {
				return more(c, dir)
			}
			i += n
			continue
		case cotpDT:
			if li != 2 || 5+li >= len(r) {
				return more(c, dir)
			}
			if r[5+li] == id {
				return dissect.Match
			}
			return dissect.NoMatch
		}
		return dissect.NoMatch
	}
	return more(c, dir)
}

func more(c *dissect.Ctx, dir dissect.Dir) dissect.Verdict {
	if c.Pkts[dir] > 4 {
		return dissect.NoMatch
	}
	return dissect.NeedMore
}
