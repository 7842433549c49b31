package tls

import (
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect/dissecttest"
	"github.com/netsift/netsift/dissect/internal/tlshello/ndpitest"
)

// TestAgreement compares the probe with nDPI's "TLS" flows.
func TestAgreement(t *testing.T) {
	hits, total, missed, allFP := dissecttest.Agreement(t, Dissector, "TLS")
	for _, m := range missed {
		t.Logf("missed: %s", m)
	}
	// nDPI names TLS on some well-known ports after the service (IMAPS,
	// POPS, SMTPS, ApplePush on 5223…): those flows are TLS, not false
	// positives.
	var fp []string
	for _, m := range allFP {
		name := m[strings.LastIndexByte(m, ' ')+1:]
		master, _, _ := strings.Cut(name, ".")
		if tlsCarried[master] {
			continue
		}
		fp = append(fp, m)
		t.Logf("false positive: %s", m)
	}
	t.Logf("TLS: %d/%d hits, %d false positives (%d more flows nDPI names after the TLS service)", hits, total, len(fp), len(allFP)-len(fp))
	if total == 0 {
		t.Skip("no TLS flows in corpus")
	}
	if float64(hits) < 0.96*float64(total) || len(fp) > 0 {
		t.Errorf("TLS agreement %d/%d, %d false positives", hits, total, len(fp))
	}
}

// tlsCarried are nDPI master names for protocols that are TLS on a
// dedicated port.
var tlsCarried = map[string]bool{"IMAPS": true, "POPS": true, "SMTPS": true, "ApplePush": true, "FTPS": true, "DoH_DoT": true, "LDAPS": true}

// TestCorpusFingerprints checks SNI, JA3 and JA4 against nDPI's output for
// every corpus TLS flow both of us parsed.
func TestCorpusFingerprints(t *testing.T) {
	dir := dissecttest.NDPICorpus(t)
	cache := map[string]map[ndpitest.Key]ndpitest.Fields{}
	var sniOK, sniN, ja3OK, ja3N, ja4OK, ja4N, ja4Exact int
	for _, cf := range dissecttest.Corpus(t) {
		if cf.Proto != 6 || cf.Expect.Master != "TLS" {
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
		if f.SNI != "" && r.Rec.MetaKV["ja3"] != "" {
			sniN++
			if strings.EqualFold(host, f.SNI) {
				sniOK++
			} else {
				t.Logf("sni: %s ndpi=%q ours=%q", line, f.SNI, host)
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
			if ndpitest.NormJA4(ours) == ndpitest.NormJA4(f.JA4) {
				ja4OK++
			} else {
				t.Logf("ja4: %s ndpi=%s ours=%s", line, f.JA4, ours)
			}
		}
	}
	t.Logf("SNI %d/%d, JA3 %d/%d, JA4 %d/%d (exactly equal: %d)", sniOK, sniN, ja3OK, ja3N, ja4OK, ja4N, ja4Exact)
	if sniN == 0 {
		t.Skip("no TLS flows with SNI")
	}
	if float64(sniOK) < 0.98*float64(sniN) {
		t.Errorf("SNI agreement %d/%d below 98%%", sniOK, sniN)
	}
	if float64(ja3OK) < 0.95*float64(ja3N) || float64(ja4OK) < 0.95*float64(ja4N) {
		t.Errorf("fingerprint agreement JA3 %d/%d JA4 %d/%d", ja3OK, ja3N, ja4OK, ja4N)
	}
}
