package radius

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// DissectorSeeds are real messages (from captures) that Dissector's probe must match.
var DissectorSeeds = []string{
	"0b0a0089233801169f99c3b95259d98164bf56b101353033317134383032373135313634383040776c616e2e6d6e633438302e7d63633331312e336770706e6574776f726b2e6f72672c2035623232613064312f66633a64623a62333a30383a76663a31342f3230354f0e0102000c170c00000c0140005012938ae66a3493f142c60b5873477a7488",
}

func unhexFuzzRadius(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRadiusProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexFuzzRadius(t, s)
		rec := &dissecttest.Recorder{}
		c := &dissect.Ctx{Proto: 17, Pkts: [2]uint32{1, 0}, Emit: rec}
		if len(Dissector.Ports) > 0 {
			c.Client = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 1}), 40000)
			c.Server = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 2}), Dissector.Ports[0])
		}
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

func TestRadiusAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "Radius")
	t.Logf("Dissector: %d/%d nDPI flows matched, %d false positives", hits, total, len(fp))
	for _, m := range missed {
		t.Logf("missed: %s", m)
	}
	for _, m := range fp {
		t.Logf("false positive: %s", m)
	}
	if hits*100 < total*90 {
		t.Errorf("agreement %d/%d below 90%%", hits, total)
	}
	if len(fp) > 0 {
		t.Errorf("%d false positives, want at most 0", len(fp))
	}
}

func FuzzRadius(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexFuzzRadius(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, proto := range []uint8{6, 17} {
			c := &dissect.Ctx{Proto: proto, Pkts: [2]uint32{1, 1}, Emit: &dissecttest.Recorder{}}
			Dissector.Probe(c, dissect.ToServer, b)
			Dissector.Probe(c, dissect.ToClient, b)
			if Dissector.New != nil {
				p := Dissector.New()
				p.Feed(c, dissect.ToServer, b)
				p.Feed(c, dissect.ToClient, b)
				p.Gap(c, dissect.ToServer, 10)
				p.Feed(c, dissect.ToServer, b)
				p.Close(c)
			}
		}
	})
}
