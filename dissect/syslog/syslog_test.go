package syslog

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// DissectorSeeds are real messages (from captures) that Dissector's probe must match.
var DissectorSeeds = []string{
	"3c3136373e323031362d30352d32345430393a35303a35322e3932363435312b30323a3030206c646170303120736c6170645b33343533345d3a20636f6e6e3d31313539303233206f703d3434205352434820626173653d226f753d70656f706c652c64633d696e2c64633d70686d2c64633d656475636174696f6e2c64633d676f75762c64633d6672222073636f70653d322064657265663d302066696c7465723d222826287569643d746f6f6c626f7829286f626a656374436c6173733d706f7369784163636f756e74292826287569644e756d6265723d2a292821287569644e756d6265723d3029292929220a",
}

func unhexFuzzSyslog(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSyslogProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexFuzzSyslog(t, s)
		rec := &dissecttest.Recorder{}
		c := &dissect.Ctx{Proto: 6, Pkts: [2]uint32{1, 0}, Emit: rec}
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

func TestSyslogAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "Syslog")
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

func FuzzSyslog(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexFuzzSyslog(f, s))
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
