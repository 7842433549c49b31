package soap

// Code below is shared boilerplate for every probe in this package family:
// real-message seeds must match, the probe must not allocate, the corpus
// must agree with nDPI, and fuzzing must not panic.

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// dissectorSeeds are real SOAP messages (hex), built from the specification;
// each must be matched by the probe on its own.
func dissectorSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, h := range []string{
		"504f5354202f73766320485454502f312e310d0a486f73743a206170692e6578616d706c652e636f6d0d0a436f6e74656e742d547970653a20746578742f786d6c3b20636861727365743d7574662d380d0a534f4150416374696f6e3a202275726e3a47657451756f7465220d0a436f6e74656e742d4c656e6774683a2031300d0a0d0a",
		"3c3f786d6c2076657273696f6e3d22312e30223f3e3c736f61703a456e76656c6f706520786d6c6e733a736f61703d22687474703a2f2f7777772e77332e6f72672f323030332f30352f736f61702d656e76656c6f7065223e3c736f61703a426f64792f3e3c2f736f61703a456e76656c6f70653e",
	} {
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func dissectorCtx(rec dissect.Emitter) *dissect.Ctx {
	return &dissect.Ctx{
		Proto:  6,
		Client: netip.MustParseAddrPort("192.0.2.1:40000"),
		Server: netip.MustParseAddrPort("192.0.2.2:80"),
		Pkts:   [2]uint32{1, 1},
		Emit:   rec,
	}
}

func TestDissectorProbeSeeds(t *testing.T) {
	for i, b := range dissectorSeeds(t) {
		if v := Dissector.Probe(dissectorCtx(nil), dissect.ToServer, b); v != dissect.Match {
			t.Errorf("seed %d: verdict %d, want Match", i, v)
		}
	}
}

func TestDissectorProbeRejects(t *testing.T) {
	for _, s := range []string{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03aaaaaaaaaaaaaaaaaaaaaaaa", "SSH-2.0-OpenSSH_9.6\r\n"} {
		if v := Dissector.Probe(dissectorCtx(nil), dissect.ToServer, []byte(s)); v == dissect.Match {
			t.Errorf("probe matched %q", s)
		}
	}
}

func TestDissectorProbeNoAlloc(t *testing.T) {
	seeds := dissectorSeeds(t)
	c := dissectorCtx(nil)
	if n := testing.AllocsPerRun(100, func() {
		for _, b := range seeds {
			Dissector.Probe(c, dissect.ToServer, b)
			Dissector.Probe(c, dissect.ToClient, b)
		}
	}); n != 0 {
		t.Errorf("probe allocates %.1f times per run", n)
	}
}

func TestDissectorAgreement(t *testing.T) {
	// Floor 50: of nDPI's four SOAP flows, one starts (in capture order)
	// with an out-of-order UTF-16 body segment, and one is an XML
	// "<ZMessage>" exchange with no SOAP envelope that nDPI labels from the
	// bare "<?xml" prolog. Both are left to other dissectors on purpose.
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "SOAP")
	t.Logf("SOAP: %d/%d, false positives %d", hits, total, len(fp))
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
		t.Errorf("%d false positives (want at most 0)", len(fp))
	}
}

func FuzzSOAP(f *testing.F) {
	for _, b := range dissectorSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rec := &dissecttest.Recorder{}
		for _, proto := range []uint8{6, 17} {
			c := dissectorCtx(rec)
			c.Proto = proto
			Dissector.Probe(c, dissect.ToServer, b)
			Dissector.Probe(c, dissect.ToClient, b)
			if Dissector.New == nil {
				continue
			}
			p := Dissector.New()
			p.Feed(c, dissect.ToServer, b)
			p.Feed(c, dissect.ToClient, b)
			h := len(b) / 2
			p.Feed(c, dissect.ToServer, b[:h])
			p.Feed(c, dissect.ToServer, b[h:])
			p.Gap(c, dissect.ToClient, 10)
			p.Feed(c, dissect.ToClient, b[h:])
			p.Close(c)
		}
	})
}
