package teredo

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// DissectorSeeds are real messages (from captures) that Dissector's probe must
// match on their own.
var DissectorSeeds = []string{
	"00010000b11b3fea46a9afe9006000000000083afffe800000000000000000fffffffffffeff02000000000000000000000000000285007d3800000000",
	"00010000b11b3fea46a9afe900000032de46f93f466000000000303afffe800000000000008000f2273d77e3b3fe800000000000000000fffffffffffe8600649d0000000000003a98000007d003044040ffffffffffffffff0000000020010000c2881c4cff00000000200100",
	"60000000000c3a1520010000c2881c4c20f3359b46f93f462002c2881c4c000000000000c2881c4d8000eb0828f0b26f00000000",
}

func unhexTeredo(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ctxTeredo(proto uint8) *dissect.Ctx {
	return &dissect.Ctx{Proto: proto, Pkts: [2]uint32{1, 0}, Emit: &dissecttest.Recorder{},
		Client: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 1}), 40000),
		Server: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 2}), 3544)}
}

func TestTeredoProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexTeredo(t, s)
		c := ctxTeredo(17)
		if v := Dissector.Probe(c, dissect.ToServer, b); v != dissect.Match {
			t.Errorf("seed %d: verdict %d, want Match", i, v)
		}
		if Dissector.New != nil {
			p := Dissector.New()
			p.Feed(c, dissect.ToServer, b)
			p.Close(c)
		}
		if n := testing.AllocsPerRun(50, func() { Dissector.Probe(c, dissect.ToServer, b) }); n != 0 {
			t.Errorf("seed %d: probe allocates %.1f times", i, n)
		}
	}
}

func TestTeredoDissectorAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "Teredo")
	t.Logf("Dissector: %d/%d nDPI flows matched, %d false positives", hits, total, len(fp))
	for _, m := range missed {
		t.Logf("missed: %s", m)
	}
	for _, m := range fp {
		t.Logf("false positive: %s", m)
	}
	if hits*100 < total*95 {
		t.Errorf("agreement %d/%d below 95%%", hits, total)
	}
	if len(fp) > 0 {
		t.Errorf("%d false positives, want at most 0", len(fp))
	}
}

func FuzzTeredo(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexTeredo(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, d := range []*dissect.Dissector{Dissector} {
			for _, proto := range []uint8{6, 17} {
				c := ctxTeredo(proto)
				c.Pkts = [2]uint32{1, 1}
				d.Probe(c, dissect.ToServer, b)
				d.Probe(c, dissect.ToClient, b)
				if d.New != nil {
					p := d.New()
					p.Feed(c, dissect.ToServer, b)
					p.Feed(c, dissect.ToClient, b)
					p.Gap(c, dissect.ToServer, 10)
					p.Feed(c, dissect.ToServer, b)
					p.Close(c)
				}
			}
		}
	})
}

func TestTeredoParserAndRejects(t *testing.T) {
	rec := &dissecttest.Recorder{}
	c := ctxTeredo(17)
	c.Emit = rec
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, unhexTeredo(t, DissectorSeeds[0]))
	if rec.MetaKV["teredo_kind"] != "qualification" {
		t.Errorf("meta %v", rec.MetaKV)
	}
	// The same router solicitation off port 3544 (link-local addresses
	// only) is not enough, nor is a truncated IPv6 packet.
	c.Server = netip.AddrPortFrom(c.Server.Addr(), 4000)
	b := unhexTeredo(t, DissectorSeeds[0])
	if v := probe(c, dissect.ToServer, b); v != dissect.NoMatch {
		t.Errorf("off-port link-local RS: verdict %d", v)
	}
	c.Server = netip.AddrPortFrom(c.Server.Addr(), 3544)
	if v := probe(c, dissect.ToServer, b[:len(b)-1]); v != dissect.NoMatch {
		t.Errorf("truncated: verdict %d", v)
	}
}
