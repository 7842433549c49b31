package h323

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
	"030000a0080277f40504038090a528086d2e6a656d6563007e00850520a8060008914a0004014006006d002e006a0065006d0065006322c00900003d1443616c6c67656e33323320706f67616373616d00000a302e39616c706861340000000a01061206b800f8fdf93ecd9ed6119ab2000476222017005d0d8007000a01038f80231100c0fef93ecd9ed6119ab2000476222017010001000100010002800100",
}

func unhexH323(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ctxH323(proto uint8) *dissect.Ctx {
	return &dissect.Ctx{Proto: proto, Pkts: [2]uint32{1, 0}, Emit: &dissecttest.Recorder{},
		Client: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 1}), 40000),
		Server: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 2}), 1720)}
}

func TestH323ProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexH323(t, s)
		c := ctxH323(6)
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

func TestH323DissectorAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "H323")
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

func FuzzH323(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexH323(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, d := range []*dissect.Dissector{Dissector} {
			for _, proto := range []uint8{6, 17} {
				c := ctxH323(proto)
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

func TestH323RASAndParser(t *testing.T) {
	c := ctxH323(17)
	if v := probe(c, dissect.ToServer, unhexH323(t, "02200000060008914a0004001102007c07f22200ae01003d0001030085c89a51208003014000")); v != dissect.Match {
		t.Errorf("RAS: verdict %d", v)
	}
	rec := &dissecttest.Recorder{}
	c = ctxH323(6)
	c.Emit = rec
	b := unhexH323(t, DissectorSeeds[0])
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, b[:3])
	p.Feed(c, dissect.ToServer, b[3:])
	p.Close(c)
	if rec.MetaKV["q931_message"] != "setup" {
		t.Errorf("meta %v", rec.MetaKV)
	}
	// RDP's X.224 connection request is TPKT+COTP, not H.323.
	rdp := unhexH323(t, "030000130ee000000000000100080003000000")
	if v := probe(c, dissect.ToServer, rdp); v != dissect.NoMatch {
		t.Errorf("RDP: verdict %d", v)
	}
}
