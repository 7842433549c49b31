// Package openvpn identifies OpenVPN on UDP and TCP (TCP adds a 2-byte packet length): the first packet is a P_CONTROL_HARD_RESET_CLIENT (v2 or v3) carrying a non-zero session id and message packet-id 0; the server answers with P_CONTROL_HARD_RESET_SERVER.
package openvpn

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

var _ = bytes.HasPrefix

// Dissector is the openvpn dissector.
var Dissector = &dissect.Dissector{
	Name:      "openvpn",
	Transport: dissect.Both,
	Ports:     []uint16{1194},
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
	if c.Proto == 6 {
		if len(b) < 2 {
			return dissect.NeedMore
		}
		if be16(b) != len(b)-2 && !(be16(b) < len(b)-2 && c.Pkts[dir] == 1) {
			if be16(b) > len(b)-2 && len(b) < 64 && c.Pkts[dir] < 3 {
				return dissect.NeedMore
			}
			return dissect.NoMatch
		}
		b = b[2:]
	}
	if len(b) < 14 {
		return dissect.NoMatch
	}
	op := b[0] >> 3
	// 7 = HARD_RESET_CLIENT_V2, 10 = V3; 8 = HARD_RESET_SERVER_V2.
	if op != 7 && op != 10 && op != 8 {
		return dissect.NoMatch
	}
	var sid byte
	for _, x := range b[1:9] {
		sid |= x
	}
	if sid == 0 {
		return dissect.NoMatch
	}
	// Without HMAC: ack array length (0), then packet id 0 (4 bytes).
	if len(b) == 14 && b[9] == 0 && b[10]|b[11]|b[12]|b[13] == 0 {
		return dissect.Match
	}
	if op == 8 && len(b) >= 26 && b[9] == 1 {
		return dissect.Match
	}
	// With tls-auth/tls-crypt the HMAC (16–64 bytes) and a replay
	// packet-id + time come next: packet-id 1 at a few known offsets.
	for _, h := range [...]int{16, 20, 32, 64} {
		o := 9 + h
		if len(b) >= o+9 && b[o]|b[o+1]|b[o+2] == 0 && b[o+3] == 1 {
			return dissect.Match
		}
	}
	if op == 10 || op == 7 {
		// tls-crypt v2: session id, packet id 1, time, then opaque.
		if len(b) >= 17 && b[9]|b[10]|b[11] == 0 && b[12] == 1 {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}
