package event

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"net/netip"
)

// CommunityID returns the Community ID (version 1, corelight/community-id-
// spec) of a flow: "1:" + base64(SHA-1(seed, smaller endpoint, larger
// endpoint, protocol, ports)). It is the same for both directions. For
// ICMP and ICMPv6, sport and dport are the type and code; request/reply
// pairs map to one ID, as the specification's table says.
func CommunityID(seed uint16, src, dst netip.Addr, sport, dport uint16, proto uint8) string {
	src, dst = src.Unmap(), dst.Unmap()
	oneWay := false
	switch proto {
	case 1:
		sport, dport, oneWay = icmpPorts(icmp4Pairs, sport, dport)
	case 58:
		sport, dport, oneWay = icmpPorts(icmp6Pairs, sport, dport)
	}
	a, b := src.AsSlice(), dst.AsSlice()
	if !oneWay {
		if c := bytes.Compare(a, b); c > 0 || c == 0 && sport > dport {
			a, b, sport, dport = b, a, dport, sport
		}
	}
	var buf [2 + 16 + 16 + 2 + 4]byte
	binary.BigEndian.PutUint16(buf[:], seed)
	n := 2
	n += copy(buf[n:], a)
	n += copy(buf[n:], b)
	buf[n], buf[n+1] = proto, 0
	n += 2
	switch proto {
	case 6, 17, 132, 1, 58:
		binary.BigEndian.PutUint16(buf[n:], sport)
		binary.BigEndian.PutUint16(buf[n+2:], dport)
		n += 4
	}
	sum := sha1.Sum(buf[:n])
	return "1:" + base64.StdEncoding.EncodeToString(sum[:])
}

// ICMP request/reply type pairs (the specification's two-way types).
var (
	icmp4Pairs = map[uint16]uint16{8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 10: 9, 9: 10, 17: 18, 18: 17}
	icmp6Pairs = map[uint16]uint16{128: 129, 129: 128, 133: 134, 134: 133, 135: 136, 136: 135, 130: 131, 131: 130, 144: 145, 145: 144}
)

// icmpPorts maps ICMP type and code to the ports the hash uses: the type
// and its counterpart for two-way types, else type and code, one-way.
func icmpPorts(pairs map[uint16]uint16, typ, code uint16) (uint16, uint16, bool) {
	if peer, ok := pairs[typ]; ok {
		return typ, peer, false
	}
	return typ, code, true
}
