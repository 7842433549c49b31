// Package bitcoin identifies the Bitcoin peer-to-peer protocol (and the
// networks that share its framing: testnet, signet, Namecoin). Every message
// has a 24-byte header:
//
//	magic u32 | command [12]byte ASCII, NUL-padded | length u32 LE | checksum [4]byte
//
// so a probe can check the network magic, the command's shape and the length.
// See https://en.bitcoin.it/wiki/Protocol_documentation#Message_structure.
package bitcoin

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Bitcoin; identification only.
var Dissector = &dissect.Dissector{
	Name:      "bitcoin",
	Transport: dissect.TCP,
	Ports:     []uint16{8333, 18333, 38333, 8334},
	Probe:     probe,
}

// isMagic reports whether m (the first four bytes as read from the wire,
// big-endian) is a known network's start string.
func isMagic(m uint32) bool {
	switch m {
	case 0xf9beb4d9, // main
		0xfabfb5da, // testnet (old)
		0x0b110907, // testnet3
		0x0a03cf40, // signet
		0xf9beb4fe, // namecoin
		0x1c163f28: // testnet4
		return true
	}
	return false
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 4 {
		return dissect.NeedMore
	}
	if !isMagic(binary.BigEndian.Uint32(b)) {
		return dissect.NoMatch
	}
	if len(b) < 24 {
		return dissect.NeedMore
	}
	// Command: 1–12 lowercase letters/digits, then only NULs.
	i := 4
	for i < 16 && b[i] != 0 {
		ch := b[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9') {
			return dissect.NoMatch
		}
		i++
	}
	if i == 4 {
		return dissect.NoMatch
	}
	for ; i < 16; i++ {
		if b[i] != 0 {
			return dissect.NoMatch
		}
	}
	if binary.LittleEndian.Uint32(b[16:]) > 32<<20 { // MAX_SIZE
		return dissect.NoMatch
	}
	return dissect.Match
}
