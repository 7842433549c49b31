package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const etDir = "../../shared/corpus/et-open"

func etFiles(t testing.TB, sub string) []string {
	files, _ := filepath.Glob(filepath.Join(etDir, sub, "*.rules"))
	if len(files) == 0 {
		t.Skipf("ET Open corpus absent (%s/%s/*.rules); see /work/shared/corpus/et-open/README.md", etDir, sub)
	}
	return files
}

// TestETOpen loads the ET Open corpus and asserts that at least 90% of the
// enabled rules load. Run with -v to see the report.
func TestETOpen(t *testing.T) {
	for _, set := range []struct{ name, sub string }{{"rules", "rules"}, {"supplement", "supplement-2024-04-19"}} {
		t.Run(set.name, func(t *testing.T) {
			files := etFiles(t, set.sub) // skips without the corpus
			p := NewParser(nil)
			classes, err := LoadClassificationConfig(filepath.Join(etDir, "rules", "classification.config"))
			if err != nil {
				t.Fatalf("classification.config: %v", err)
			}
			p.SetClassifications(classes)
			rep := p.Check(files...)
			var b strings.Builder
			rep.WriteN(&b, 40)
			t.Logf("%s:\n%s", set.sub, b.String())
			if len(rep.FileErrors) > 0 {
				t.Fatalf("file errors: %v", rep.FileErrors)
			}
			if p := rep.LoadedPercent(); p < 90 {
				t.Errorf("loaded %.2f%% of enabled ET Open rules, want >= 90%%", p)
			}
			// How much rests on keywords this package supports beyond the
			// issue's list (cheap ones: size checks, ICMP type/code, TCP
			// flags, transforms, base64, tls.version, extra HTTP headers).
			rs := p.LoadFiles(etFiles(t, set.sub)...)
			beyond := 0
			for _, r := range rs.Rules {
				for _, o := range r.Options {
					if beyondIssue[o.Name] {
						beyond++
						break
					}
				}
			}
			t.Logf("%d loaded rules (%.2f%% of enabled) use keywords beyond the issue's list; without them %.2f%% would load",
				beyond, 100*float64(beyond)/float64(rep.Enabled()), 100*float64(rep.Loaded-beyond)/float64(rep.Enabled()))
			if os.Getenv("ET_ALL_ERRORS") != "" {
				for _, e := range rep.Skipped {
					t.Log(e)
				}
			}
		})
	}
}

// beyondIssue are supported keywords the issue does not list.
var beyondIssue = map[string]bool{
	"urilen": true, "dotprefix": true, "itype": true, "icode": true, "flags": true,
	"base64_decode": true, "base64_data": true, "tls.version": true, "rawbytes": false,
	"to_lowercase": true, "to_uppercase": true, "strip_whitespace": true,
	"compress_whitespace": true, "url_decode": true, "http.content_len": true,
	"http.accept": true, "http.accept_enc": true, "http.accept_lang": true,
	"http.connection": true, "http.referer": true, "http.location": true,
	"http.server": true, "http.start": true, "http.protocol": true,
	"http.request_line": true, "http.response_line": true, "http.stat_msg": true,
	"http_stat_msg": true, "tls.cert_serial": true, "tls_cert_serial": true,
}
