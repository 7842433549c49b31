package dnscrypt

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func agreement(t *testing.T, d *dissect.Dissector, floor float64, names ...string) {
	hits, total, missed, fp := dissecttest.Agreement(t, d, names...)
	t.Logf("%s vs nDPI %v: %d/%d, false positives %d", d.Name, names, hits, total, len(fp))
	for i, m := range missed {
		if i < 20 {
			t.Logf("missed: %s", m)
		}
	}
	for _, m := range fp {
		t.Logf("false positive: %s", m)
	}
	if total == 0 {
		t.Fatalf("no %v flows in the corpus", names)
	}
	if r := float64(hits) / float64(total); r < floor {
		t.Errorf("agreement %.3f below floor %.3f", r, floor)
	}
	if len(fp) > 0 {
		t.Errorf("%d false positives", len(fp))
	}
}

func TestAgreementDNSCrypt(t *testing.T) { agreement(t, Dissector, 0.99, "DNScrypt") }
func TestAgreementAvast(t *testing.T)    { agreement(t, AvastSecureDNS, 0.99, "AVASTSecureDNS") }
