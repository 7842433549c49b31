package stun

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// DissectorSeeds are real messages (from captures) that Dissector's probe must match.
var DissectorSeeds = []string{
	"000100002112a44253486b6846386f6477677956",
	"080100002112a4424343464a65574e5473575073",
	"000300082112a442414b37515079504b395765560019000411000000",
}

func unhexFuzzSTUN(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSTUNProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexFuzzSTUN(t, s)
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

func TestSTUNAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "STUN")
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
	if len(fp) > 11 {
		t.Errorf("%d false positives, want at most 11", len(fp))
	}
}

func FuzzSTUN(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexFuzzSTUN(f, s))
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

// TestUpgrade checks the hand-over after the connectivity checks: DTLS
// goes to "dtls", RTP within the first packets to "srtp", while RTCP alone
// or RTP after the window leaves the flow STUN.
func TestUpgrade(t *testing.T) {
	stun := unhexFuzzSTUN(t, DissectorSeeds[0])
	// RTP header from a WhatsApp call (version 2, PT 120, seq, ts, SSRC).
	rtp := unhexFuzzSTUN(t, "807800090003430087fab2d7835dd73401aa2ec0feefa7f31aef7ff9")
	// RTCP RR header followed by encrypted data (SRTCP).
	rtcp := unhexFuzzSTUN(t, "80c9000b000074ecca5aacb2ee485bb8ccb608f00e752966f6f7d5f0")
	dtls := unhexFuzzSTUN(t, "16fefd000000000000000000010001")
	cases := []struct {
		name  string
		pkt   []byte
		at    uint32 // packets so far, including this one
		want  string
		state dissect.Status
	}{
		{"dtls", dtls, 3, "dtls", dissect.Done},
		{"rtp", rtp, 3, "srtp", dissect.Done},
		{"rtp at window end", rtp, srtpWindow, "srtp", dissect.Done},
		{"rtp late", rtp, srtpWindow + 1, "", dissect.Continue},
		{"rtcp", rtcp, 3, "", dissect.Continue},
	}
	for _, tc := range cases {
		rec := &dissecttest.Recorder{}
		c := &dissect.Ctx{Proto: 17, Pkts: [2]uint32{1, 0}, Emit: rec}
		p := Dissector.New()
		p.Feed(c, dissect.ToServer, stun)
		c.Pkts = [2]uint32{1, tc.at - 1}
		if st := p.Feed(c, dissect.ToClient, tc.pkt); st != tc.state || rec.Upgraded != tc.want {
			t.Errorf("%s: status %d upgrade %q, want %d %q", tc.name, st, rec.Upgraded, tc.state, tc.want)
		}
	}
}
