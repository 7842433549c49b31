package match

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
)

// mpm is the multi-pattern prefilter of one buffer group: it reports which
// of its case-insensitive patterns occur in a value.
//
// It replaced an Aho-Corasick DFA (github.com/coregx/ahocorasick): on ET
// Open's 2186 pkt_data patterns the DFA's transition table misses the
// L1/L2 caches, and it scanned a random 1400-byte payload in ~7 µs
// (~5 ns/byte); this scans it in ~0.85 µs (~0.6 ns/byte) and builds all 34
// ET groups in a few MiB instead of ~110 MiB.
//
//   - pair: a 64 Ki-bit (8 KiB, L1-resident) bitmap of the first two bytes
//     of every pattern of length ≥ 2, each byte masked with 0xDF so upper
//     and lower case letters share a bit (other bytes then share one with
//     their 0x20-neighbour: a false positive only, settled by
//     verification). Every position is tested; on random data ~3% pass.
//   - quad: a second 64 Ki-bit bitmap of the hashed masked first four bytes
//     of every pattern of length ≥ 4. Positions that pass pair are tested
//     here before the bucket look-up: on an HTTP header ~37% of positions
//     pass pair, ~3% pass quad (this cut the HTTP pkt_data scan from
//     ~2.8 to ~2.0 µs).
//   - long: patterns of length ≥ 4 in an open-addressing table keyed by
//     their masked first four bytes; the bucket's patterns are verified
//     with an exact case-folded compare.
//   - short: patterns of length 2 and 3, bucketed by their masked first two
//     bytes (a third bitmap says which pairs have any).
//   - one: patterns of length 1, found with bytes.IndexByte.
//   - groups of at most smallGroup patterns skip all that and search each
//     pattern's rarest byte with bytes.IndexByte (vectorized).
//
// Measured alternatives that lost (CPU time, min of 5, same data): the
// quad test first at every position (2.6 vs 0.85 µs on random data), eight
// bytes loaded per five positions (2x slower), the previous byte carried in
// a register (1.7x slower: the compiler spills), true case folding through
// a 256-byte table instead of the 0xDF mask (1.15x slower).
//
// Patterns are stored lower-cased; the value is never copied.
type mpm struct {
	pair  [1024]uint64
	quad  [1024]uint64
	short [1024]uint64
	long  ptab
	shtab ptab
	one   []int32 // pattern ids of length-1 patterns
	pats  [][]byte
	// off[id] is, for patterns of length ≥ 4, the offset of the 4-byte
	// window the bitmaps and the long table are keyed on: the pattern's
	// rarest window by byteScore, not its first four bytes. ET patterns
	// share common prefixes ("GET /", "User-Agent: ", "|0d 0a|",
	// "|00 00 00 00|"); keyed on those, every such prefix in traffic passed
	// the bitmaps and walked a bucket of patterns. For 3-byte patterns it
	// is the offset of the rarer pair. Measured with TestMatchCorpusCPU
	// (the nDPI corpus's payloads against ET Open, thread CPU time, best of
	// 5, three interleaved runs each): first-bytes keys 4.65 ns/byte,
	// rarest windows 2.79–3.10 ns/byte, same hits.
	off []int32
	// anchor[id] is, for groups of at most smallGroup patterns, the
	// position of the pattern's rarest byte: such groups are scanned per
	// pattern with bytes.IndexByte on it (vectorized) instead of byte by
	// byte. nil for larger groups.
	anchor []int
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
	slices.Sort(keys)
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
	m.off = make([]int32, len(pats))
	for id, p := range pats {
		switch {
		case len(p) == 1:
			m.one = append(m.one, int32(id))
			continue
		case len(p) < 4:
			// A 3-byte pattern is keyed on its rarer pair.
			o := 0
			if len(p) == 3 && int(byteScore[p[2]]) < int(byteScore[p[0]]) {
				o = 1
			}
			m.off[id] = int32(o)
			k := uint32(binary.LittleEndian.Uint16(p[o:])) & mask2
			m.short[k>>6] |= 1 << (k & 63)
			short[k] = append(short[k], int32(id))
			m.pair[k>>6] |= 1 << (k & 63)
		default:
			o := rarestWindow(p)
			m.off[id] = int32(o)
			w := p[o : o+4]
			k := binary.LittleEndian.Uint32(w) & mask4
			h := (k * 0x9E3779B1) >> 16
			m.quad[h>>6] |= 1 << (h & 63)
			long[k] = append(long[k], int32(id))
			k2 := uint32(binary.LittleEndian.Uint16(w)) & mask2
			m.pair[k2>>6] |= 1 << (k2 & 63)
		}
	}
	m.long.build(long)
	m.shtab.build(short)
	if len(pats) <= smallGroup && len(m.one) == 0 {
		m.anchor = make([]int, len(pats))
		for id, p := range pats {
			for i, c := range p {
				if byteScore[c] < byteScore[p[m.anchor[id]]] {
					m.anchor[id] = i
				}
			}
		}
	}
	return m
}

// smallGroup is the most patterns a group may have to be scanned per
// pattern. Measured on ET's http.header.raw (4 patterns) over a 1.3 KB
// header: 826 ns byte by byte, ~150 ns per pattern.
const smallGroup = 4

// byteScore ranks bytes by how common they are in traffic (higher = more
// common), to pick a rare anchor byte. Letters count double: both cases
// are searched.
var byteScore = func() (t [256]uint8) {
	for i := range t {
		c := byte(i)
		switch {
		case c == 0 || c == ' ' || c == '\r' || c == '\n' || c == 0xff:
			t[i] = 9
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			t[i] = 7
			if strings.IndexByte("etaoinsrETAOINSR", c) >= 0 {
				t[i] = 8
			}
		case c >= '0' && c <= '9':
			t[i] = 6
		case strings.IndexByte("/.:-=&,;_%", c) >= 0:
			t[i] = 5
		case c >= 0x21 && c < 0x7f:
			t[i] = 3
		default:
			t[i] = 2
		}
	}
	return
}()

// rarestWindow returns the offset of p's 4-byte window with the lowest
// byteScore sum (the first on ties), p being at least 4 bytes long.
func rarestWindow(p []byte) int {
	best, bestScore := 0, 1<<30
	for o := 0; o+4 <= len(p); o++ {
		// The first pair is what the bitmap tests at every position:
		// weigh it double.
		sc := 2*(int(byteScore[p[o]])+int(byteScore[p[o+1]])) + int(byteScore[p[o+2]]) + int(byteScore[p[o+3]])
		if sc < bestScore {
			best, bestScore = o, sc
		}
	}
	return best
}

// scanSmall is scan for groups with anchors.
func (m *mpm) scanSmall(b []byte, seen []uint64, out []int32) []int32 {
	for id, p := range m.pats {
		if seen[id>>6]&(1<<(id&63)) != 0 || len(p) > len(b) {
			continue
		}
		a := m.anchor[id]
		lo, up := p[a], p[a]
		if lo >= 'a' && lo <= 'z' {
			up = lo - 32
		}
		// The anchor can only be at positions a .. len(b)-len(p)+a.
		w := b[a : len(b)-len(p)+a+1]
		for off := 0; off < len(w); {
			j := bytes.IndexByte(w[off:], lo)
			if up != lo {
				if k := bytes.IndexByte(w[off:], up); k >= 0 && (j < 0 || k < j) {
					j = k
				}
			}
			if j < 0 {
				break
			}
			st := off + j // start of the candidate in b
			if foldEq(b[st:st+len(p)], p) {
				seen[id>>6] |= 1 << (id & 63)
				out = append(out, int32(id))
				break
			}
			off = st + 1
		}
	}
	return out
}

// scan appends to out the id of every pattern occurring in b that is not
// yet marked in seen, and marks it. The caller clears seen for the ids it
// got (seen has a bit per pattern).
func (m *mpm) scan(b []byte, seen []uint64, out []int32) []int32 {
	if m.anchor != nil {
		return m.scanSmall(b, seen, out)
	}
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
			k4 := binary.LittleEndian.Uint32(b[i:]) & mask4
			if h := (k4 * 0x9E3779B1) >> 16; m.quad[h>>6]&(1<<(h&63)) == 0 {
				goto short
			}
			for _, id := range m.long.get(k4) {
				// The window is at i; the pattern starts off[id] earlier.
				st := i - int(m.off[id])
				if p := m.pats[id]; seen[id>>6]&(1<<(id&63)) == 0 && st >= 0 && len(p) <= n-st && foldEq(b[st:st+len(p)], p) {
					seen[id>>6] |= 1 << (id & 63)
					out = append(out, id)
				}
			}
		}
	short:
		if m.short[k>>6]&(1<<(k&63)) != 0 {
			for _, id := range m.shtab.get(k) {
				st := i - int(m.off[id])
				if p := m.pats[id]; seen[id>>6]&(1<<(id&63)) == 0 && st >= 0 && len(p) <= n-st && foldEq(b[st:st+len(p)], p) {
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
