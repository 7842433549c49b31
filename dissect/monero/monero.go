// Package monero identifies Monero's peer-to-peer protocol (TCP 18080),
// which frames every message with an Epee "Levin" header:
//
//	signature u64 LE 0x0101010101012101 | body length u64 LE | have_to_return u8 |
//	command u32 LE | return code i32 LE | flags u32 LE | protocol version u32 LE
//
// The 8-byte signature is a strong match on its own.
package monero

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Monero (Levin); identification only.
var Dissector = &dissect.Dissector{
	Name:      "monero",
	Transport: dissect.TCP,
	Ports:     []uint16{18080, 18089},
	Probe:     probe,
}

const levinSig = 0x0101010101012101

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	sig := [8]byte{0x01, 0x21, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01}
	for i := 0; i < len(b) && i < 8; i++ {
		if b[i] != sig[i] {
			return dissect.NoMatch
		}
	}
	if len(b) < 33 {
		if c.Pkts[dir] < 3 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if binary.LittleEndian.Uint64(b) != levinSig || binary.LittleEndian.Uint64(b[8:]) > 100<<20 || b[16] > 1 {
		return dissect.NoMatch
	}
	return dissect.Match
}
