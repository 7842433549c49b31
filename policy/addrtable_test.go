package policy

import (
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"testing"
)

// naiveLPM is the obviously-correct reference: every prefix tried, the
// longest containing a wins.
type naiveLPM struct {
	ps []netip.Prefix
	es []string
}

func (n *naiveLPM) insert(p netip.Prefix, e string) {
	for i, q := range n.ps {
		if q == p {
			n.es[i] = e // a repeated prefix: the last entry holds, as in bart
			return
		}
	}
	n.ps, n.es = append(n.ps, p), append(n.es, e)
}

func (n *naiveLPM) lookup(a netip.Addr) (string, bool) {
	best, e := -1, ""
	for i, p := range n.ps {
		if p.Contains(a) && p.Bits() > best {
			best, e = p.Bits(), n.es[i]
		}
	}
	return e, best >= 0
}

// randPrefix returns a prefix clustered near base (so prefixes overlap
// and nest), of any length including /0 and the full length.
func randPrefix(r *rand.Rand, v4 bool, base [16]byte) netip.Prefix {
	var b [16]byte
	for i := range b {
		b[i] = base[i]
		if r.IntN(3) == 0 {
			b[i] = byte(r.Uint32())
		}
	}
	if v4 {
		a := netip.AddrFrom4([4]byte(b[:4]))
		return netip.PrefixFrom(a, r.IntN(33)).Masked()
	}
	bits := r.IntN(129)
	if r.IntN(2) == 0 {
		bits = []int{0, 16, 32, 48, 63, 64, 65, 96, 127, 128}[r.IntN(10)]
	}
	return netip.PrefixFrom(netip.AddrFrom16(b), bits).Masked()
}

// randAddrNear returns an address at the edges of one of ps, just before
// or after it, anywhere inside it, or a random one.
func randAddrNear(r *rand.Rand, ps []netip.Prefix, v4 bool) netip.Addr {
	if len(ps) == 0 || r.IntN(8) == 0 {
		var b [16]byte
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		if v4 {
			return netip.AddrFrom4([4]byte(b[:4]))
		}
		return netip.AddrFrom16(b)
	}
	p := ps[r.IntN(len(ps))]
	first, last := prefixSpan(p)
	switch r.IntN(5) {
	case 4: // anywhere inside
		x := u128{first.hi | r.Uint64()&(last.hi^first.hi), first.lo | r.Uint64()&(last.lo^first.lo)}
		return addrOf(x, p.Addr().Is4())
	case 0:
		return addrOf(first, p.Addr().Is4())
	case 1:
		return addrOf(last, p.Addr().Is4())
	case 2:
		if a := addrOf(first, p.Addr().Is4()).Prev(); a.IsValid() {
			return a
		}
	default:
		if a := addrOf(last, p.Addr().Is4()).Next(); a.IsValid() {
			return a
		}
	}
	return p.Addr()
}

func addrOf(x u128, v4 bool) netip.Addr {
	if v4 {
		return netip.AddrFrom4([4]byte{byte(x.lo >> 24), byte(x.lo >> 16), byte(x.lo >> 8), byte(x.lo)})
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], x.hi)
	binary.BigEndian.PutUint64(b[8:], x.lo)
	return netip.AddrFrom16(b)
}

// TestAddrTableReference compares the flattened table with bart and with
// the naive reference on random, overlapping prefix sets of sizes that
// make buckets, node8 and node16 roots, and IPv6 low-64-bit tables.
func TestAddrTableReference(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for round, n := range []int{0, 1, 2, 5, 17, 40, 100, 300, 1000, 5000, 20000} {
		s := &cidrSet{}
		ref := &naiveLPM{}
		var base [16]byte
		for i := range base {
			base[i] = byte(r.Uint32())
		}
		var ps []netip.Prefix
		for i := 0; i < n; i++ {
			p := randPrefix(r, r.IntN(2) == 0, base)
			if r.IntN(50) == 0 {
				p = netip.PrefixFrom(netip.IPv4Unspecified(), 0)
				if r.IntN(2) == 0 {
					p = netip.PrefixFrom(netip.IPv6Unspecified(), 0)
				}
			}
			e := p.String() + "#" + itoa(i)
			s.insert(p, e)
			ref.insert(p, e)
			ps = append(ps, p)
		}
		s.finish()
		if !s.built {
			t.Fatalf("round %d: not built", round)
		}
		queries := 20000
		if n > 1000 {
			queries = 2000 // the naive reference is O(n) a query
		}
		check := func(a netip.Addr) {
			got, gok := s.flat.lookup(a)
			want, wok := s.tbl.Lookup(a)
			if got != want || gok != wok {
				t.Fatalf("round %d (%d prefixes): %v: flat %q %v, bart %q %v", round, n, a, got, gok, want, wok)
			}
			if n <= 1000 || queries < 2000 {
				if want, wok = ref.lookup(a); got != want || gok != wok {
					t.Fatalf("round %d (%d prefixes): %v: flat %q %v, naive %q %v", round, n, a, got, gok, want, wok)
				}
			}
		}
		for i := 0; i < queries; i++ {
			v4 := r.IntN(2) == 0
			a := randAddrNear(r, ps, v4)
			check(a)
			if a.Is4() {
				check(netip.AddrFrom16(a.As16())) // IPv4-mapped: looked up as IPv6
			}
		}
		for _, a := range []string{"0.0.0.0", "255.255.255.255", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::ffff:0.0.0.0", "::ffff:255.255.255.255"} {
			check(netip.MustParseAddr(a))
		}
	}
}

// TestAddrTableEdges: prefixes at the ends of the address spaces, a /0
// under everything, full-length prefixes, mapped addresses, and an insert
// after finish.
func TestAddrTableEdges(t *testing.T) {
	s := &cidrSet{}
	for _, p := range []string{
		"0.0.0.0/0", "255.255.255.255/32", "0.0.0.0/32", "10.0.0.0/8", "10.0.0.0/16", "10.0.0.255/32",
		"::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", "::/128", "2001:db8::/32", "2001:db8::/64",
		"2001:db8::1/128", "2001:db8:0:1::/64", "2001:db8:0:0:8000::/65", "::ffff:0:0/96",
	} {
		pp := netip.MustParsePrefix(p)
		s.insert(pp, p)
	}
	s.finish()
	for _, c := range [][2]string{
		{"1.2.3.4", "0.0.0.0/0"}, {"255.255.255.255", "255.255.255.255/32"}, {"255.255.255.254", "0.0.0.0/0"},
		{"0.0.0.0", "0.0.0.0/32"}, {"0.0.0.1", "0.0.0.0/0"}, {"10.1.0.0", "10.0.0.0/8"}, {"10.0.0.254", "10.0.0.0/16"},
		{"10.0.0.255", "10.0.0.255/32"}, {"10.0.1.0", "10.0.0.0/16"}, {"11.0.0.0", "0.0.0.0/0"},
		{"::1", "::/0"}, {"::", "::/128"}, {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "::/0"}, {"2001:db8::", "2001:db8::/64"}, {"2001:db8::1", "2001:db8::1/128"},
		{"2001:db8::2", "2001:db8::/64"}, {"2001:db8::8000:0:0:0", "2001:db8:0:0:8000::/65"},
		{"2001:db8::ffff:ffff:ffff:ffff", "2001:db8:0:0:8000::/65"}, {"2001:db8:0:1::5", "2001:db8:0:1::/64"},
		{"2001:db8:0:2::", "2001:db8::/32"}, {"2001:db9::", "::/0"}, {"::ffff:1.2.3.4", "::ffff:0:0/96"},
	} {
		a := netip.MustParseAddr(c[0])
		if got, ok := s.lookup(a); !ok || got != c[1] {
			t.Errorf("%v: got %q %v, want %q", a, got, ok, c[1])
		}
		if want, _ := s.tbl.Lookup(a); want != c[1] {
			t.Errorf("%v: bart says %q, the test %q", a, want, c[1])
		}
	}
	if e, ok := s.lookup(netip.Addr{}); ok {
		t.Errorf("the zero Addr matched %q", e)
	}
	s.insert(netip.MustParsePrefix("1.2.3.0/24"), "late")
	if got, _ := s.lookup(netip.MustParseAddr("1.2.3.4")); got != "late" {
		t.Errorf("insert after finish: got %q", got)
	}
	s.finish()
	if got, _ := s.lookup(netip.MustParseAddr("1.2.3.4")); got != "late" || !s.built {
		t.Errorf("finish after insert: got %q", got)
	}
}

// TestAddrTableAllocs: a lookup allocates nothing.
func TestAddrTableAllocs(t *testing.T) {
	s := &cidrSet{}
	s.insert(netip.MustParsePrefix("192.0.2.0/24"), "192.0.2.0/24")
	s.insert(netip.MustParsePrefix("2001:db8::/32"), "2001:db8::/32")
	s.finish()
	a4, a6 := netip.MustParseAddr("192.0.2.7"), netip.MustParseAddr("2001:db8::7")
	if n := testing.AllocsPerRun(100, func() {
		s.lookup(a4)
		s.lookup(a6)
	}); n != 0 {
		t.Fatalf("%v allocations a lookup pair", n)
	}
}

// FuzzAddrTable decodes prefixes and addresses from the input and compares
// the flattened table with the naive reference. Each 18-byte record: a
// flag byte (bit 0: IPv4, bit 1: a query rather than a prefix), a length
// byte, 16 address bytes.
func FuzzAddrTable(f *testing.F) {
	rec := func(flags, bits byte, addr string) []byte {
		a := netip.MustParseAddr(addr).As16()
		if flags&1 != 0 {
			a4 := netip.MustParseAddr(addr).As4()
			copy(a[:4], a4[:])
		}
		return append([]byte{flags, bits}, a[:]...)
	}
	var seed []byte
	seed = append(seed, rec(1, 0, "0.0.0.0")...)
	seed = append(seed, rec(1, 24, "192.0.2.0")...)
	seed = append(seed, rec(1, 32, "192.0.2.7")...)
	seed = append(seed, rec(0, 32, "2001:db8::")...)
	seed = append(seed, rec(0, 128, "2001:db8::1")...)
	seed = append(seed, rec(0, 65, "2001:db8::8000:0:0:0")...)
	seed = append(seed, rec(3, 0, "192.0.2.7")...)
	seed = append(seed, rec(3, 0, "192.0.3.0")...)
	seed = append(seed, rec(2, 0, "2001:db8::1")...)
	seed = append(seed, rec(2, 0, "2001:db8::ffff:ffff:ffff:ffff")...)
	seed = append(seed, rec(2, 0, "::ffff:192.0.2.7")...)
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, ref := &cidrSet{}, &naiveLPM{}
		var qs []netip.Addr
		for i := 0; len(data) >= 18 && i < 400; i++ {
			flags, bits, b := data[0], int(data[1]), [16]byte(data[2:18])
			data = data[18:]
			var a netip.Addr
			if flags&1 != 0 {
				a = netip.AddrFrom4([4]byte(b[:4]))
			} else {
				a = netip.AddrFrom16(b)
			}
			if flags&2 != 0 {
				qs = append(qs, a)
				continue
			}
			p := netip.PrefixFrom(a, bits%(a.BitLen()+1)).Masked()
			s.insert(p, p.String())
			ref.insert(p, p.String())
			// Queries at the edges of every prefix.
			first, last := prefixSpan(p)
			fa, la := addrOf(first, a.Is4()), addrOf(last, a.Is4())
			qs = append(qs, fa, la, fa.Prev(), la.Next())
		}
		s.finish()
		for _, a := range qs {
			if !a.IsValid() {
				continue
			}
			got, gok := s.lookup(a)
			want, wok := ref.lookup(a)
			if got != want || gok != wok {
				t.Fatalf("%v: flat %q %v, naive %q %v", a, got, gok, want, wok)
			}
		}
	})
}
