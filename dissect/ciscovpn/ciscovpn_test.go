package ciscovpn

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
	"fe577e2b0000000100000000",
}

func unhexCiscoVPN(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ctxCiscoVPN(proto uint8) *dissect.Ctx {
	return &dissect.Ctx{Proto: proto, Pkts: [2]uint32{1, 0}, Emit: &dissecttest.Recorder{},
		Client: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 1}), 10000),
		Server: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 2}), 10000)}
}

func TestCiscoVPNProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexCiscoVPN(t, s)
		c := ctxCiscoVPN(17)
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

func TestCiscoVPNDissectorAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "CiscoVPN")
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

func FuzzCiscoVPN(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexCiscoVPN(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, d := range []*dissect.Dissector{Dissector} {
			for _, proto := range []uint8{6, 17} {
				c := ctxCiscoVPN(proto)
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
