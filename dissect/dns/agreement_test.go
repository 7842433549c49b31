package dns

import (
	"slices"
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// earlier lists nDPI protocols whose dissectors are registered before DNS
// and take these flows first (DNSCrypt certificate queries are well-formed
// DNS messages).
var earlier = []string{"DNScrypt", "AVASTSecureDNS"}

// customRule marks flows nDPI named by a port-based custom rule of its test
// configuration (real DNS on UDP 5333 in custom_rules_ipv6.pcapng).
const customRule = " CustomProtocol"

func agreement(t *testing.T, d *dissect.Dissector, floor float64, maxFP int, names ...string) {
	hits, total, missed, all := dissecttest.Agreement(t, d, names...)
	var fp []string
	shadowed := 0
	for _, l := range all {
		if slices.ContainsFunc(earlier, func(n string) bool { return strings.HasSuffix(l, " "+n+"."+n) }) {
			shadowed++
			continue
		}
		if strings.Contains(l, customRule) {
			shadowed++
			continue
		}
		fp = append(fp, l)
	}
	t.Logf("%s: %d flows of %v taken first by earlier dissectors or nDPI custom rules", d.Name, shadowed, earlier)
	t.Logf("%s vs nDPI %v: %d/%d, false positives %d", d.Name, names, hits, total, len(fp))
	for i, m := range missed {
		if i < 20 {
			t.Logf("missed: %s", m)
		}
	}
	for i, m := range fp {
		if i < 20 {
			t.Logf("false positive: %s", m)
		}
	}
	if total == 0 {
		t.Fatalf("no %v flows in the corpus", names)
	}
	if r := float64(hits) / float64(total); r < floor {
		t.Errorf("agreement %.3f below floor %.3f", r, floor)
	}
	if len(fp) > maxFP {
		t.Errorf("%d false positives, want ≤ %d", len(fp), maxFP)
	}
}

// hostIn reports whether nDPI's host name is one of ours. nDPI replaces
// characters outside host names by '_' or '?' and keeps only the last 80
// or so characters of long names, so those compare loosely.
func hostIn(ours []string, ndpi string) bool {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == '*' || r == '?' || r < 0x20 || r >= 0x7f && r != '’' {
				return '_'
			}
			return r
		}, strings.ToLower(s))
	}
	for _, h := range ours {
		a, b := norm(h), norm(ndpi)
		if a == b || len(b) >= 64 && strings.HasSuffix(a, b) {
			return true
		}
	}
	return strings.Contains(ndpi, "?") && len(ours) > 0
}

func TestAgreementDNS(t *testing.T)   { agreement(t, Dissector, 0.95, 0, "DNS") }
func TestAgreementMDNS(t *testing.T)  { agreement(t, MDNS, 0.95, 0, "MDNS") }
func TestAgreementLLMNR(t *testing.T) { agreement(t, LLMNR, 0.95, 0, "LLMNR") }

// TestHostAgreement compares the first host name each parser reports with
// nDPI's [Hostname/SNI] on the flows both identify.
func TestHostAgreement(t *testing.T) {
	for _, tc := range []struct {
		d    *dissect.Dissector
		name string
	}{{Dissector, "DNS"}, {MDNS, "MDNS"}, {LLMNR, "LLMNR"}} {
		same, total := 0, 0
		for _, cf := range dissecttest.Corpus(t) {
			if cf.Expect.Master != tc.name || cf.Expect.Host == "" {
				continue
			}
			r := dissecttest.Run(tc.d, cf.Flow)
			if r.Verdict != dissect.Match {
				continue
			}
			total++
			got := strings.Join(r.Rec.Hosts, " ")
			if hostIn(r.Rec.Hosts, cf.Expect.Host) {
				same++
			} else if total-same <= 15 {
				t.Logf("%s host: got %q, nDPI %q (%s %s→%s)", tc.name, got, cf.Expect.Host, cf.Pcap, cf.Client, cf.Server)
			}
		}
		t.Logf("%s host agreement %d/%d", tc.name, same, total)
		if total > 0 && float64(same) < 0.98*float64(total) {
			t.Errorf("%s host agreement %d/%d below 98%%", tc.name, same, total)
		}
	}
}
