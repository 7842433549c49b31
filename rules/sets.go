package rules

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// AddrSet is a compiled address group: sorted, merged, non-overlapping
// inclusive ranges per family. It is immutable after compilation and safe for
// concurrent use. Contains is a binary search: O(log n) and allocation-free.
type AddrSet struct {
	v4 []addrRange
	v6 []addrRange
}

type addrRange struct{ lo, hi netip.Addr }

// Contains reports whether a is in the set. IPv4-mapped IPv6 addresses are
// treated as IPv4, as Suricata does.
func (s *AddrSet) Contains(a netip.Addr) bool {
	a = a.Unmap()
	rs := s.v6
	if a.Is4() {
		rs = s.v4
	}
	i := sort.Search(len(rs), func(i int) bool { return rs[i].hi.Compare(a) >= 0 })
	return i < len(rs) && rs[i].lo.Compare(a) <= 0
}

// IsAny reports whether the set holds every IPv4 and IPv6 address (such
// rules need no address check at all).
func (s *AddrSet) IsAny() bool {
	return len(s.v4) == 1 && s.v4[0] == fullV4 && len(s.v6) == 1 && s.v6[0] == fullV6
}

// Ranges calls f for each of the set's disjoint, sorted ranges (IPv4
// first, then IPv6), inclusive at both ends, until f returns false. For
// matchers that index many sets at once.
func (s *AddrSet) Ranges(f func(lo, hi netip.Addr) bool) {
	for _, r := range s.v4 {
		if !f(r.lo, r.hi) {
			return
		}
	}
	for _, r := range s.v6 {
		if !f(r.lo, r.hi) {
			return
		}
	}
}

// String lists the ranges, for debugging and tests.
func (s *AddrSet) String() string {
	var b strings.Builder
	for _, r := range append(append([]addrRange(nil), s.v4...), s.v6...) {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		if r.lo == r.hi {
			b.WriteString(r.lo.String())
		} else {
			b.WriteString(r.lo.String() + "-" + r.hi.String())
		}
	}
	return "[" + b.String() + "]"
}

var (
	fullV4 = addrRange{netip.AddrFrom4([4]byte{}), netip.AddrFrom4([4]byte{255, 255, 255, 255})}
	fullV6 = addrRange{netip.IPv6Unspecified(), netip.AddrFrom16([16]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})}
)

func anyAddr() *AddrSet { return &AddrSet{v4: []addrRange{fullV4}, v6: []addrRange{fullV6}} }

// normalize sorts and merges adjacent or overlapping ranges in place.
func normalizeRanges(rs []addrRange) []addrRange {
	if len(rs) < 2 {
		return rs
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].lo.Less(rs[j].lo) })
	out := rs[:1]
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		next := last.hi.Next()
		if r.lo.Compare(last.hi) <= 0 || (next.IsValid() && r.lo == next) {
			if r.hi.Compare(last.hi) > 0 {
				last.hi = r.hi
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

// complementRanges returns full minus rs; rs must be normalized.
func complementRanges(rs []addrRange, full addrRange) []addrRange {
	var out []addrRange
	cur := full.lo
	valid := true
	for _, r := range rs {
		if valid && cur.Less(r.lo) {
			out = append(out, addrRange{cur, r.lo.Prev()})
		}
		cur = r.hi.Next()
		valid = cur.IsValid() && r.hi != full.hi
	}
	if valid {
		out = append(out, addrRange{cur, full.hi})
	}
	return out
}

func subtractRanges(a, b []addrRange, full addrRange) []addrRange {
	// a ∩ ¬b
	return intersectRanges(a, complementRanges(b, full))
}

func intersectRanges(a, b []addrRange) []addrRange {
	var out []addrRange
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lo := maxAddr(a[i].lo, b[j].lo)
		hi := minAddr(a[i].hi, b[j].hi)
		if lo.Compare(hi) <= 0 {
			out = append(out, addrRange{lo, hi})
		}
		if a[i].hi.Less(b[j].hi) {
			i++
		} else {
			j++
		}
	}
	return out
}

func maxAddr(a, b netip.Addr) netip.Addr {
	if a.Less(b) {
		return b
	}
	return a
}
func minAddr(a, b netip.Addr) netip.Addr {
	if a.Less(b) {
		return a
	}
	return b
}

// maxGroupDepth bounds nesting of [..] and variable expansion so that hostile
// input (or a variable that refers to itself) cannot recurse without end.
const maxGroupDepth = 16

// groupParser evaluates address and port group expressions. Variables are
// looked up through lookup, which returns the variable's expression.
type groupParser struct {
	lookup func(name string) (string, bool)
	kind   string // "address" or "port", for messages
}

// splitTop splits a list body on commas that are not inside brackets.
func splitTop(s string) ([]string, error) {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("unbalanced ']'")
			}
		case ',':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("unbalanced '['")
	}
	return append(parts, s[start:]), nil
}

// ParseAddrGroup compiles an address group expression such as
// "[10.0.0.0/8,!10.1.0.0/16,$DNS_SERVERS]" or "any", resolving variables in v
// (nil means the defaults).
func ParseAddrGroup(expr string, v *Vars) (*AddrSet, error) {
	if v == nil {
		v = DefaultVars()
	}
	gp := groupParser{lookup: v.address, kind: "address"}
	v4, v6, err := gp.addr(strings.TrimSpace(expr), 0)
	if err != nil {
		return nil, err
	}
	if len(v4) == 0 && len(v6) == 0 {
		return nil, fmt.Errorf("address group %q matches no address", expr)
	}
	return &AddrSet{v4: v4, v6: v6}, nil
}

func (gp groupParser) addr(s string, depth int) (v4, v6 []addrRange, err error) {
	if depth > maxGroupDepth {
		return nil, nil, fmt.Errorf("address group nested deeper than %d (a variable refers to itself?)", maxGroupDepth)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil, fmt.Errorf("empty address")
	}
	if s[0] == '!' {
		a4, a6, err := gp.addr(s[1:], depth+1)
		if err != nil {
			return nil, nil, err
		}
		return complementRanges(a4, fullV4), complementRanges(a6, fullV6), nil
	}
	if s[0] == '[' {
		if s[len(s)-1] != ']' {
			return nil, nil, fmt.Errorf("address list %q lacks its closing ']'", s)
		}
		parts, err := splitTop(s[1 : len(s)-1])
		if err != nil {
			return nil, nil, fmt.Errorf("address list %q: %v", s, err)
		}
		var p4, p6, n4, n6 []addrRange
		positive := false
		for _, p := range parts {
			p = strings.TrimSpace(p)
			neg := false
			for strings.HasPrefix(p, "!") {
				neg = !neg
				p = strings.TrimSpace(p[1:])
			}
			a4, a6, err := gp.addr(p, depth+1)
			if err != nil {
				return nil, nil, err
			}
			if neg {
				n4, n6 = append(n4, a4...), append(n6, a6...)
			} else {
				positive = true
				p4, p6 = append(p4, a4...), append(p6, a6...)
			}
		}
		if !positive { // "[!a,!b]" means everything but a and b
			p4, p6 = []addrRange{fullV4}, []addrRange{fullV6}
		}
		p4, p6 = normalizeRanges(p4), normalizeRanges(p6)
		n4, n6 = normalizeRanges(n4), normalizeRanges(n6)
		return subtractRanges(p4, n4, fullV4), subtractRanges(p6, n6, fullV6), nil
	}
	if s[0] == '$' {
		val, ok := gp.lookup(s[1:])
		if !ok {
			return nil, nil, fmt.Errorf("undefined address variable %s (define it under vars.address-groups)", s)
		}
		return gp.addr(val, depth+1)
	}
	if s == "any" {
		return []addrRange{fullV4}, []addrRange{fullV6}, nil
	}
	r, err := parseAddrItem(s)
	if err != nil {
		return nil, nil, err
	}
	if r.lo.Is4() {
		return []addrRange{r}, nil, nil
	}
	return nil, []addrRange{r}, nil
}

func parseAddrItem(s string) (addrRange, error) {
	if i := strings.IndexByte(s, '/'); i >= 0 {
		a, err := netip.ParseAddr(s[:i])
		if err != nil {
			return addrRange{}, fmt.Errorf("bad address %q in %q", s[:i], s)
		}
		a = a.Unmap()
		maskStr := s[i+1:]
		bits, err := strconv.Atoi(maskStr)
		if err != nil && a.Is4() {
			// dotted netmask, e.g. 10.0.0.0/255.0.0.0
			m, err2 := netip.ParseAddr(maskStr)
			if err2 != nil || !m.Is4() {
				return addrRange{}, fmt.Errorf("bad netmask %q in %q", maskStr, s)
			}
			bits = maskBits(m.As4())
			if bits < 0 {
				return addrRange{}, fmt.Errorf("netmask %q in %q is not contiguous", maskStr, s)
			}
		} else if err != nil || bits < 0 || bits > a.BitLen() {
			return addrRange{}, fmt.Errorf("bad prefix length %q in %q (want 0-%d)", maskStr, s, a.BitLen())
		}
		p := netip.PrefixFrom(a, bits).Masked()
		return prefixRange(p), nil
	}
	if i := strings.IndexByte(s, '-'); i >= 0 {
		lo, err1 := netip.ParseAddr(strings.TrimSpace(s[:i]))
		hi, err2 := netip.ParseAddr(strings.TrimSpace(s[i+1:]))
		if err1 != nil || err2 != nil {
			return addrRange{}, fmt.Errorf("bad address range %q (want A-B)", s)
		}
		lo, hi = lo.Unmap(), hi.Unmap()
		if lo.Is4() != hi.Is4() || hi.Less(lo) {
			return addrRange{}, fmt.Errorf("bad address range %q (start after end or mixed families)", s)
		}
		return addrRange{lo, hi}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return addrRange{}, fmt.Errorf("bad address %q (want an IP, CIDR, range, any, $VAR or a [list])", s)
	}
	a = a.Unmap().WithZone("")
	return addrRange{a, a}, nil
}

func maskBits(m [4]byte) int {
	v := uint32(m[0])<<24 | uint32(m[1])<<16 | uint32(m[2])<<8 | uint32(m[3])
	n := 0
	for v&0x80000000 != 0 {
		n++
		v <<= 1
	}
	if v != 0 {
		return -1
	}
	return n
}

func prefixRange(p netip.Prefix) addrRange {
	lo := p.Addr()
	b := lo.AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	hi, _ := netip.AddrFromSlice(b)
	return addrRange{lo, hi}
}

// PortSet is a compiled port group: sorted, merged, inclusive ranges.
// Immutable after compilation; Contains is allocation-free.
type PortSet struct {
	r []portRange
}

type portRange struct{ lo, hi uint16 }

// Contains reports whether port p is in the set.
func (s *PortSet) Contains(p uint16) bool {
	i := sort.Search(len(s.r), func(i int) bool { return s.r[i].hi >= p })
	return i < len(s.r) && s.r[i].lo <= p
}

// Ranges calls f for each of the set's sorted, disjoint ranges (inclusive)
// until f returns false.
func (s *PortSet) Ranges(f func(lo, hi uint16) bool) {
	for _, r := range s.r {
		if !f(r.lo, r.hi) {
			return
		}
	}
}

// IsAny reports whether every port matches.
func (s *PortSet) IsAny() bool { return len(s.r) == 1 && s.r[0] == portRange{0, 65535} }

// String lists the ranges, for debugging and tests.
func (s *PortSet) String() string {
	var b []string
	for _, r := range s.r {
		if r.lo == r.hi {
			b = append(b, strconv.Itoa(int(r.lo)))
		} else {
			b = append(b, fmt.Sprintf("%d:%d", r.lo, r.hi))
		}
	}
	return "[" + strings.Join(b, ",") + "]"
}

// ParsePortGroup compiles a port group expression such as "[80:90,!85]",
// "1024:", "!$HTTP_PORTS" or "any", resolving variables in v (nil means the
// defaults).
func ParsePortGroup(expr string, v *Vars) (*PortSet, error) {
	if v == nil {
		v = DefaultVars()
	}
	gp := groupParser{lookup: v.port, kind: "port"}
	r, err := gp.port(strings.TrimSpace(expr), 0)
	if err != nil {
		return nil, err
	}
	if len(r) == 0 {
		return nil, fmt.Errorf("port group %q matches no port", expr)
	}
	return &PortSet{r: r}, nil
}

func normalizePorts(rs []portRange) []portRange {
	if len(rs) < 2 {
		return rs
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].lo < rs[j].lo })
	out := rs[:1]
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		if int(r.lo) <= int(last.hi)+1 {
			if r.hi > last.hi {
				last.hi = r.hi
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

func complementPorts(rs []portRange) []portRange {
	var out []portRange
	cur := 0
	for _, r := range rs {
		if cur < int(r.lo) {
			out = append(out, portRange{uint16(cur), r.lo - 1})
		}
		cur = int(r.hi) + 1
	}
	if cur <= 65535 {
		out = append(out, portRange{uint16(cur), 65535})
	}
	return out
}

func (gp groupParser) port(s string, depth int) ([]portRange, error) {
	if depth > maxGroupDepth {
		return nil, fmt.Errorf("port group nested deeper than %d (a variable refers to itself?)", maxGroupDepth)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("empty port")
	}
	switch {
	case s[0] == '!':
		r, err := gp.port(s[1:], depth+1)
		if err != nil {
			return nil, err
		}
		return complementPorts(r), nil
	case s[0] == '[':
		if s[len(s)-1] != ']' {
			return nil, fmt.Errorf("port list %q lacks its closing ']'", s)
		}
		parts, err := splitTop(s[1 : len(s)-1])
		if err != nil {
			return nil, fmt.Errorf("port list %q: %v", s, err)
		}
		var pos, neg []portRange
		positive := false
		for _, p := range parts {
			p = strings.TrimSpace(p)
			n := false
			for strings.HasPrefix(p, "!") {
				n = !n
				p = strings.TrimSpace(p[1:])
			}
			r, err := gp.port(p, depth+1)
			if err != nil {
				return nil, err
			}
			if n {
				neg = append(neg, r...)
			} else {
				positive = true
				pos = append(pos, r...)
			}
		}
		if !positive {
			pos = []portRange{{0, 65535}}
		}
		pos = normalizePorts(pos)
		keep := complementPorts(normalizePorts(neg))
		return intersectPorts(pos, keep), nil
	case s[0] == '$':
		val, ok := gp.lookup(s[1:])
		if !ok {
			return nil, fmt.Errorf("undefined port variable %s (define it under vars.port-groups)", s)
		}
		return gp.port(val, depth+1)
	case s == "any":
		return []portRange{{0, 65535}}, nil
	}
	lo, hi := s, s
	if i := strings.IndexByte(s, ':'); i >= 0 {
		lo, hi = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
		if lo == "" {
			lo = "0"
		}
		if hi == "" {
			hi = "65535"
		}
	}
	l, err1 := strconv.ParseUint(lo, 10, 16)
	h, err2 := strconv.ParseUint(hi, 10, 16)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("bad port %q (want 0-65535, a:b, a:, :b, any, $VAR or a [list])", s)
	}
	if h < l {
		return nil, fmt.Errorf("bad port range %q (start after end)", s)
	}
	return []portRange{{uint16(l), uint16(h)}}, nil
}

func intersectPorts(a, b []portRange) []portRange {
	var out []portRange
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lo, hi := max(a[i].lo, b[j].lo), min(a[i].hi, b[j].hi)
		if lo <= hi {
			out = append(out, portRange{lo, hi})
		}
		if a[i].hi < b[j].hi {
			i++
		} else {
			j++
		}
	}
	return out
}
