package teamspeak

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

func FuzzTeamSpeak(f *testing.F) {
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

// TestWriteFuzzSeeds regenerates testdata/fuzz/FuzzTeamSpeak from the seeds when
// NETSIFT_WRITE_SEEDS is set.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("NETSIFT_WRITE_SEEDS") == "" {
		t.Skip("set NETSIFT_WRITE_SEEDS=1 to regenerate the fuzz seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzTeamSpeak")
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
