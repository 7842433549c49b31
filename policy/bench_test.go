package policy

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The scale benchmarks: 1,000,000 CIDRs (half IPv4, half IPv6) and
// 1,000,000 domains generated with a fixed-seed PRNG.
//
//	go test ./policy -run '^$' -bench . -benchtime 2000000x
//
// BenchmarkLoad reports load-s and heap-MB (heap in use after a GC, the
// policy alive, minus before); the lookups report ns/op per query.

const benchN = 1_000_000

// genCIDRs returns n prefixes as text, half IPv4 (/16–/32, mostly /24 and
// /32), half IPv6 (/32–/128, mostly /48, /64 and /128).
func genCIDRs(r *rand.Rand, n int) []string {
	out := make([]string, 0, n)
	v4bits := []int{16, 20, 22, 24, 24, 24, 28, 32, 32, 32}
	v6bits := []int{32, 40, 48, 48, 56, 64, 64, 64, 128, 128}
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			var b [4]byte
			u := r.Uint32()
			b[0], b[1], b[2], b[3] = byte(u>>24), byte(u>>16), byte(u>>8), byte(u)
			p := netip.PrefixFrom(netip.AddrFrom4(b), v4bits[r.IntN(len(v4bits))]).Masked()
			out = append(out, p.String())
		} else {
			var b [16]byte
			hi, lo := r.Uint64(), r.Uint64()
			for j := 0; j < 8; j++ {
				b[j], b[8+j] = byte(hi>>(56-8*j)), byte(lo>>(56-8*j))
			}
			b[0] = 0x20 | b[0]&0x0f // global unicast-looking 2xxx::
			p := netip.PrefixFrom(netip.AddrFrom16(b), v6bits[r.IntN(len(v6bits))]).Masked()
			out = append(out, p.String())
		}
	}
	return out
}

var tlds = []string{"com", "net", "org", "io", "co.uk", "de", "example", "info", "xyz", "com.au"}

func randLabel(r *rand.Rand) string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789-"
	n := 4 + r.IntN(10)
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[r.IntN(26+10)] // no '-' at the ends
	}
	if n > 4 && r.IntN(4) == 0 {
		b[n/2] = '-'
	}
	return string(b)
}

// genDomains returns n names of 2–4 labels (plus multi-label TLDs).
func genDomains(r *rand.Rand, n int) []string {
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		name := randLabel(r) + "." + tlds[r.IntN(len(tlds))]
		for k := r.IntN(3); k > 1; k-- {
			name = randLabel(r) + "." + name
		}
		out = append(out, name)
	}
	return out
}

type scale struct {
	dir     string
	cidrs   []string
	domains []string
}

var (
	scaleOnce sync.Once
	scaleData scale
)

// scaleFiles writes the list files and the policy once per process.
func scaleFiles(tb testing.TB) *scale {
	scaleOnce.Do(func() {
		dir, err := os.MkdirTemp("", "policy-bench-")
		if err != nil {
			tb.Fatal(err)
		}
		r := rand.New(rand.NewPCG(1, 2))
		s := &scaleData
		s.dir, s.cidrs, s.domains = dir, genCIDRs(r, benchN), genDomains(r, benchN)
		write := func(name string, lines []string, header string) {
			var b strings.Builder
			b.WriteString(header)
			for _, l := range lines {
				b.WriteString(l)
				b.WriteByte('\n')
			}
			if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
				tb.Fatal(err)
			}
		}
		write("nets.txt", s.cidrs, "# 1M generated prefixes\n")
		write("domains.txt", s.domains, "# 1M generated names\n")
		pol := `lists:
  nets: {type: cidr, file: nets.txt}
  names: {type: domain, file: domains.txt}
rules:
  - {id: nets, match: {dst_list: nets}, action: drop}
  - {id: names, match: {host_list: names}, action: reject}
`
		if err := os.WriteFile(filepath.Join(dir, "policy.yaml"), []byte(pol), 0o644); err != nil {
			tb.Fatal(err)
		}
	})
	return &scaleData
}

// TestMain removes the generated files.
func TestMain(m *testing.M) {
	code := m.Run()
	if scaleData.dir != "" {
		os.RemoveAll(scaleData.dir)
	}
	os.Exit(code)
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// BenchmarkLoad loads the 1M-CIDR + 1M-domain policy (target: < 5 s,
// < 500 MB).
func BenchmarkLoad(b *testing.B) {
	s := scaleFiles(b)
	path := filepath.Join(s.dir, "policy.yaml")
	b.ReportAllocs()
	var total time.Duration
	var heap float64
	for i := 0; i < b.N; i++ {
		before := heapInUse()
		t0 := time.Now()
		p, err := Load(path)
		total += time.Since(t0)
		if err != nil {
			b.Fatal(err)
		}
		heap += float64(heapInUse()-before) / 1e6
		st := p.ListStats()
		if st[0].Entries < benchN*9/10 || st[1].Entries < benchN*9/10 || st[0].Skipped+st[1].Skipped != 0 {
			b.Fatalf("loaded %+v", st)
		}
		runtime.KeepAlive(p)
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "load-s")
	b.ReportMetric(heap/float64(b.N), "heap-MB")
}

var (
	bigOnce sync.Once
	bigPol  *Policy
)

func bigPolicy(b *testing.B) *Policy {
	s := scaleFiles(b)
	bigOnce.Do(func() {
		var err error
		if bigPol, err = Load(filepath.Join(s.dir, "policy.yaml")); err != nil {
			b.Fatal(err)
		}
	})
	return bigPol
}

// addrQueries: half addresses inside listed prefixes, half random.
func addrQueries(s *scale) []netip.Addr {
	r := rand.New(rand.NewPCG(3, 4))
	q := make([]netip.Addr, 0, 1<<17)
	for len(q) < cap(q) {
		if len(q)%2 == 0 {
			p := netip.MustParsePrefix(s.cidrs[r.IntN(len(s.cidrs))])
			q = append(q, p.Addr()) // the prefix's first address is inside it
		} else if r.IntN(2) == 0 {
			q = append(q, netip.AddrFrom4([4]byte{byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())}))
		} else {
			var a [16]byte
			for i := range a {
				a[i] = byte(r.Uint32())
			}
			a[0] = 0x20 | a[0]&0x0f
			q = append(q, netip.AddrFrom16(a))
		}
	}
	return q
}

// hostQueries: half subdomains of listed names, half unlisted names of
// 3–5 labels.
func hostQueries(s *scale) []string {
	r := rand.New(rand.NewPCG(5, 6))
	q := make([]string, 0, 1<<17)
	for len(q) < cap(q) {
		if len(q)%2 == 0 {
			q = append(q, "www."+s.domains[r.IntN(len(s.domains))])
		} else {
			q = append(q, fmt.Sprintf("%s.%s.%s", randLabel(r), randLabel(r), genDomains(r, 1)[0]))
		}
	}
	return q
}

// familyQueries returns 32,768 hits and 32,768 misses of one family
// (hits: the first address of a listed prefix, as in addrQueries; misses:
// random addresses in no prefix).
func familyQueries(s *scale, set *cidrSet, v4 bool) (hit, miss []netip.Addr) {
	r := rand.New(rand.NewPCG(7, 8))
	for len(hit) < 1<<15 {
		if a := netip.MustParsePrefix(s.cidrs[r.IntN(len(s.cidrs))]).Addr(); a.Is4() == v4 {
			hit = append(hit, a)
		}
	}
	for len(miss) < 1<<15 {
		var a netip.Addr
		if v4 {
			a = netip.AddrFrom4([4]byte{byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())})
		} else {
			var b [16]byte
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			b[0] = 0x20 | b[0]&0x0f
			a = netip.AddrFrom16(b)
		}
		if _, ok := set.lookup(a); !ok {
			miss = append(miss, a)
		}
	}
	return hit, miss
}

// BenchmarkLookupAddr is one address lookup in the 1M-prefix list
// (target < 100 ns): hit (an address inside a listed prefix), miss (a
// random address, the common case for traffic); hit and miss mix the two
// families as the queries come, the -v4/-v6 variants are one family each.
// Every variant cycles through 32,768 distinct addresses.
func BenchmarkLookupAddr(b *testing.B) {
	p := bigPolicy(b)
	set := p.lists[0].cidr
	q := addrQueries(&scaleData)
	var hit, miss []netip.Addr
	for _, a := range q {
		if _, ok := set.lookup(a); ok {
			hit = append(hit, a)
		} else {
			miss = append(miss, a)
		}
	}
	hit4, miss4 := familyQueries(&scaleData, set, true)
	hit6, miss6 := familyQueries(&scaleData, set, false)
	for _, c := range []struct {
		name string
		q    []netip.Addr
	}{{"hit", hit[:1<<15]}, {"miss", miss[:1<<15]},
		{"hit-v4", hit4}, {"miss-v4", miss4}, {"hit-v6", hit6}, {"miss-v6", miss6}} {
		b.Run(c.name, func(b *testing.B) {
			runtime.GC() // the garbage of loading is not the lookup's
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				set.lookup(c.q[i&(1<<15-1)])
			}
		})
	}
}

// BenchmarkLookupHost is one host-name lookup in the 1M-name list
// (target < 300 ns): hit ("www." + a listed name), miss (an unlisted name
// of 3–5 labels).
func BenchmarkLookupHost(b *testing.B) {
	p := bigPolicy(b)
	set := p.lists[1].domain
	q := hostQueries(&scaleData)
	var hit, miss []string
	for _, h := range q {
		if _, ok := set.lookup(h); ok {
			hit = append(hit, h)
		} else {
			miss = append(miss, h)
		}
	}
	for _, c := range []struct {
		name string
		q    []string
	}{{"hit", hit[:1<<15]}, {"miss", miss[:1<<15]}} {
		b.Run(c.name, func(b *testing.B) {
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				set.lookup(c.q[i&(1<<15-1)])
			}
		})
	}
}

// BenchmarkDecide is a whole decision against the 1M+1M policy: address
// rule then host rule, facts complete, over 32,768 distinct flows (about
// half decided by the address list).
func BenchmarkDecide(b *testing.B) {
	p := bigPolicy(b)
	aq, hq := addrQueries(&scaleData), hostQueries(&scaleData)
	fs := make([]Facts, 1<<15)
	for i := range fs {
		fs[i] = Facts{Src: netip.MustParseAddr("192.0.2.1"), Dst: aq[i], SrcPort: 40000, DstPort: 443, Proto: 6,
			App: "tls", Host: hq[(i*7)&(len(hq)-1)], Complete: true}
	}
	runtime.GC() // the garbage of loading is not the lookup's
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Decide(&fs[i&(len(fs)-1)])
	}
}
