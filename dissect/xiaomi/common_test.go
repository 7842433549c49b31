package xiaomi

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// seed is one real-shaped message with the endpoint it was sent to/from and
// the verdict the probe must give.
type seed struct {
	name         string
	proto        uint8
	sport, dport uint16
	dir          dissect.Dir
	data         []byte
	want         dissect.Verdict
}

func seedCtx(s seed) *dissect.Ctx {
	c := &dissect.Ctx{Proto: s.proto,
		Client: netip.AddrPortFrom(netip.MustParseAddr("192.0.2.1"), s.sport),
		Server: netip.AddrPortFrom(netip.MustParseAddr("198.51.100.2"), s.dport),
		Emit:   &dissecttest.Recorder{}}
	c.Pkts[s.dir] = 1
	return c
}

func TestProbeSeeds(t *testing.T) {
	for _, s := range seeds {
		if got := Dissector.Probe(seedCtx(s), s.dir, s.data); got != s.want {
			t.Errorf("%s: probe = %d, want %d", s.name, got, s.want)
		}
	}
}

func TestProbeNoAlloc(t *testing.T) {
	for _, s := range seeds {
		c := seedCtx(s)
		if n := testing.AllocsPerRun(100, func() { Dissector.Probe(c, s.dir, s.data) }); n != 0 {
			t.Errorf("%s: probe allocates %.1f times", s.name, n)
		}
	}
}

func TestAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, ndpiNames...)
	t.Logf("%s vs nDPI %v: %d/%d, false positives %d", Dissector.Name, ndpiNames, hits, total, len(fp))
	for _, m := range missed {
		t.Logf("missed: %s", m)
	}
	for _, m := range fp {
		t.Logf("false positive: %s", m)
	}
	if total > 0 && hits*100 < floorPct*total {
		t.Errorf("agreement %d/%d below floor %d%%", hits, total, floorPct)
	}
	if len(fp) > maxFalsePos {
		t.Errorf("%d false positives, want at most %d", len(fp), maxFalsePos)
	}
}

func FuzzXiaomi(f *testing.F) {
	for _, s := range seeds {
		f.Add(s.data)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, proto := range []uint8{6, 17} {
			for _, dir := range []dissect.Dir{dissect.ToServer, dissect.ToClient} {
				c := seedCtx(seed{proto: proto, sport: seeds[0].sport, dport: seeds[0].dport, dir: dir})
				Dissector.Probe(c, dir, b)
				if Dissector.New != nil {
					p := Dissector.New()
					p.Feed(c, dir, b)
					p.Feed(c, 1-dir, b)
					p.Gap(c, dir, 10)
					p.Feed(c, dir, b)
					p.Close(c)
				}
			}
		}
	})
}

// TestWriteFuzzSeeds regenerates testdata/fuzz/FuzzXiaomi from the seeds when
// NETSIFT_WRITE_SEEDS is set.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("NETSIFT_WRITE_SEEDS") == "" {
		t.Skip("set NETSIFT_WRITE_SEEDS=1 to regenerate the fuzz seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzXiaomi")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range seeds {
		if s.want != dissect.Match || n == 5 {
			continue
		}
		n++
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s.data)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed%d", n)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestParserHost feeds a client connection frame (from a real capture,
// split in two segments) sent to port 5222.
func TestParserHost(t *testing.T) {
	frame := h("c2fe000500000093000200160000007508001a0a7869616f6d692e636f6d2a04434f4e4e4800086a120a4d323031304a313953471a115631322e302e392e302e514a514d49584d222a612d43354446374338454343464633313738463932393444424337303537384245464341353941383343282a3204776966693a1134372e3234312e33352e37333a35323232420561725f45474a021800501dabde2305")
	rec := &dissecttest.Recorder{}
	c := seedCtx(seed{proto: 6, sport: 38018, dport: 5222, dir: dissect.ToServer})
	c.Emit = rec
	p := Dissector.New()
	if st := p.Feed(c, dissect.ToServer, frame[:40]); st != dissect.Continue {
		t.Fatalf("first half: status %d", st)
	}
	if st := p.Feed(c, dissect.ToServer, frame[40:]); st != dissect.Done {
		t.Errorf("status %d, want Done", st)
	}
	if len(rec.Hosts) != 1 || rec.Hosts[0] != "47.241.35.73" {
		t.Errorf("hosts %q", rec.Hosts)
	}
	if rec.MetaKV["user_agent"] != "M2010J19SG" {
		t.Errorf("meta %q", rec.MetaKV)
	}
}
