package match

import (
	"net/netip"
	"sort"

	"github.com/netsift/netsift/rules"
)

// addrIndex finds the rules whose specific address side contains an
// address. It indexes the always-evaluate rules that have no fast pattern
// but a narrow address group (ET's botcc/compromised/ciarmy/drop IP lists:
// about 900 rules), so they cost a binary search per Tx instead of two
// group look-ups each. Query returns a superset; headerMatch decides.
//
// IPv4 ranges are kept as uint32 pairs: comparing netip.Addr values made
// the four look-ups per Tx cost ~150 ns of the ~1.7 µs a random TCP
// payload takes with ET Open.
type addrIndex struct {
	rs    []ixRange    // every range; after build the IPv6 ones, sorted by lo
	maxHi []netip.Addr // maxHi[i] = max(rs[0..i].hi)
	v4    []ixRange4   // IPv4 ranges sorted by lo
	max4  []uint32     // max4[i] = max(v4[0..i].hi)
	// by16 has a bit per IPv4 /16 that some range touches: most traffic
	// addresses (private ones, above all) are in none, and skip the binary
	// search.
	by16 [1024]uint64
	all  []ixRange // every range, for tests
}

type ixRange4 struct {
	lo, hi uint32
	rule   int32
}

type ixRange struct {
	lo, hi netip.Addr
	rule   int32
}

// maxIndexedV4 is the largest IPv4 coverage (addresses) a side may have to
// be indexed; $HOME_NET's default RFC 1918 ranges are larger, so rules on
// them stay on the protocol lists.
const maxIndexedV4 = 1 << 20

// narrow reports whether an address group is small enough to index: at most
// maxIndexedV4 IPv4 addresses and IPv6 ranges within one /64 each.
func narrow(s *rules.AddrSet) bool {
	if s == nil {
		return false
	}
	var n uint64
	ok := true
	s.Ranges(func(lo, hi netip.Addr) bool {
		if lo.Is4() {
			a, b := lo.As4(), hi.As4()
			n += uint64(be32(b)) - uint64(be32(a)) + 1
			ok = n <= maxIndexedV4
		} else {
			a, b := lo.As16(), hi.As16()
			ok = [8]byte(a[:8]) == [8]byte(b[:8])
		}
		return ok
	})
	return ok
}

func be32(b [4]byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func (ix *addrIndex) add(s *rules.AddrSet, rule int32) {
	s.Ranges(func(lo, hi netip.Addr) bool {
		ix.rs = append(ix.rs, ixRange{lo, hi, rule})
		return true
	})
}

func (ix *addrIndex) build() {
	ix.all = ix.rs
	var v6 []ixRange
	for _, r := range ix.rs {
		if r.lo.Is4() {
			ix.v4 = append(ix.v4, ixRange4{be32(r.lo.As4()), be32(r.hi.As4()), r.rule})
		} else {
			v6 = append(v6, r)
		}
	}
	sort.SliceStable(ix.v4, func(i, j int) bool { return ix.v4[i].lo < ix.v4[j].lo })
	for _, r := range ix.v4 {
		for p := r.lo >> 16; p <= r.hi>>16; p++ {
			ix.by16[p>>6] |= 1 << (p & 63)
		}
	}
	ix.max4 = make([]uint32, len(ix.v4))
	for i, r := range ix.v4 {
		ix.max4[i] = r.hi
		if i > 0 && ix.max4[i-1] > r.hi {
			ix.max4[i] = ix.max4[i-1]
		}
	}
	ix.rs = v6
	sort.SliceStable(ix.rs, func(i, j int) bool { return ix.rs[i].lo.Less(ix.rs[j].lo) })
	ix.maxHi = make([]netip.Addr, len(ix.rs))
	for i, r := range ix.rs {
		ix.maxHi[i] = r.hi
		if i > 0 && ix.maxHi[i-1].Compare(r.hi) > 0 {
			ix.maxHi[i] = ix.maxHi[i-1]
		}
	}
}

// query marks in s each rule with a range containing a whose header the
// Tx satisfies.
func (ix *addrIndex) query(a netip.Addr, s *scratch, m *Matcher) {
	a = a.Unmap()
	if a.Is4() {
		v := be32(a.As4())
		if p := v >> 16; ix.by16[p>>6]&(1<<(p&63)) == 0 {
			return
		}
		lo, hi := 0, len(ix.v4)
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if ix.v4[mid].lo > v {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		for j := lo - 1; j >= 0 && ix.max4[j] >= v; j-- {
			if ix.v4[j].hi >= v {
				s.markRef(m, ix.v4[j].rule)
			}
		}
		return
	}
	lo, hi := 0, len(ix.rs) // first range with lo > a
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if ix.rs[mid].lo.Compare(a) > 0 {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	for j := lo - 1; j >= 0 && ix.maxHi[j].Compare(a) >= 0; j-- {
		if ix.rs[j].hi.Compare(a) >= 0 {
			s.markRef(m, ix.rs[j].rule)
		}
	}
}
