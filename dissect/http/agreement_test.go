package http

import (
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// ndpiNames are nDPI's names for what this dissector identifies.
var ndpiNames = []string{"HTTP", "HTTP_Proxy", "HTTP_Connect"}

func TestAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, ndpiNames...)
	t.Logf("http vs nDPI %v: %d/%d, false positives %d", ndpiNames, hits, total, len(fp))
	for i, m := range missed {
		if i < 40 {
			t.Logf("missed: %s", m)
		}
	}
	for i, m := range fp {
		if i < 40 {
			t.Logf("false positive: %s", m)
		}
	}
	if total == 0 {
		t.Fatal("no HTTP flows in the corpus")
	}
	if r := float64(hits) / float64(total); r < 0.95 {
		t.Errorf("agreement %.3f below 0.95", r)
	}
}

// TestHostAgreement compares the Host names the parser reports with
// nDPI's [Hostname/SNI] on HTTP flows both identify.
func TestHostAgreement(t *testing.T) {
	same, total := 0, 0
	for _, cf := range dissecttest.Corpus(t) {
		if cf.Proto != 6 || cf.Expect.Host == "" || !(cf.Expect.Master == "HTTP" || cf.Expect.Master == "HTTP_Proxy" || cf.Expect.Master == "HTTP_Connect") {
			continue
		}
		r := dissecttest.Run(Dissector, cf.Flow)
		if r.Verdict != dissect.Match {
			continue
		}
		total++
		ok := false
		for _, h := range r.Rec.Hosts {
			ok = ok || strings.EqualFold(h, cf.Expect.Host)
		}
		if ok {
			same++
		} else if total-same <= 30 {
			t.Logf("host: got %q, nDPI %q (%s %s→%s)", r.Rec.Hosts, cf.Expect.Host, cf.Pcap, cf.Client, cf.Server)
		}
	}
	t.Logf("HTTP host agreement %d/%d", same, total)
	if total == 0 || float64(same) < 0.98*float64(total) {
		t.Errorf("HTTP host agreement %d/%d below 98%%", same, total)
	}
}
