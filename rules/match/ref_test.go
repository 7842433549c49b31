package match

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/netsift/netsift/rules"
)

// txGen makes random Txs whose payloads and buffers are stitched from the
// rule set's own content patterns (so prefilter hits, partial chains and
// real alerts all occur), random bytes and random case flips.
type txGen struct {
	rng   *rand.Rand
	frags [][]byte
	bufs  []string
	addrs []netip.Addr
}

func newTxGen(m *Matcher, seed uint64) *txGen {
	g := &txGen{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	seenBuf := map[string]bool{}
	for _, cr := range m.rules {
		for _, mm := range cr.r.Matches {
			if mm.Kind == rules.MatchContent && len(mm.Content.Pattern) > 0 {
				g.frags = append(g.frags, mm.Content.Pattern)
			}
			if mm.Buffer != rules.BufferPacket && !seenBuf[mm.Buffer] {
				seenBuf[mm.Buffer] = true
				g.bufs = append(g.bufs, mm.Buffer)
			}
		}
	}
	slices.Sort(g.bufs)
	for _, s := range []string{"10.0.0.1", "192.168.1.10", "172.16.5.4", "203.0.113.9", "8.8.8.8", "2001:db8::1"} {
		g.addrs = append(g.addrs, netip.MustParseAddr(s))
	}
	for k := range 2 {
		for i := 0; i < len(m.addrIx[k].all) && i < 400; i += 7 {
			g.addrs = append(g.addrs, m.addrIx[k].all[i].lo, m.addrIx[k].all[i].hi)
		}
	}
	return g
}

// fill appends up to n bytes of fragments and noise.
func (g *txGen) fill(b []byte, n int) []byte {
	for len(b) < n {
		switch g.rng.IntN(4) {
		case 0:
			for k := g.rng.IntN(12); k > 0; k-- {
				b = append(b, byte(g.rng.Uint32()))
			}
		case 1:
			b = append(b, " /?=&.:\r\n\x00"[g.rng.IntN(10)])
		default:
			f := g.frags[g.rng.IntN(len(g.frags))]
			st := len(b)
			b = append(b, f...)
			if g.rng.IntN(4) == 0 {
				for i := st; i < len(b); i++ {
					if c := b[i]; c >= 'a' && c <= 'z' {
						b[i] = c - 32
					}
				}
			}
		}
	}
	return b
}

func (g *txGen) tx() *Tx {
	r := g.rng
	tx := &Tx{
		Proto:       []uint8{6, 6, 6, 17, 17, 1}[r.IntN(6)],
		Src:         g.addrs[r.IntN(len(g.addrs))],
		Dst:         g.addrs[r.IntN(len(g.addrs))],
		SrcPort:     []uint16{80, 443, 53, 445, 25, 8080, 1234, 50000, uint16(r.Uint32())}[r.IntN(9)],
		DstPort:     []uint16{80, 443, 53, 445, 25, 8080, 1234, 50000, uint16(r.Uint32())}[r.IntN(9)],
		ToServer:    r.IntN(2) == 0,
		Established: r.IntN(4) != 0,
		AppProto:    []string{"", "http", "tls", "dns", "smb", "ssh", "smtp", "ftp"}[r.IntN(8)],
		AppFailed:   r.IntN(20) == 0,
		TCPFlags:    uint8(r.Uint32()),
		ICMPType:    uint8(r.IntN(20)),
		SkipIPOnly:  r.IntN(3) == 0,
		Time:        t0.Add(time.Duration(r.IntN(100)) * time.Second),
	}
	tx.Payload = g.fill(nil, r.IntN(1500))
	if r.IntN(4) == 0 {
		tx.Fresh = r.IntN(len(tx.Payload) + 1)
	}
	if r.IntN(4) == 0 {
		tx.PacketLen = r.IntN(1500)
	}
	bufs := map[string][][]byte{}
	for k := r.IntN(8); k > 0; k-- {
		name := g.bufs[r.IntN(len(g.bufs))]
		bufs[name] = append(bufs[name], g.fill(nil, r.IntN(200)))
	}
	tx.Buf = func(n string) [][]byte { return bufs[n] }
	return tx
}

// TestReferenceETOpen compares the prefiltered Match with the evaluate-
// everything reference on the full ET Open set: for random Txs (three per
// flow, so flowbits carry over) both must give exactly the same alerts.
// Threshold state lives in the Matcher, so each side has its own Matcher.
func TestReferenceETOpen(t *testing.T) {
	m := loadET(t)
	ref, err := Compile(etRS)
	if err != nil {
		t.Fatal(err)
	}
	n := 600
	if testing.Short() {
		n = 300
	}
	g := newTxGen(m, 1)
	total := 0
	for i := 0; i < n; i += 3 {
		f1, f2 := &FlowState{}, &FlowState{}
		for k := range 3 {
			tx := g.tx()
			tx.Flow = f1
			var got, want []uint32
			m.Match(tx, func(r *rules.Rule) { got = append(got, r.SID) })
			tx.Flow = f2
			ref.match(tx, func(r *rules.Rule) { want = append(want, r.SID) }, true)
			if !slices.Equal(got, want) {
				t.Fatalf("tx %d.%d (proto %d %v:%d → %v:%d app %q fresh %d): Match %v, reference %v\npayload %q",
					i, k, tx.Proto, tx.Src, tx.SrcPort, tx.Dst, tx.DstPort, tx.AppProto, tx.Fresh, got, want, tx.Payload)
			}
			total += len(got)
		}
	}
	t.Logf("%d Txs, %d alerts, all equal", n, total)
	if total == 0 && !testing.Short() {
		t.Error("no alerts at all: the generator does not exercise the rules")
	}
}

// TestMatchAllocs proves that a Tx producing no alert allocates nothing
// after warm-up (the HTTP and random-TCP benchmark Txs, ET Open).
func TestMatchAllocs(t *testing.T) {
	m := loadET(t)
	for _, tx := range []*Tx{httpTx(), randomTx(), dnsTx()} {
		hits := 0
		m.Match(tx, func(*rules.Rule) { hits++ })
		if hits != 0 {
			t.Fatalf("benchmark Tx alerts %d times; the test wants a silent one", hits)
		}
		if a := testing.AllocsPerRun(50, func() { m.Match(tx, func(*rules.Rule) {}) }); a != 0 {
			t.Errorf("Match allocates %.1f times per Tx, want 0", a)
		}
	}
}

// TestMatchAllocsSmall is TestMatchAllocs without the corpus: transforms,
// multi-buffers, byte_extract variables and the address index.
func TestMatchAllocsSmall(t *testing.T) {
	m := compileText(t, `alert dns any any -> any any (msg:"a"; dns.query; dotprefix; content:".evil.com"; endswith; sid:1;)
alert tcp any any -> any any (msg:"b"; content:"L"; byte_extract:1,0,len,relative; content:"E"; distance:len; within:1; sid:2;)
alert tcp 198.51.100.7 any -> any any (msg:"c"; sid:3;)
alert tcp any any -> any any (msg:"d"; content:"GET"; http_method; sid:4;)`)
	tx := withBufs(baseTx("L\x02abX and more"), "dns", "dns.query", "good.example", "dns.query", "other.example")
	if a := testing.AllocsPerRun(100, func() { m.Match(tx, func(*rules.Rule) {}) }); a != 0 {
		t.Errorf("Match allocates %.1f times per Tx, want 0", a)
	}
}
