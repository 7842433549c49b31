// Package tplinkshp identifies the TP-Link Smart Home Protocol used by
// Kasa plugs and bulbs on port 9999. Messages are JSON obfuscated with an
// autokey XOR: the key starts at 171 and each ciphertext byte becomes the
// key for the next, so plain[i] = cipher[i] ^ cipher[i-1] (cipher[-1] =
// 171). UDP datagrams (discovery) carry one message; on TCP each message is
// preceded by a 4-byte big-endian length.
//
// The probe decodes the first bytes and wants a JSON object opening
// ('{' then '"') followed by printable text.
package tplinkshp

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies TP-Link SHP; identification only.
var Dissector = &dissect.Dissector{
	Name:      "tplinkshp",
	Transport: dissect.Both,
	Ports:     []uint16{9999},
	Probe:     probe,
}

// plausible decodes up to 16 bytes of enc and checks for a JSON object.
func plausible(enc []byte) bool {
	if len(enc) < 8 {
		return false
	}
	if len(enc) > 16 {
		enc = enc[:16]
	}
	key := byte(171)
	for i, c := range enc {
		p := c ^ key
		key = c
		switch {
		case i == 0 && p != '{':
			return false
		case i == 1 && p != '"':
			return false
		case p < 0x20 || p > 0x7e:
			return false
		}
	}
	return true
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Proto == 17 {
		if plausible(b) {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	if len(b) < 12 {
		if len(b) >= 2 && (b[0] != 0 || b[1] != 0) {
			return dissect.NoMatch
		}
		if c.Pkts[dir] < 3 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	n := binary.BigEndian.Uint32(b)
	if n < 8 || n > 1<<20 || !plausible(b[4:]) {
		return dissect.NoMatch
	}
	return dissect.Match
}
