package rtp

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
	"80086fae000004d83796cb71d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d511041c181812121e",
	"816fcdd21e5131ffb80974d80000011c480be455bf14987c",
}

func unhexRTP(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ctxRTP(proto uint8) *dissect.Ctx {
	return &dissect.Ctx{Proto: proto, Pkts: [2]uint32{3, 0}, Emit: &dissecttest.Recorder{},
		Client: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 1}), 40000),
		Server: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 2}), 30000)}
}

func TestRTPProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexRTP(t, s)
		c := ctxRTP(17)
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

func TestRTPDissectorAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "RTP")
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

func TestRTPRTCPAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, RTCP, "RTCP")
	t.Logf("RTCP: %d/%d nDPI flows matched, %d false positives", hits, total, len(fp))
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

func TestRTPSRTPAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, SRTP, "SRTP")
	t.Logf("SRTP: %d/%d nDPI flows matched, %d false positives", hits, total, len(fp))
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

func FuzzRTP(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexRTP(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, d := range []*dissect.Dissector{Dissector, RTCP, SRTP} {
			for _, proto := range []uint8{6, 17} {
				c := ctxRTP(proto)
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

func TestRTPParserAnomalies(t *testing.T) {
	b := unhexRTP(t, DissectorSeeds[0])
	rec := &dissecttest.Recorder{}
	c := ctxRTP(17)
	c.Emit = rec
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, b)
	b2 := append([]byte(nil), b...)
	b2[3]++ // next sequence number: fine
	p.Feed(c, dissect.ToServer, b2)
	b3 := append([]byte(nil), b2...)
	b3[11]++ // another SSRC
	p.Feed(c, dissect.ToServer, b3)
	if len(rec.Anomalies) != 1 || rec.Anomalies[0] != "rtp.ssrc_changed" {
		t.Errorf("anomalies %q", rec.Anomalies)
	}
	if rec.MetaKV["rtp_payload_type"] != "PCMA" {
		t.Errorf("meta %v", rec.MetaKV)
	}
	if v := RTCP.Probe(c, dissect.ToServer, unhexRTP(t, "81c8000c5d931534dd3ac1704d614df800007d00000000c800007d0000000000000000010000000000000000000000000000000081ca000e5d931534010835643933313533340725467265655357495443482e6f7267202d2d20436f6d6520746f20436c7565436f6e2e636f6d000000")); v != dissect.Match {
		t.Errorf("RTCP compound: verdict %d", v)
	}
	if v := RTCP.Probe(c, dissect.ToServer, b); v != dissect.NoMatch {
		t.Errorf("RTCP probe on RTP: verdict %d", v)
	}
}
