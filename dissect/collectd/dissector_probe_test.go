package collectd

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

// dissectorSeeds are real collectd messages (hex), built from the specification;
// each must be matched by the probe on its own.
func dissectorSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, h := range []string{
		"00000010686f73742e6578616d706c650008000c18aa874808818d00000200086370750000040008637075000006000f000102000000000000f83f",
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
		Proto:  17,
		Client: netip.MustParseAddrPort("192.0.2.1:40000"),
		Server: netip.MustParseAddrPort("192.0.2.2:25826"),
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
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "collectd")
	t.Logf("collectd: %d/%d, false positives %d", hits, total, len(fp))
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
		t.Errorf("%d false positives (want at most 0)", len(fp))
	}
}

func FuzzCollectd(f *testing.F) {
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

func TestParserHost(t *testing.T) {
	rec := &dissecttest.Recorder{}
	p := Dissector.New()
	if st := p.Feed(dissectorCtx(rec), dissect.ToServer, dissectorSeeds(t)[0]); st != dissect.Done {
		t.Errorf("status %d, want Done", st)
	}
	if len(rec.Hosts) != 1 || rec.Hosts[0] != "host.example" {
		t.Errorf("hosts %q, want [host.example]", rec.Hosts)
	}
	// A host part that runs past the datagram is not reported.
	rec = &dissecttest.Recorder{}
	Dissector.New().Feed(dissectorCtx(rec), dissect.ToServer, []byte("\x00\x00\x00\x20host"))
	if len(rec.Hosts) != 0 {
		t.Errorf("truncated part gave hosts %q", rec.Hosts)
	}
}
