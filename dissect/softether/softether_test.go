package softether

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
	"00000003000000076f70636f64650000000200000001000000096765745f746f6b656e000000087472616e5f6964000000040000000155ca14e54bbd177a000000166e61745f74726176657273616c5f76657273696f6e000000000000000100000001",
	"49503d39302e3138362e3133322e3133332c504f52543d3531333831",
}

func unhexSoftether(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ctxSoftether(proto uint8) *dissect.Ctx {
	return &dissect.Ctx{Proto: proto, Pkts: [2]uint32{1, 0}, Emit: &dissecttest.Recorder{},
		Client: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 1}), 40000),
		Server: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 2}), 5004)}
}

func TestSoftetherProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexSoftether(t, s)
		c := ctxSoftether(17)
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

func TestSoftetherDissectorAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "Softether")
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

func FuzzSoftether(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexSoftether(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, d := range []*dissect.Dissector{Dissector} {
			for _, proto := range []uint8{6, 17} {
				c := ctxSoftether(proto)
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

func TestSoftetherOpcode(t *testing.T) {
	rec := &dissecttest.Recorder{}
	c := ctxSoftether(17)
	c.Emit = rec
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, unhexSoftether(t, DissectorSeeds[0]))
	if rec.MetaKV["softether_opcode"] != "get_token" {
		t.Errorf("meta %v", rec.MetaKV)
	}
	if v := probe(c, dissect.ToServer, []byte("A")); v != dissect.NeedMore {
		t.Errorf("'A': verdict %d", v)
	}
}
