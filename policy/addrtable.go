package policy

import (
	"cmp"
	"encoding/binary"
	"iter"
	"math/bits"
	"net/netip"
	"slices"
	"sort"
)

// addrTable is the read-only longest-prefix-match structure a cidrSet
// answers from once finished. The prefixes of each family are flattened
// into a step function — the sorted addresses where the answer changes,
// each with the answer from there on (stepFunction) — and the breakpoints
// are indexed by a multibit trie: the root splits the top 16 bits (8 for
// at most rootWide breakpoints), deeper nodes 8 bits, until a range is
// simple enough for a record that holds its answers.
//
// A ref (uint32) is a 3-bit kind and a 29-bit payload:
//
//   - leaf: the whole range has one answer; payload 0 = no match, else
//     entries[payload-1];
//   - pairs: pairs[off] is a header {k: n, v: the ref at the start of the
//     range}, pairs[off+1 : off+n] the ≤ maxBucket breakpoints inside the
//     range, sorted; the answer is the leaf of the last breakpoint ≤ the key;
//   - node8 / node16: idx[off : off+256] or idx[off : off+65536], one ref
//     per value of the next 8 (16) bits of the key;
//   - line (IPv4): a range with at most two breakpoints, the answer strings
//     in the record (line4, one 64-byte cache line);
//   - cnode (IPv6): a node8 compressed like a poptrie node: a 256-bit set
//     of the slots whose range has other answers than the node's default,
//     and their records, contiguous, found by rank (popcount) — one cache
//     line for the node, so the 4,096 nodes of the scale list's busy
//     IPv6 /16s stay in cache, and the slot's record is the one cold read;
//   - line2 (IPv6): a line6x2 record: up to two stretches with their answer
//     strings, or the ref of a busier range's structure.
//
// All of it lives in flat slices (large ones page-aligned, so a 64- or
// 128-byte record is one or two cache lines): a lookup is a few dependent
// array reads, no pointers, and the records carry the answers so that a
// hit on a long prefix reads no entries. Lookups do not allocate.
//
// Measured with the 1M-prefix scale list (bench_test.go; the two
// structures alternately in one process on the shared 2-core VM, first
// quartiles of 15 rounds of 300,000 lookups, a quiet moment): hit-v4
// bart.Fast 99 → 55 ns, hit-v6 107 → 88 ns, misses equal at 40–45 ns;
// when other jobs load the machine both slow down, bart more (hit-v6
// 183 → 99 ns). Checking a record's stretches with borrows instead of
// branches took hit-v6 from 158 to 99 ns in the same conditions: a
// mispredicted branch waits for the record's cache miss and so stops the
// next lookups' misses from overlapping.
// A random access to a multi-megabyte array costs ~40 ns amortized on
// this VM (more when other jobs run), so the count of dependent cold reads
// is what matters: an IPv6 hit is root (hot) → cnode (hot) → record, an
// IPv4 hit root → node8 or pairs → line or entries; bart walks four to six
// nodes. Built in ~0.7 s for 1M prefixes; 96 MB (IPv6 records 51 MB,
// IPv4 nodes 16 MB, entries 16 MB).
type addrTable struct {
	entries  []string // a leaf's answer: entries[payload-1]
	root4    uint32
	root6    uint32
	idx4     []uint32
	pairs4   []pair4
	lines4   []line4
	idx6     []uint32
	pairs6   []pair6
	lines6x2 []line6x2
	cnodes6  []cnode
}

// pair4 and pair6 are pairs-bucket elements: a breakpoint and the leaf ref
// in effect from it on; in the header, k (k.lo) is the bucket's length
// and v the ref at the start of its range.
type pair4 struct {
	k uint32
	v uint32
}

type pair6 struct {
	k u128
	v uint32
}

// line4 is an IPv4 range with at most two breakpoints: v[0] is the answer
// at the start of the range, v[i] the one from k[i-1] on (a missing
// breakpoint is MaxUint64, above every IPv4 key); "" is no match.
type line4 struct {
	k [2]uint64
	v [3]string
}

// line6x2 is an IPv6 range whose answer is v[i+1] from first[i] to
// last[i] (inclusive; two disjoint stretches at most, an unused one has
// first = MaxU128, last = 0) and v[0] elsewhere; "" is no match. When more
// is not 0, the range is busier and more is the ref of its structure.
// Two cache lines.
type line6x2 struct {
	first, last [2]u128
	v           [3]string
	more        uint32
	_           [12]byte // 128 bytes: aligned in the arena
}

// cnode is a compressed IPv6 node8: the slots whose range has other
// answers than def have their set bit, and their records are
// lines6x2[base+rank], rank = cum[i/64] + the set bits below i in word
// i/64. One cache line; the records of a node are contiguous.
type cnode struct {
	set  [4]uint64
	cum  [4]uint8
	base uint32
	def  uint32   // leaf ref of the slots without a record
	_    [16]byte // 64 bytes
}

const (
	refLeaf    = 0 << 29
	refPairs   = 1 << 29
	refLine    = 2 << 29
	refNode8   = 3 << 29
	refNode16  = 4 << 29
	refLine2   = 5 << 29
	refCNode   = 6 << 29
	refPayload = 1<<29 - 1

	// maxBucket is the most breakpoints a pairs bucket holds before its
	// range is split by a node. Measured on the scale list (hit-v4 /
	// miss-v4, IPv4 nodes): 8: 56 / 28 ns, 55 MB; 16: 55 / 41 ns, 16 MB;
	// 32: 67 / 52 ns, 0.3 MB.
	maxBucket = 16
	// rootWide is the breakpoint count above which a family's root is a
	// node16 rather than a node8.
	rootWide = 4096
)

// lookup returns the entry of the longest listed prefix containing a. An
// IPv4-mapped IPv6 address is looked up as IPv6 (as bart does; callers
// unmap). The zero Addr matches nothing.
func (t *addrTable) lookup(a netip.Addr) (string, bool) {
	if a.Is4() {
		b := a.As4()
		return t.lookup4(binary.BigEndian.Uint32(b[:]))
	}
	if !a.IsValid() {
		return "", false
	}
	b := a.As16()
	return t.lookup6(binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:]))
}

func (t *addrTable) lookup4(x uint32) (string, bool) {
	ref, shift := t.root4, uint(32)
	for {
		p := ref & refPayload
		switch ref &^ refPayload {
		case refLeaf:
			return t.leaf(p)
		case refLine:
			l := &t.lines4[p]
			c := 0
			if l.k[0] <= uint64(x) {
				c++
			}
			if l.k[1] <= uint64(x) {
				c++
			}
			return l.v[c], l.v[c] != ""
		case refPairs:
			b := t.pairs4[p : p+t.pairs4[p].k]
			c := 0
			for _, e := range b[1:] {
				if e.k <= x {
					c++
				}
			}
			ref = b[c].v
		case refNode8:
			shift -= 8
			ref = t.idx4[p+x>>shift&0xff]
		default: // refNode16
			shift -= 16
			ref = t.idx4[p+x>>shift&0xffff]
		}
	}
}

func (t *addrTable) lookup6(hi, lo uint64) (string, bool) {
	ref, shift := t.root6, uint(128)
	for {
		p := ref & refPayload
		switch ref &^ refPayload {
		case refLeaf:
			return t.leaf(p)
		case refCNode:
			shift -= 8
			var i uint32
			if shift >= 64 {
				i = uint32(hi>>(shift-64)) & 0xff
			} else {
				i = uint32(lo>>shift) & 0xff
			}
			n := &t.cnodes6[p]
			w := n.set[i>>6]
			if w>>(i&63)&1 == 0 {
				ref = n.def
				continue
			}
			p = n.base + uint32(n.cum[i>>6]) + uint32(bits.OnesCount64(w&(1<<(i&63)-1)))
			fallthrough
		case refLine2:
			l := &t.lines6x2[p]
			if l.more != 0 {
				ref = l.more
				continue
			}
			// Branch-free: x ≥ first and last ≥ x by borrows.
			i := uint(0)
			for j := range 2 {
				_, b := bits.Sub64(lo, l.first[j].lo, 0)
				_, ge := bits.Sub64(hi, l.first[j].hi, b)
				_, b = bits.Sub64(l.last[j].lo, lo, 0)
				_, le := bits.Sub64(l.last[j].hi, hi, b)
				i += uint(j+1) * uint((ge|le)^1)
			}
			s := l.v[i]
			return s, s != ""
		case refPairs:
			b := t.pairs6[p : p+uint32(t.pairs6[p].k.lo)]
			c := 0
			for _, e := range b[1:] {
				if e.k.hi < hi || e.k.hi == hi && e.k.lo <= lo {
					c++
				}
			}
			ref = b[c].v
		default: // refNode16, only a root: the top 16 bits
			shift -= 16
			ref = t.idx6[p+uint32(hi>>48)]
		}
	}
}

func (t *addrTable) leaf(p uint32) (string, bool) {
	if p == 0 {
		return "", false
	}
	return t.entries[p-1], true
}

// u128 is an IPv6 address as a number.
type u128 struct{ hi, lo uint64 }

func (a u128) less(b u128) bool { return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo }

func (a u128) next() u128 {
	if a.lo++; a.lo == 0 {
		a.hi++
	}
	return a
}

// bp128 is a breakpoint of a step function: from k on (until the next
// one) the answer is the leaf ref v.
type bp128 struct {
	k u128
	v uint32
}

// span is a prefix as its first and last address, and its leaf ref.
type span struct {
	first, last u128
	bits        int
	v           uint32
}

// stepFunction turns prefixes into the breakpoints of their
// longest-prefix-match function, starting with one at 0 and without two
// consecutive equal answers. top is the family's last address.
func stepFunction(spans []span, top u128) []bp128 {
	slices.SortFunc(spans, func(a, b span) int {
		if a.first != b.first {
			if a.first.less(b.first) {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.bits, b.bits) // the enclosing prefix first
	})
	out := make([]bp128, 1, 2*len(spans)+1)
	emit := func(k u128, v uint32) {
		if last := &out[len(out)-1]; last.k == k {
			last.v = v // several changes at one address: the last one holds
		} else {
			out = append(out, bp128{k, v})
		}
	}
	var open []span // enclosing prefixes, innermost last
	closeBefore := func(k u128, all bool) {
		for len(open) > 0 && (all || open[len(open)-1].last.less(k)) {
			end := open[len(open)-1].last
			open = open[:len(open)-1]
			if end == top {
				continue
			}
			v := uint32(0)
			if len(open) > 0 {
				v = open[len(open)-1].v
			}
			emit(end.next(), v)
		}
	}
	for _, s := range spans {
		closeBefore(s.first, false)
		open = append(open, s)
		emit(s.first, s.v)
	}
	closeBefore(u128{}, true)
	// Drop breakpoints that do not change the answer.
	n := 1
	for _, b := range out[1:] {
		if b.v != out[n-1].v {
			out[n] = b
			n++
		}
	}
	return out[:n]
}

// prefixSpan returns the first and last address of p as numbers (IPv4 in
// lo).
func prefixSpan(p netip.Prefix) (first, last u128) {
	a := p.Masked().Addr()
	if a.Is4() {
		b := a.As4()
		x := uint64(binary.BigEndian.Uint32(b[:]))
		return u128{0, x}, u128{0, x | (1<<(32-p.Bits()) - 1)}
	}
	b := a.As16()
	first = u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
	last = first
	if n := 128 - p.Bits(); n >= 64 {
		last.lo = ^uint64(0)
		last.hi |= 1<<(n-64) - 1 // n-64 = 64 (a /0): shifts to 0, minus 1
	} else {
		last.lo |= 1<<n - 1
	}
	return first, last
}

// buildAddrTable flattens the prefixes → entries of all, n4 IPv4 and n6
// IPv6 ones (capacity hints); ok is false when
// the table would not fit the 29-bit payloads (over ~500M entries or
// breakpoints), in which case the caller keeps using its source.
func buildAddrTable(all iter.Seq2[netip.Prefix, string], n4, n6 int) (t addrTable, ok bool) {
	s4, s6 := make([]span, 0, n4), make([]span, 0, n6)
	t.entries = make([]string, 0, n4+n6)
	for p, e := range all {
		if len(t.entries) >= refPayload {
			return addrTable{}, false
		}
		t.entries = append(t.entries, e)
		first, last := prefixSpan(p)
		s := span{first, last, p.Bits(), uint32(len(t.entries))}
		if p.Addr().Is4() {
			s4 = append(s4, s)
		} else {
			s6 = append(s6, s)
		}
	}
	t.entries = slices.Clip(t.entries)
	b := builder{t: &t}
	steps := stepFunction(s4, u128{0, 1<<32 - 1})
	s4 = nil
	t.root4 = b.root(steps, 32)
	steps = stepFunction(s6, u128{^uint64(0), ^uint64(0)})
	s6 = nil
	b.v6 = true
	t.root6 = b.root(steps, 128)
	for _, n := range []int{len(t.idx4), len(t.pairs4), len(t.lines4), len(t.idx6), len(t.pairs6), len(t.lines6x2), len(t.cnodes6)} {
		if n > refPayload {
			return addrTable{}, false
		}
	}
	t.idx4, t.pairs4, t.lines4 = slices.Clip(t.idx4), slices.Clip(t.pairs4), slices.Clip(t.lines4)
	t.idx6, t.pairs6 = slices.Clip(t.idx6), slices.Clip(t.pairs6)
	t.lines6x2, t.cnodes6 = slices.Clip(t.lines6x2), slices.Clip(t.cnodes6)
	return t, true
}

// builder builds one family's trie into t.
type builder struct {
	t  *addrTable
	v6 bool
}

// answer is the text of a leaf ref, "" for no match.
func (b *builder) answer(ref uint32) string {
	if ref == 0 {
		return ""
	}
	return b.t.entries[ref-1]
}

// root builds a family's trie from its step function (the first
// breakpoint at 0) over keys of width bits.
func (b *builder) root(steps []bp128, width uint) uint32 {
	stride := uint(8)
	if len(steps) > rootWide {
		stride = 16
	}
	return b.build(steps[1:], u128{}, width, steps[0].v, stride)
}

// build returns the ref of the range [base, base+2^width), base aligned,
// whose answer at base is carry and which changes at bps (inside the
// range, above base, sorted). A node splits the first stride bits; deeper
// nodes 8.
func (b *builder) build(bps []bp128, base u128, width uint, carry uint32, stride uint) uint32 {
	t := b.t
	switch {
	case len(bps) == 0:
		return carry
	case !b.v6 && len(bps) <= 2:
		l := line4{k: [2]uint64{bps[0].k.lo, ^uint64(0)}}
		l.v[0], l.v[1], l.v[2] = b.answer(carry), b.answer(bps[0].v), b.answer(bps[0].v)
		if len(bps) == 2 {
			l.k[1], l.v[2] = bps[1].k.lo, b.answer(bps[1].v)
		}
		t.lines4 = append(t.lines4, l)
		return refLine | uint32(len(t.lines4)-1)
	case b.v6 && len(bps) <= 4:
		if l, ok := b.line6x2(bps, base, width, carry); ok {
			t.lines6x2 = append(t.lines6x2, l)
			return refLine2 | uint32(len(t.lines6x2)-1)
		}
		fallthrough
	case len(bps) <= maxBucket:
		if !b.v6 {
			off := uint32(len(t.pairs4))
			t.pairs4 = append(t.pairs4, pair4{uint32(len(bps) + 1), carry})
			for _, p := range bps {
				t.pairs4 = append(t.pairs4, pair4{uint32(p.k.lo), p.v})
			}
			return refPairs | off
		}
		off := uint32(len(t.pairs6))
		t.pairs6 = append(t.pairs6, pair6{u128{0, uint64(len(bps) + 1)}, carry})
		for _, p := range bps {
			t.pairs6 = append(t.pairs6, pair6(p))
		}
		return refPairs | off
	}
	if b.v6 && stride == 8 {
		return b.cnode(bps, base, width, carry)
	}
	kind := uint32(refNode8)
	if stride == 16 {
		kind = refNode16
	}
	idx := &t.idx4
	if b.v6 {
		idx = &t.idx6
	}
	off := uint32(len(*idx))
	*idx = append(*idx, make([]uint32, 1<<stride)...)
	sub := width - stride
	for j := range uint64(1) << stride {
		start := base.or(shl(j, sub))
		n := len(bps)
		if j < 1<<stride-1 {
			end := base.or(shl(j+1, sub))
			n = sort.Search(len(bps), func(i int) bool { return !bps[i].k.less(end) })
		}
		in := bps[:n]
		bps = bps[n:]
		c := carry
		if len(in) > 0 && in[0].k == start {
			c, in = in[0].v, in[1:]
		}
		r := b.build(in, start, sub, c, 8) // *idx may move: assign after
		(*idx)[off+uint32(j)] = r
		if len(in) > 0 {
			carry = in[len(in)-1].v
		} else {
			carry = c
		}
	}
	return kind | off
}

// cnode builds a compressed node8 for [base, base+2^width) (IPv6).
func (b *builder) cnode(bps []bp128, base u128, width uint, carry uint32) uint32 {
	t := b.t
	type slot struct {
		in    []bp128
		c     uint32
		start u128
	}
	var slots [256]slot
	n := cnode{def: carry}
	sub := width - 8
	count := 0
	for j := range uint64(256) {
		start := base.or(shl(j, sub))
		k := len(bps)
		if j < 255 {
			end := base.or(shl(j+1, sub))
			k = sort.Search(len(bps), func(i int) bool { return !bps[i].k.less(end) })
		}
		in := bps[:k]
		bps = bps[k:]
		c := carry
		if len(in) > 0 && in[0].k == start {
			c, in = in[0].v, in[1:]
		}
		slots[j] = slot{in, c, start}
		if len(in) > 0 || c != n.def {
			n.set[j>>6] |= 1 << (j & 63)
			count++
		}
		if len(in) > 0 {
			carry = in[len(in)-1].v
		} else {
			carry = c
		}
	}
	for w := 1; w < 4; w++ {
		n.cum[w] = n.cum[w-1] + uint8(bits.OnesCount64(n.set[w-1]))
	}
	n.base = uint32(len(t.lines6x2))
	t.lines6x2 = append(t.lines6x2, make([]line6x2, count)...)
	r := n.base
	for j := range 256 {
		if n.set[j>>6]>>(j&63)&1 == 0 {
			continue
		}
		s := slots[j]
		if l, ok := b.line6x2(s.in, s.start, sub, s.c); ok {
			t.lines6x2[r] = l
		} else {
			more := b.build(s.in, s.start, sub, s.c, 8) // t.lines6x2 may move: assign after
			t.lines6x2[r].more = more
		}
		r++
	}
	t.cnodes6 = append(t.cnodes6, n)
	return refCNode | uint32(len(t.cnodes6)-1)
}

// line6x2 returns the record of the range [base, base+2^width) when it
// has at most two stretches with other answers than carry.
func (b *builder) line6x2(bps []bp128, base u128, width uint, carry uint32) (line6x2, bool) {
	l := line6x2{v: [3]string{b.answer(carry)}}
	for i := range l.first {
		l.first[i] = u128{^uint64(0), ^uint64(0)}
	}
	if len(bps) > 4 {
		return l, false
	}
	runs := b.runs(bps, base, width, carry)
	if len(runs) > 2 {
		return l, false
	}
	for i, r := range runs {
		l.first[i], l.last[i], l.v[i+1] = r.first, r.last, b.answer(r.v)
	}
	return l, true
}

// runs returns the stretches of the range [base, base+2^width) whose
// answer is not carry, at most 3 (more are of no use to a line).
func (b *builder) runs(bps []bp128, base u128, width uint, carry uint32) []span {
	var out []span
	end := base.or(ones(width))
	for i, p := range bps {
		if p.v == carry {
			continue
		}
		last := end
		if i+1 < len(bps) {
			last = bps[i+1].k
			if last.lo--; last.lo == ^uint64(0) {
				last.hi--
			}
		}
		if out = append(out, span{first: p.k, last: last, v: p.v}); len(out) == 3 {
			break
		}
	}
	return out
}

// shl returns x << n as a u128 (x < 2^16, n ≤ 128).
func shl(x uint64, n uint) u128 {
	switch {
	case n >= 64:
		return u128{x << (n - 64), 0}
	case n == 0:
		return u128{0, x}
	}
	return u128{x >> (64 - n), x << n}
}

// ones returns 2^n - 1.
func ones(n uint) u128 {
	if n >= 64 {
		return u128{1<<(n-64) - 1, ^uint64(0)} // n = 128: 1<<64 is 0 in uint64
	}
	return u128{0, 1<<n - 1}
}

func (a u128) or(b u128) u128 { return u128{a.hi | b.hi, a.lo | b.lo} }
