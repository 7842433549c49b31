// Package flow tracks bidirectional flows: a packed key, a table with
// per-class idle timeouts, a hard cap on entries with LRU eviction, and
// per-direction counters. A Table is owned by one worker goroutine and is
// not safe for concurrent use; the engine shards flows over workers by
// Key.Hash so each worker has its own table and no locks are taken.
package flow

import (
	"encoding/binary"

	"github.com/netsift/netsift/decode"
)

// Key identifies a flow regardless of direction. It is a packed,
// pointer-free value type (42 bytes) usable with == and as a map key: the
// lower endpoint (by address, then port) is always A, so both directions of
// a flow produce the same Key. netip.AddrPort was not used because it holds
// a pointer (zone handle), making map hashing slower and keys not
// pointer-free.
type Key struct {
	A, B   [16]byte
	PA, PB uint16
	VLAN   uint16 // innermost 802.1Q id (0 when untagged)
	Proto  uint8
	V6     bool
	// Tunneled is the tunnel depth of the flow's packets (0: none): as
	// Suricata (its recursion level is part of the flow key), the inner
	// flow of a tunnel is not the same flow as identical traffic outside
	// it or at another depth.
	Tunneled uint8
}

// MakeKey builds p's key; swapped reports that p's source is endpoint B.
func MakeKey(p *decode.Packet) (k Key, swapped bool) {
	k.Proto = p.Proto
	k.V6 = p.IPVersion == 6
	k.Tunneled = p.TunnelDepth
	if p.VLANs > 0 {
		k.VLAN = p.VLAN[p.VLANs-1]
	}
	if r := icmpRole(p); r != 0 {
		// ICMP queries and their replies: the querier is always A, so an
		// echo reply sent the same way as an earlier request is not taken
		// for that request's answer (Suricata keys them apart too).
		if r > 0 {
			k.A, k.B = p.Src, p.Dst
			return k, false
		}
		k.A, k.B = p.Dst, p.Src
		return k, true
	}
	c := compare(&p.Src, &p.Dst)
	if c < 0 || (c == 0 && p.SrcPort <= p.DstPort) {
		k.A, k.B, k.PA, k.PB = p.Src, p.Dst, p.SrcPort, p.DstPort
		return k, false
	}
	k.A, k.B, k.PA, k.PB = p.Dst, p.Src, p.DstPort, p.SrcPort
	return k, true
}

// icmpRole is +1 for an ICMP query (echo, timestamp, information, address
// mask request; ICMPv6 echo request), -1 for its reply, 0 for anything else.
func icmpRole(p *decode.Packet) int {
	switch p.Proto {
	case decode.ProtoICMP:
		switch p.ICMPType {
		case 8, 13, 15, 17:
			return 1
		case 0, 14, 16, 18:
			return -1
		}
	case decode.ProtoICMPv6:
		switch p.ICMPType {
		case 128:
			return 1
		case 129:
			return -1
		}
	}
	return 0
}

func compare(a, b *[16]byte) int {
	x, y := binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(b[:8])
	if x != y {
		if x < y {
			return -1
		}
		return 1
	}
	x, y = binary.BigEndian.Uint64(a[8:]), binary.BigEndian.Uint64(b[8:])
	if x != y {
		if x < y {
			return -1
		}
		return 1
	}
	return 0
}

// Hash is a symmetric 64-bit hash of the key (both directions hash alike
// because the key is ordered), used to spread flows over workers.
func (k *Key) Hash() uint64 {
	h := uint64(0x9e3779b97f4a7c15)
	mix := func(v uint64) {
		h ^= v
		h *= 0xff51afd7ed558ccd
		h ^= h >> 33
	}
	mix(binary.LittleEndian.Uint64(k.A[:8]))
	mix(binary.LittleEndian.Uint64(k.A[8:]))
	mix(binary.LittleEndian.Uint64(k.B[:8]))
	mix(binary.LittleEndian.Uint64(k.B[8:]))
	mix(uint64(k.PA)<<32 | uint64(k.PB)<<16 | uint64(k.VLAN))
	mix(uint64(k.Proto) | uint64(k.Tunneled)<<8)
	return h
}
