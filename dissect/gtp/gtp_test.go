package gtp

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
	"3703000042000000",
}

func unhexGTP(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ctxGTP(proto uint8) *dissect.Ctx {
	return &dissect.Ctx{Proto: proto, Pkts: [2]uint32{1, 0}, Emit: &dissecttest.Recorder{},
		Client: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 1}), 40000),
		Server: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 2}), 2123)}
}

func TestGTPProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexGTP(t, s)
		c := ctxGTP(17)
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

func TestGTPDissectorAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "GTP")
	t.Logf("Dissector: %d/%d nDPI flows matched, %d false positives", hits, total, len(fp))
	for _, m := range missed {
		t.Logf("missed: %s", m)
	}
	for _, m := range fp {
		t.Logf("false positive: %s", m)
	}
	if hits*100 < total*66 {
		t.Errorf("agreement %d/%d below 66%%", hits, total)
	}
	if len(fp) > 0 {
		t.Errorf("%d false positives, want at most 0", len(fp))
	}
}

func FuzzGTP(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexGTP(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, d := range []*dissect.Dissector{Dissector} {
			for _, proto := range []uint8{6, 17} {
				c := ctxGTP(proto)
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

func TestGTPVariants(t *testing.T) {
	prime := unhexGTP(t, "2ef000f400047e01fc00ef01011c0600e9bf608200e4800160830813002100000000f0a40680040a0a3501850407900000870565687270648802f121a908a0068004010000068b0101ac82002a3028830203488402034885010286091502251638442b0000a91081010886010987034c4b4088034c4b408d091502251638012b00008e012b8f0100b022a420060e2b06010401b27f03010246040100810100a20b300902010102010181010e920a414c552d4e4f44453031940101950100970201009801039e01039f220101bf240680040a0a06039f25031320109f26091502251638002b00009f27091502251638442b00009f280407900000")
	v2echo := unhexGTP(t, "400100090000010003000100"+"05")
	rec := &dissecttest.Recorder{}
	c := ctxGTP(17)
	c.Emit = rec
	if v := probe(c, dissect.ToServer, v2echo); v != dissect.Match {
		t.Errorf("GTPv2 echo: verdict %d", v)
	}
	if v := probe(c, dissect.ToServer, prime); v != dissect.NoMatch {
		t.Errorf("GTP' on 2123: verdict %d, want NoMatch", v)
	}
	c.Server = netip.AddrPortFrom(c.Server.Addr(), 3386)
	if v := probe(c, dissect.ToServer, prime); v != dissect.Match {
		t.Errorf("GTP' on 3386: verdict %d", v)
	}
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, prime)
	if rec.MetaKV["gtp_version"] != "GTP'" || rec.MetaKV["gtp_message_type"] != "240" {
		t.Errorf("meta %v", rec.MetaKV)
	}
	if v := probe(c, dissect.ToServer, v2echo[:12]); v != dissect.NoMatch {
		t.Errorf("bad length: verdict %d", v)
	}
}
