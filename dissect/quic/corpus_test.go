package quic

import (
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect/dissecttest"
	"github.com/netsift/netsift/dissect/internal/tlshello/ndpitest"
)

// TestAgreement compares the probe with nDPI's "QUIC" flows.
func TestAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "QUIC")
	for _, m := range missed {
		t.Logf("missed: %s", m)
	}
	for _, m := range fp {
		t.Logf("false positive: %s", m)
	}
	t.Logf("QUIC: %d/%d hits, %d false positives", hits, total, len(fp))
	if total == 0 {
		t.Skip("no QUIC flows in corpus")
	}
	// The misses are captures that start mid-flow with Google QUIC short
	// headers, which carry no version or other signature.
	if float64(hits) < 0.94*float64(total) || len(fp) > 0 {
		t.Errorf("QUIC agreement %d/%d, %d false positives", hits, total, len(fp))
	}
}

// TestCorpusFingerprints checks SNI, JA3 and JA4 against nDPI for every
// corpus QUIC flow.
func TestCorpusFingerprints(t *testing.T) {
	dir := dissecttest.NDPICorpus(t)
	cache := map[string]map[ndpitest.Key]ndpitest.Fields{}
	var sniOK, sniN, ja3OK, ja3N, ja4OK, ja4N, ja4Exact int
	for _, cf := range dissecttest.Corpus(t) {
		if cf.Proto != 17 || cf.Expect.Master != "QUIC" {
			continue
		}
		fm, ok := cache[cf.Pcap]
		if !ok {
			fm = ndpitest.Read(dir, cf.Pcap)
			cache[cf.Pcap] = fm
		}
		f := fm[ndpitest.MakeKey(cf.Client, cf.Server)]
		r := dissecttest.Run(Dissector, cf.Flow)
		host := ""
		if len(r.Rec.Hosts) > 0 {
			host = r.Rec.Hosts[0]
		}
		line := cf.Pcap + " " + cf.Client.String() + "→" + cf.Server.String()
		if f.SNI != "" {
			sniN++
			if strings.EqualFold(host, f.SNI) {
				sniOK++
			} else {
				t.Logf("sni: %s ndpi=%q ours=%q anomalies=%q", line, f.SNI, host, r.Rec.Anomalies)
			}
		}
		if f.JA3C != "" {
			ja3N++
			if r.Rec.MetaKV["ja3"] == f.JA3C {
				ja3OK++
			} else {
				t.Logf("ja3: %s ndpi=%s ours=%s", line, f.JA3C, r.Rec.MetaKV["ja3"])
			}
		}
		if f.JA4 != "" {
			ja4N++
			ours := r.Rec.MetaKV["ja4"]
			if ours == f.JA4 {
				ja4Exact++
			}
			if ours != f.JA4 && testing.Verbose() {
				t.Logf("ja4 differs only where nDPI departs from the spec: %s ndpi=%s ours=%s", line, f.JA4, ours)
			}
			if ndpitest.NormJA4(ours) == ndpitest.NormJA4(f.JA4) {
				ja4OK++
			} else {
				t.Logf("ja4: %s ndpi=%s ours=%s", line, f.JA4, ours)
			}
		}
	}
	t.Logf("SNI %d/%d, JA3 %d/%d, JA4 %d/%d (exactly equal: %d)", sniOK, sniN, ja3OK, ja3N, ja4OK, ja4N, ja4Exact)
	if sniN == 0 {
		t.Skip("no QUIC flows with SNI")
	}
	if float64(sniOK) < 0.98*float64(sniN) {
		t.Errorf("SNI agreement %d/%d below 98%%", sniOK, sniN)
	}
	if float64(ja3OK) < 0.95*float64(ja3N) || float64(ja4OK) < 0.95*float64(ja4N) {
		t.Errorf("fingerprint agreement JA3 %d/%d JA4 %d/%d", ja3OK, ja3N, ja4OK, ja4N)
	}
}
