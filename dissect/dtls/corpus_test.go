package dtls

import (
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect/dissecttest"
	"github.com/netsift/netsift/dissect/internal/tlshello/ndpitest"
)

// TestAgreement compares the probe with nDPI's "DTLS" flows.
func TestAgreement(t *testing.T) {
	hits, total, missed, allFP := dissecttest.Agreement(t, Dissector, "DTLS")
	for _, m := range missed {
		t.Logf("missed: %s", m)
	}
	// Flows named by nDPI's custom rules (CustomProtocolX, from a rules
	// file the test suite loads) are not nDPI's protocol verdict.
	var fp []string
	for _, m := range allFP {
		if strings.Contains(m, " CustomProtocol") {
			continue
		}
		fp = append(fp, m)
		t.Logf("false positive: %s", m)
	}
	t.Logf("DTLS: %d/%d hits, %d false positives", hits, total, len(fp))
	if total == 0 {
		t.Skip("no DTLS flows in corpus")
	}
	// The one miss (stun.pcap, Zoom) sends more STUN packets before its
	// ClientHello than the harness probes (16).
	if float64(hits) < 0.9*float64(total) || len(fp) > 0 {
		t.Errorf("DTLS agreement %d/%d, %d false positives", hits, total, len(fp))
	}
}

// TestCorpusFingerprints compares SNI and JA3/JA4 with nDPI.
func TestCorpusFingerprints(t *testing.T) {
	dir := dissecttest.NDPICorpus(t)
	var ok, n int
	for _, cf := range dissecttest.Corpus(t) {
		if cf.Proto != 17 || cf.Expect.Master != "DTLS" {
			continue
		}
		f := ndpitest.Read(dir, cf.Pcap)[ndpitest.MakeKey(cf.Client, cf.Server)]
		r := dissecttest.Run(Dissector, cf.Flow)
		if r.Rec.MetaKV["ja3"] == "" && f.SNI == "" {
			// The ClientHello is beyond the harness's probe window
			// (more than 16 STUN packets before it).
			t.Logf("no hello parsed: %s %s→%s", cf.Pcap, cf.Client, cf.Server)
			continue
		}
		line := cf.Pcap + " " + cf.Client.String() + "→" + cf.Server.String()
		host := strings.Join(r.Rec.Hosts, ",")
		if f.SNI != "" {
			n++
			if host == f.SNI {
				ok++
			} else {
				t.Logf("sni: %s ndpi=%q ours=%q", line, f.SNI, host)
			}
		}
		if f.JA3C != "" {
			n++
			if r.Rec.MetaKV["ja3"] == f.JA3C {
				ok++
			} else {
				t.Logf("ja3: %s ndpi=%s ours=%s", line, f.JA3C, r.Rec.MetaKV["ja3"])
			}
		}
		if f.JA4 != "" {
			n++
			if ndpitest.NormJA4(r.Rec.MetaKV["ja4"]) == ndpitest.NormJA4(f.JA4) {
				ok++
			} else {
				t.Logf("ja4: %s ndpi=%s ours=%s", line, f.JA4, r.Rec.MetaKV["ja4"])
			}
		}
	}
	t.Logf("DTLS SNI/JA3/JA4 agreement %d/%d", ok, n)
	// nDPI writes JA4 version "s3" for Cisco's DTLS 0x0100, which the
	// FoxIO table does not list ("00" here): one flow differs.
	if n > 0 && float64(ok) < 0.9*float64(n) {
		t.Errorf("DTLS fingerprint agreement %d/%d", ok, n)
	}
}
