package wireguard

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// DissectorSeeds are real messages (from captures) that Dissector's probe must match.
var DissectorSeeds = []string{
	"010000009043164c7143e5ba10e783aec166579f5c8fa1cd28f0554608b81a9ad9882e66f1467a22af964d6b385248b6181a49d4540b6e51ab5cca509583663c2f23e1436faa2fb3a3c6c95442c238a6f3b07f86a699a9bdbac2935e837cf3d21be73abc51601750d045a0b3399b5e2986642cde8cec325b5b34e7f29a7aab7afbcb4b3800000000000000000000000000000000",
}

func unhexFuzzWireGuard(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWireGuardProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexFuzzWireGuard(t, s)
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

func TestWireGuardAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "WireGuard")
	t.Logf("Dissector: %d/%d nDPI flows matched, %d false positives", hits, total, len(fp))
	for _, m := range missed {
		t.Logf("missed: %s", m)
	}
	for _, m := range fp {
		t.Logf("false positive: %s", m)
	}
	if hits*100 < total*50 {
		t.Errorf("agreement %d/%d below 50%%", hits, total)
	}
	if len(fp) > 0 {
		t.Errorf("%d false positives, want at most 0", len(fp))
	}
}

func FuzzWireGuard(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexFuzzWireGuard(f, s))
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
