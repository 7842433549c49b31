// Package ethereum identifies Ethereum's devp2p networking.
//
// UDP node discovery v4: hash [32] | signature [65] | packet-type u8 (1 ping,
// 2 pong, 3 findnode, 4 neighbors, 5 ENR request, 6 ENR response) | RLP list.
// The probe checks the type and that the RLP list header accounts for the
// rest of the datagram.
//
// TCP RLPx: the encrypted handshake (EIP-8) opens with a big-endian 16-bit
// size followed by an ECIES ciphertext that starts with an uncompressed
// secp256k1 point (0x04). Both the auth and its ack have that shape, and the
// first segment carries exactly one such message.
package ethereum

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Ethereum devp2p; identification only.
var Dissector = &dissect.Dissector{
	Name:      "ethereum",
	Transport: dissect.Both,
	Ports:     []uint16{30303},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Proto == 17 {
		return probeDiscv4(b)
	}
	// ECIES: 0x04 | R [64] | IV [16] | ciphertext | MAC [32].
	const minECIES = 65 + 16 + 32
	if len(b) >= 3 && b[2] != 0x04 {
		return dissect.NoMatch
	}
	if len(b) < 2 {
		return dissect.NeedMore
	}
	n := int(binary.BigEndian.Uint16(b))
	if n < minECIES+64 || n > 2048 {
		return dissect.NoMatch
	}
	if len(b) < 2+n {
		if c.Pkts[dir] < 4 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if len(b) != 2+n {
		// Nothing follows the handshake until the peer has answered.
		return dissect.NoMatch
	}
	return dissect.Match
}

func probeDiscv4(b []byte) dissect.Verdict {
	if len(b) < 98+1 || len(b) > 1280 {
		return dissect.NoMatch
	}
	if t := b[97]; t < 1 || t > 6 {
		return dissect.NoMatch
	}
	// The recovery id of the signature is 0 or 1.
	if b[96] > 1 {
		return dissect.NoMatch
	}
	p := b[98:]
	h := p[0]
	var n, hl int
	switch {
	case h >= 0xc0 && h <= 0xf7:
		n, hl = int(h-0xc0), 1
	case h > 0xf7:
		ll := int(h - 0xf7)
		if ll > 2 || len(p) < 1+ll {
			return dissect.NoMatch
		}
		for i := 0; i < ll; i++ {
			n = n<<8 | int(p[1+i])
		}
		hl = 1 + ll
	default:
		return dissect.NoMatch
	}
	// EIP-8 lets packets carry trailing list elements but not trailing
	// bytes after the list.
	if hl+n != len(p) {
		return dissect.NoMatch
	}
	return dissect.Match
}
