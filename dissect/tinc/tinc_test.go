package tinc

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
	"30207468696e6b2031370a",
	"3020696e697a2031370a",
	"3020742031370a",
}

func unhexTINC(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ctxTINC(proto uint8) *dissect.Ctx {
	return &dissect.Ctx{Proto: proto, Pkts: [2]uint32{1, 0}, Emit: &dissecttest.Recorder{},
		Client: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 1}), 40000),
		Server: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 2}), 655)}
}

func TestTINCProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexTINC(t, s)
		c := ctxTINC(6)
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

func TestTINCDissectorAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "TINC")
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

func FuzzTINC(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexTINC(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, d := range []*dissect.Dissector{Dissector} {
			for _, proto := range []uint8{6, 17} {
				c := ctxTINC(proto)
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

func TestTINCParser(t *testing.T) {
	rec := &dissecttest.Recorder{}
	c := ctxTINC(6)
	c.Emit = rec
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, []byte("0 thi"))
	p.Feed(c, dissect.ToServer, []byte("nk 17\n1 429 672"))
	if st := p.Feed(c, dissect.ToClient, []byte("0 iniz 17.7\n")); st != dissect.Done {
		t.Errorf("status %d, want Done", st)
	}
	if rec.MetaKV["tinc_client_name"] != "think" || rec.MetaKV["tinc_server_name"] != "iniz" {
		t.Errorf("meta %v", rec.MetaKV)
	}
	for _, s := range []string{"0 a b 17\n", "0 name 18\n", "0 name 17x\n", "GET / HTTP/1.1\r\n"} {
		if v := probe(c, dissect.ToServer, []byte(s)); v != dissect.NoMatch {
			t.Errorf("%q: verdict %d, want NoMatch", s, v)
		}
	}
}
