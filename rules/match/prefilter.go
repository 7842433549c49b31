package match

import (
	"bytes"
	"encoding/binary"
)

// mpm is the multi-pattern prefilter of one buffer group: it reports which
// of its case-insensitive patterns occur in a value.
//
// Design (replaces an Aho-Corasick DFA, measured on ET Open's 2186 pkt_data
// patterns: the DFA's transition table does not fit the L1/L2 caches and
// scanned random data at ~5 ns/byte; this scans it at well under 1 ns/byte):
//
//   - pair: a 64 Ki-bit (8 KiB) bitmap of the first two bytes of every
//     pattern of length ≥ 2, each byte masked with 0xDF so upper and lower
//     case letters share a bit (other bytes then share one with their
//     0x20-neighbour: a false positive only, settled by verification).
//     Almost every position of typical data stops at this one test.
//   - long: patterns of length ≥ 4 hashed by their masked first four bytes
//     into an open-addressing table of buckets; a position that passes the
//     pair test looks its four bytes up and verifies the bucket's patterns
//     with an exact case-folded compare.
//   - short: patterns of length 2 and 3, bucketed by their masked first two
//     bytes (a second bitmap says which pairs have any).
//   - one: patterns of length 1, found with bytes.IndexByte.
//
// Patterns are stored lower-cased; the buffer is never copied.
type mpm struct {
	pair  [1024]uint64
	short [1024]uint64
	long  ptab
	shtab ptab
	one   []int32 // pattern ids of length-1 patterns
	pats  [][]byte
}

// ptab maps a masked key to the bucket of patterns sharing it.
type ptab struct {
	shift uint
	keys  []uint32
	slots []int32 // index+1 into bkts, 0 = empty
	bkts  [][]int32
}

func (t *ptab) build(m map[uint32][]int32) {
	n := 8
	for n < 2*len(m) {
		n <<= 1
	}
	t.shift = 32
	for x := n; x > 1; x >>= 1 {
		t.shift--
	}
	t.keys = make([]uint32, n)
	t.slots = make([]int32, n)
	t.bkts = t.bkts[:0]
	// Insert in key order so the layout is deterministic.
	keys := make([]uint32, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortU32(keys)
	for _, k := range keys {
		t.bkts = append(t.bkts, m[k])
		j := t.slot(k)
		for t.slots[j] != 0 {
			j = (j + 1) & uint32(n-1)
		}
		t.keys[j] = k
		t.slots[j] = int32(len(t.bkts))
	}
}

func (t *ptab) slot(k uint32) uint32 { return (k * 0x9E3779B1) >> t.shift }

// get returns the bucket of key k, or nil.
func (t *ptab) get(k uint32) []int32 {
	if len(t.slots) == 0 {
		return nil
	}
	mask := uint32(len(t.slots) - 1)
	for j := t.slot(k); ; j = (j + 1) & mask {
		s := t.slots[j]
		if s == 0 {
			return nil
		}
		if t.keys[j] == k {
			return t.bkts[s-1]
		}
	}
}

func sortU32(a []uint32) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

const (
	mask2 = 0xDFDF
	mask4 = 0xDFDFDFDF
)

// newMPM builds the prefilter; pats are lower-cased, non-empty, distinct,
// and their index is the id scan reports.
func newMPM(pats [][]byte) *mpm {
	m := &mpm{pats: pats}
	long := map[uint32][]int32{}
	short := map[uint32][]int32{}
	for id, p := range pats {
		switch {
		case len(p) == 1:
			m.one = append(m.one, int32(id))
			continue
		case len(p) < 4:
			k := uint32(binary.LittleEndian.Uint16(p)) & mask2
			m.short[k>>6] |= 1 << (k & 63)
			short[k] = append(short[k], int32(id))
		default:
			k := binary.LittleEndian.Uint32(p) & mask4
			long[k] = append(long[k], int32(id))
		}
		k := uint32(binary.LittleEndian.Uint16(p)) & mask2
		m.pair[k>>6] |= 1 << (k & 63)
	}
	m.long.build(long)
	m.shtab.build(short)
	return m
}

// scan appends to out the id of every pattern occurring in b that is not
// yet marked in seen, and marks it. The caller clears seen for the ids it
// got (seen has a bit per pattern).
func (m *mpm) scan(b []byte, seen []uint64, out []int32) []int32 {
	for _, id := range m.one {
		c := m.pats[id][0]
		if seen[id>>6]&(1<<(id&63)) == 0 &&
			(bytes.IndexByte(b, c) >= 0 || c >= 'a' && c <= 'z' && bytes.IndexByte(b, c-32) >= 0) {
			seen[id>>6] |= 1 << (id & 63)
			out = append(out, id)
		}
	}
	n := len(b)
	if n < 2 {
		return out
	}
	for i := 0; i < n-1; i++ {
		k := (uint32(b[i]) | uint32(b[i+1])<<8) & mask2
		if m.pair[k>>6]&(1<<(k&63)) == 0 {
			continue
		}
		if i+4 <= n {
			for _, id := range m.long.get(binary.LittleEndian.Uint32(b[i:]) & mask4) {
				if p := m.pats[id]; seen[id>>6]&(1<<(id&63)) == 0 && len(p) <= n-i && foldEq(b[i:i+len(p)], p) {
					seen[id>>6] |= 1 << (id & 63)
					out = append(out, id)
				}
			}
		}
		if m.short[k>>6]&(1<<(k&63)) != 0 {
			for _, id := range m.shtab.get(k) {
				if p := m.pats[id]; seen[id>>6]&(1<<(id&63)) == 0 && len(p) <= n-i && foldEq(b[i:i+len(p)], p) {
					seen[id>>6] |= 1 << (id & 63)
					out = append(out, id)
				}
			}
		}
	}
	return out
}

// foldEq reports whether w equals the lower-case pattern p ignoring ASCII
// case; len(w) == len(p).
func foldEq(w, p []byte) bool {
	for i, c := range p {
		if lowerTab[w[i]] != c {
			return false
		}
	}
	return true
}
