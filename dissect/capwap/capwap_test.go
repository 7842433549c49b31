package capwap

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
	"0100000015feff0001000000000001003091525de0381a81cffbbc5c495068756e8580383b27a1c2ff2011743e05500e5352fa6f19e56428296f7985b4b0bf6612",
	"002002100000000006580a20690e20e800000001000066000014000100002700280202000100409600000000040100000000409600000100040705660000409600000200040c0419000029000104002c0001010025000a0040960000cf01000001002500160040960000054150623833382e363166332e30356163",
	"0010020000000000000000020000650000010024000003e8000000050201000300409600000100040705660000409600000000040100000100040009436973636f32353034041800050000000000000a0006c0a80a090000002500070040960000d0000025000b00409600009754c7045f00",
}

func unhexCAPWAP(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ctxCAPWAP(proto uint8) *dissect.Ctx {
	return &dissect.Ctx{Proto: proto, Pkts: [2]uint32{1, 0}, Emit: &dissecttest.Recorder{},
		Client: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 1}), 40000),
		Server: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 2}), 5246)}
}

func TestCAPWAPProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexCAPWAP(t, s)
		c := ctxCAPWAP(17)
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

func TestCAPWAPDissectorAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "CAPWAP")
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

func FuzzCAPWAP(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexCAPWAP(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, d := range []*dissect.Dissector{Dissector} {
			for _, proto := range []uint8{6, 17} {
				c := ctxCAPWAP(proto)
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

func TestCAPWAPParser(t *testing.T) {
	rec := &dissecttest.Recorder{}
	c := ctxCAPWAP(17)
	c.Emit = rec
	p := Dissector.New()
	for _, s := range DissectorSeeds {
		p.Feed(c, dissect.ToServer, unhexCAPWAP(t, s))
	}
	if rec.MetaKV["capwap_dtls"] != "true" || rec.MetaKV["capwap_message"] != "discovery_request" {
		t.Errorf("meta %v", rec.MetaKV)
	}
	// Off the CAPWAP ports the probe never matches.
	c.Server = netip.AddrPortFrom(c.Server.Addr(), 4000)
	if v := probe(c, dissect.ToServer, unhexCAPWAP(t, DissectorSeeds[1])); v != dissect.NoMatch {
		t.Errorf("off-port: verdict %d", v)
	}
}
