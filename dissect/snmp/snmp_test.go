package snmp

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// DissectorSeeds are real messages (from captures) that Dissector's probe must match.
var DissectorSeeds = []string{
	"302902010004067075626c6963a11c02044b781a6e020100020100300e300c06082b060102010105000500",
	"303702010004067075626c6963a22a02044b781a6e020100020100301c301a06082b06010201010600040e476c6f626f6d616e746963734851",
	"303e020103301102046c9af56e020300ffe30401040201030410300e0400020100020100040004000400301404000400a00e0204750558880201000201003000",
	"3067020103301002046c9af56e020205dc040100020103041d301b040c800000090300aabbcc00010002010c020202cd0400040004003031040c800000090300aabbcc0001000400a81f0204750558880201000201003011300f060a2b060106030f01010400410101",
}

func unhexFuzzSNMP(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSNMPProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexFuzzSNMP(t, s)
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

func TestSNMPAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "SNMP")
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

func FuzzSNMP(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexFuzzSNMP(f, s))
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
