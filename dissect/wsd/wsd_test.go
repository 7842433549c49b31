package wsd

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// DissectorSeeds are real messages (from captures) that Dissector's probe must match.
var DissectorSeeds = []string{
	"3c3f786d6c2076657273696f6e3d22312e302220656e636f64696e673d227574662d38223f3e3c736f61703a456e76656c6f706520786d6c6e733a736f61703d22687474703a2f2f7777772e77332e6f72672f323030332f30352f736f61702d656e76656c6f70652220786d6c6e733a7773613d22687474703a2f2f736368656d61732e786d6c736f61702e6f72672f77732f323030342f30382f61646472657373696e672220786d6c6e733a7773643d22687474703a2f2f736368656d61732e786d6c736f61702e6f72672f77732f323030352f30342f646973636f766572792220786d6c6e733a777364703d22687474703a2f2f736368656d61732e786d6c736f61702e6f72672f77732f323030362f30322f64657670726f66223e3c736f61703a4865616465723e3c7773613a546f3e75726e3a736368656d61732d786d6c736f61702d6f72673a77733a323030353a30343a646973636f766572793c2f7773613a546f3e3c7773613a416374696f6e3e687474703a2f2f736368656d61732e786d6c736f61702e6f72672f77732f323030352f30342f646973636f766572792f50726f62653c2f7773613a416374696f6e3e3c7773613a4d65737361676549443e75726e3a757569643a33383565363064382d303932612d346232622d626466632d3663326431643530616334323c2f7773613a4d65737361676549443e3c2f736f61703a4865616465723e3c736f61703a426f64793e3c7773643a50726f62653e3c7773643a54797065733e777364703a4465766963653c2f7773643a54797065733e3c2f7773643a50726f62653e3c2f736f61703a426f64793e3c2f736f61703a456e76656c6f70653e",
}

func unhexFuzzWSD(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWSDProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexFuzzWSD(t, s)
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

func TestWSDAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "WSD")
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

func FuzzWSD(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexFuzzWSD(f, s))
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
