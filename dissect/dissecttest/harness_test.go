package dissecttest

import (
	"bytes"
	"testing"

	"github.com/netsift/netsift/dissect"
)

// TestAgreementHarness checks the harness itself with a toy HTTP probe.
func TestAgreementHarness(t *testing.T) {
	d := &dissect.Dissector{Name: "toyhttp", Transport: dissect.TCP, Probe: func(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
		if bytes.HasPrefix(b, []byte("GET ")) || bytes.HasPrefix(b, []byte("POST ")) {
			return dissect.Match
		}
		return dissect.NoMatch
	}}
	hits, total, _, fp := Agreement(t, d, "HTTP")
	t.Logf("corpus flows %d; toy HTTP %d/%d, false positives %d", len(Corpus(t)), hits, total, len(fp))
	if total == 0 || hits == 0 {
		t.Fatalf("harness found no HTTP flows")
	}
}
