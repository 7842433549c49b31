package bgp

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
	"ffffffffffffffffffffffffffffffff001d0104fe0900b4c0a8002100",
	"ffffffffffffffffffffffffffffffff001304",
}

func unhexBGP(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ctxBGP(proto uint8) *dissect.Ctx {
	return &dissect.Ctx{Proto: proto, Pkts: [2]uint32{1, 0}, Emit: &dissecttest.Recorder{},
		Client: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 1}), 40000),
		Server: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 2}), 179)}
}

func TestBGPProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexBGP(t, s)
		c := ctxBGP(6)
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

func TestBGPDissectorAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "BGP")
	t.Logf("Dissector: %d/%d nDPI flows matched, %d false positives", hits, total, len(fp))
	for _, m := range missed {
		t.Logf("missed: %s", m)
	}
	for _, m := range fp {
		t.Logf("false positive: %s", m)
	}
	if hits*100 < total*0 {
		t.Errorf("agreement %d/%d below 0%%", hits, total)
	}
	if len(fp) > 0 {
		t.Errorf("%d false positives, want at most 0", len(fp))
	}
}

func FuzzBGP(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexBGP(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, d := range []*dissect.Dissector{Dissector} {
			for _, proto := range []uint8{6, 17} {
				c := ctxBGP(proto)
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

func TestBGPParserOpen(t *testing.T) {
	rec := &dissecttest.Recorder{}
	c := ctxBGP(6)
	c.Emit = rec
	b := unhexBGP(t, DissectorSeeds[0]+DissectorSeeds[1])
	if v := probe(c, dissect.ToServer, b[:10]); v != dissect.NeedMore {
		t.Errorf("partial marker: verdict %d", v)
	}
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, b[:7])
	p.Feed(c, dissect.ToServer, b[7:])
	p.Close(c)
	if rec.MetaKV["bgp_as"] != "65033" || rec.MetaKV["bgp_id"] != "192.168.0.33" || rec.MetaKV["bgp_first_message"] != "OPEN" || rec.MetaKV["bgp_hold_time"] != "180" {
		t.Errorf("meta %v", rec.MetaKV)
	}
	if len(rec.Anomalies) != 0 {
		t.Errorf("anomalies %q", rec.Anomalies)
	}
	for _, s := range []string{"160301", "ffffffffffffffffffffffffffffffff001306", "ffffffffffffffffffffffffffffffff001404"} {
		if v := probe(c, dissect.ToServer, unhexBGP(t, s)); v != dissect.NoMatch {
			t.Errorf("%s: verdict %d, want NoMatch", s, v)
		}
	}
}
