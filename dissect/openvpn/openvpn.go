// Package openvpn identifies OpenVPN on UDP and TCP (TCP adds a 2-byte
// packet length): the first packet is a P_CONTROL_HARD_RESET_CLIENT (v2 or
// v3) carrying a non-zero session id and message packet-id 0; the server
// answers with P_CONTROL_HARD_RESET_SERVER. With tls-auth or tls-crypt the
// probe also requires the replay packet-id 1 to be followed by a plausible
// net time, which keeps DNS and other binary UDP off it.
package openvpn

import (
	"github.com/netsift/netsift/dissect"
)

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
	// With tls-auth the HMAC (16–64 bytes) comes first, then the replay
	// packet-id 1 and its net time, at a few known offsets.
	for _, h := range [...]int{16, 20, 32, 64} {
		o := 9 + h
		if len(b) >= o+9 && b[o]|b[o+1]|b[o+2] == 0 && b[o+3] == 1 && plausibleTime(b[o+4:]) {
			return dissect.Match
		}
	}
	// With tls-crypt the packet-id 1 and net time follow the session id,
	// then a 32-byte tag and the encrypted ack array and message packet
	// id (≥ 5 bytes): 54 bytes at least. The time check matters: DNS
	// queries (AVAST SecureDNS on UDP 443) have 00 00 00 01 at the same
	// place (counts, then a 1-byte first label) but no time after it.
	if len(b) >= 54 && b[9]|b[10]|b[11] == 0 && b[12] == 1 && plausibleTime(b[13:]) {
		return dissect.Match
	}
	// tls-crypt-v2 client reset (HARD_RESET_CLIENT_V3): the packet id may
	// carry an epoch, but the datagram ends with the wrapped client key
	// WKc, whose last 2 bytes are its own length: a 32-byte tag, the
	// encrypted 2048-bit client key and metadata, and the length.
	if op == 10 && len(b) >= 49+290 && plausibleTime(b[13:]) {
		if w := be16(b[len(b)-2:]); w >= 290 && w <= 1024 && w <= len(b)-49 {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}

// plausibleTime reports whether the 4-byte Unix time at b lies between
// 2012 and 2038, as OpenVPN's replay-protection net time must.
func plausibleTime(b []byte) bool {
	t := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	return t >= 0x4f000000 && t < 0x80000000
}
