package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func event(t *testing.T, s string) Event {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var ev Event
	if err := d.Decode(&ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func yamlValue(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMatchOne(t *testing.T) {
	ev := event(t, `{"event_type":"dns","flow_id":1615761485502976123,"dns":{"queries":[{"rrname":"www.example.org","rrtype":"A"}],
		"answers":[{"ttl":300},{"ttl":60}],"flags":"8180","rd":true,"z":null},"tags":["a","b"],"ratio":0.5}`)
	cases := []struct {
		key, want string
		ok        bool
	}{
		{"event_type", "dns", true},
		{"event_type", "tls", false},
		{"dns.queries[0].rrname", "www.example.org", true},
		{"dns.queries[1].rrname", "www.example.org", false}, // index out of range
		{"dns.answers[1].ttl", "60", true},
		{"dns.answers[1].ttl", "60.0", true},  // int == float by value, as in Python
		{"dns.answers[1].ttl", `"60"`, false}, // no string/number coercion
		{"dns.flags", "8180", false},          // "8180" in EVE is a string
		{"dns.flags", `"8180"`, true},
		{"dns.rd", "true", true},
		{"dns.missing", "null", true}, // run.py: a missing key is None
		{"flow_id", "1615761485502976123", true},
		{"flow_id", "1615761485502976124", false}, // exact beyond float64
		{"ratio", "0.5", true},
		{"dns.answers.__len", "2", true},
		{"dns.answers__len", "2", true},
		{"dns.queries[0].rrname.__len", "15", true},
		{"dns.queries[0].rrname__startswith", "www.", true},
		{"dns.queries[0].rrname__endswith", ".org", true},
		{"dns.queries[0].rrname__find", "example", true},
		{"dns.queries[0].rrname__find", "exampel", false},
		{"tags__contains", "b", true},
		{"tags__contains", "c", false},
		{"dns.answers[0].ttl__gt", "299", true},
		{"dns.answers[0].ttl__lt", "300", false},
		{"dns.answers[0].ttl__lte", "300", true},
		{"has-key", "dns.queries[0].rrtype", true},
		{"has-key", "dns.z", false}, // null counts as absent
		{"has-key", "[dns.rd, dns.flags]", true},
		{"has-key", "[dns.rd, dns.nope]", false},
		{"not-has-key", "dns.nope", true},
		{"not-has-key", "dns.rd", false},
	}
	for _, c := range cases {
		ok, _, _ := MatchOne(ev, c.key, yamlValue(t, c.want))
		if ok != c.ok {
			t.Errorf("MatchOne(%s: %s) = %v, want %v", c.key, c.want, ok, c.ok)
		}
	}
}

func TestFilterEval(t *testing.T) {
	evs := []Event{
		event(t, `{"event_type":"tls","tls":{"version":"TLSv1","sni":"a.example"}}`),
		event(t, `{"event_type":"tls","tls":{"version":"TLSv1.2"}}`),
		event(t, `{"event_type":"flow","app_proto":"tls"}`),
	}
	filter := func(s string) *Filter {
		m, _ := yamlValue(t, s).(map[string]any)
		f, err := ParseFilter(m)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	for _, s := range []string{
		"{count: 2, match: {event_type: tls}}",
		"{count: 1, match: {event_type: tls, tls.version: TLSv1}}",
		"{match: {event_type: flow}}", // no count: at least one
		"{lt: 2, match: {event_type: flow}}",
		"{gt: 1, match: {event_type: tls}}",
		"{count: 0, match: {event_type: dns}}",
	} {
		if c := filter(s).Eval(evs); c != nil {
			t.Errorf("%s: %v", s, c)
		}
	}
	for s, want := range map[string]string{
		"{count: 1, match: {event_type: tls, tls.version: TLSv1.3, tls.sni: a.example}}": "value differs tls.version",
		"{count: 1, match: {event_type: tls, tls.ja4: x}}":                               "missing field tls.ja4",
		"{count: 1, match: {event_type: quic}}":                                          "no events quic",
		"{count: 1, match: {event_type: tls}}":                                           "count differs tls",
		"{count: 1, match: {event_type: flow, not-has-key: app_proto}}":                  "unexpected field flow:app_proto",
	} {
		c := filter(s).Eval(evs)
		if c == nil || c.Class+" "+c.Where != want {
			t.Errorf("%s: cause %v, want %q", s, c, want)
		}
	}
	if _, err := ParseFilter(map[string]any{"count": "x"}); err == nil {
		t.Error("count: x accepted")
	}
}

func TestClaims(t *testing.T) {
	c := DefaultClaims()
	c.Version = Version{8, 0, 3}
	for req, want := range map[string]string{
		"{min-version: 7}":                "",
		"{min-version: 8.0.3}":            "",
		"{min-version: 8.0.4}":            "needs Suricata >= 8.0.4 (netsift claims 8.0.3)",
		"{min-version: 9}":                "needs Suricata >= 9 (netsift claims 8.0.3)",
		"{lt-version: 7}":                 "asserts the behaviour of Suricata < 7",
		"{lt-version: 9}":                 "",
		"{gt-version: 6.0.11}":            "",
		"{version: '8.0'}":                "",
		"{version: '7.0'}":                "only for Suricata 7.0",
		"{features: [HAVE_JA3, RUST]}":    "",
		"{features: [HAVE_LUA]}":          "needs feature HAVE_LUA",
		"{files: [src/detect-lua.c]}":     "needs Suricata source files src/detect-lua.c",
		"{script: ['true']}":              "needs a shell-script requirement",
		"{pcap: false}":                   "runs without a pcap (command test)",
		"{env: [SVERIFY_SURELY_UNSET_X]}": "needs environment variable SVERIFY_SURELY_UNSET_X",
		"{bogus: 1}":                      "unknown requirement bogus",
	} {
		m, _ := yamlValue(t, req).(map[string]any)
		if got := c.Unmet(m); got != want {
			t.Errorf("%s: %q, want %q", req, got, want)
		}
	}
	if v, err := ParseVersion("7.0.0-dev"); err != nil || v != (Version{7, 0, 0}) {
		t.Errorf("ParseVersion(7.0.0-dev) = %v, %v", v, err)
	}
	if _, err := ParseVersion("x"); err == nil {
		t.Error("ParseVersion(x) accepted")
	}
}

func TestUnsupportedArg(t *testing.T) {
	for args, want := range map[string]bool{
		"-k none --set stream.midstream=true --simulate-ips --runmode=single": false,
		"--set stream.reassembly.depth=0":                                     true,
		"--set stream.midstream=false":                                        true,
		"-k all":                                                              true,
		"--pcap-file-continuous":                                              true,
	} {
		if got := unsupportedArg(strings.Fields(args)) != ""; got != want {
			t.Errorf("%s: unsupported=%v, want %v", args, got, want)
		}
	}
}

// TestRunnerKnownGood builds a small corpus around the repository's own
// sample capture, with checks whose outcome is known, and runs it.
func TestRunnerKnownGood(t *testing.T) {
	pcap, err := filepath.Abs(filepath.Join("..", "..", "testdata", "sample.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(pcap); err != nil {
		t.Skipf("no sample capture: %v (go run ./tools/mksample)", err)
	}
	root := t.TempDir()
	mk := func(name, yml string, files ...string) {
		d := filepath.Join(root, "tests", name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "test.yaml"), []byte(yml), 0o644); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(pcap)
		if err := os.WriteFile(filepath.Join(d, "input.pcap"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(files); i += 2 {
			if err := os.WriteFile(filepath.Join(d, files[i]), []byte(files[i+1]), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	mk("good", `
requires: {min-version: 7}
args: [-k none]
checks:
  - filter: {count: 1, match: {event_type: tls, tls.sni: www.youtube.com, tls.version: TLS 1.3}}
  - filter:
      match:
        event_type: dns
        dns.queries[0].rrname: www.example.org
        dns.queries[0].rrname__endswith: .org
  - filter: {count: 0, match: {has-key: netsift}}
  - filter: {count: 1, match: {event_type: stats}}
  - shell: {args: "true"}
`)
	mk("bad", `
checks:
  - filter: {count: 1, match: {event_type: tls, tls.sni: www.youtube.com, tls.version: TLSv1.9}}
`)
	mk("alerts", `
checks:
  - filter: {count: 1, match: {event_type: alert, alert.signature_id: 1}}
  - filter: {count: 1, match: {event_type: ssh}}
`, "test.rules", "alert tcp any any -> any any (msg:\"ssh banner\"; flow:established,to_server; content:\"SSH-2.0\"; depth:7; sid:1;)\n")
	mk("dropper", `
checks:
  - filter: {count: 9, match: {event_type: flow}}
`, "test.rules", "drop tcp any any -> any any (sid:1;)\n")
	mk("lua", "requires: {features: [HAVE_LUA]}\nchecks: [{filter: {count: 1, match: {event_type: flow}}}]\n")
	mk("old", "requires: {lt-version: 7}\nchecks: [{filter: {count: 1, match: {event_type: flow}}}]\n")
	mk("eveconf", `
checks:
  - filter: {count: 0, match: {event_type: dns}}
  - filter: {count: 9, match: {event_type: flow}}
`, "suricata.yaml", "%YAML 1.1\n---\noutputs:\n  - eve-log:\n      enabled: yes\n      types:\n        - flow\n")

	r := &Runner{Corpus: root, Claims: DefaultClaims()}
	res, err := r.RunAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Result{}
	for _, x := range res {
		got[x.Name] = x
	}
	want := map[string]Status{"good": Pass, "bad": Fail, "alerts": Pass, "dropper": Pass, "lua": Skip, "old": Skip, "eveconf": Pass}
	for n, st := range want {
		if got[n].Status != st {
			t.Errorf("%s: %s (%s %v), want %s", n, got[n].Status, got[n].Reason, got[n].Cause, st)
		}
	}
	if g := got["good"]; g.Checks != 4 || len(g.Ignored) != 1 {
		t.Errorf("good: %d checks evaluated, %v ignored; want 4 and the shell check", g.Checks, g.Ignored)
	}
	if c := got["bad"].Cause; c == nil || c.Where != "tls.version" || !strings.Contains(c.Detail, `got "TLS 1.3"`) {
		t.Errorf("bad: cause %v", c)
	}
	if a := got["alerts"]; a.Checks != 2 || len(a.Failed) != 0 {
		t.Errorf("alerts: both checks should be evaluated and pass: %+v", a)
	}
	if r := got["lua"].Reason; r != "needs feature HAVE_LUA" {
		t.Errorf("lua: reason %q", r)
	}
	tot := Tally(res)
	if tot.Pass != 4 || tot.Fail != 1 || tot.Skip != 2 || tot.PassRate() != 80 {
		t.Errorf("totals %+v", tot)
	}

	r.Run = regexp.MustCompile(`^go`)
	if names, _ := r.Tests(); len(names) != 1 || names[0] != "good" {
		t.Errorf("-run ^go: %v", names)
	}
}

// TestCorpus runs the whole suricata-verify development set, logs the
// figures and holds issue 4's targets: at least 85% of the tests that run
// pass, and fewer than 25% are skipped. It also fails if the runner itself
// breaks (a test.yaml it cannot read, an engine error).
func TestCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "suricata-verify")
	if _, err := os.Stat(filepath.Join(dir, "tests")); err != nil {
		t.Skipf("suricata-verify corpus not found at %s: %v", dir, err)
	}
	r := &Runner{Corpus: dir, Claims: DefaultClaims()}
	res, err := r.RunAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(res) == 0 {
		t.Fatal("no tests found")
	}
	for _, x := range res {
		if x.Cause != nil && x.Cause.Class == "runner" {
			t.Errorf("%s: runner error: %v", x.Name, x.Cause)
		}
	}
	var b strings.Builder
	Print(&b, res, false)
	out := b.String()
	if i := strings.Index(out, "\ntests "); i >= 0 {
		out = out[i+1:]
	}
	t.Log("\n" + out)
	tot := Tally(res)
	if tot.PassRate() < 85 || tot.SkipRate() >= 25 {
		t.Errorf("conformance below target: pass %.1f%% of the tests run (want ≥ 85%%), skipped %.1f%% (want < 25%%)", tot.PassRate(), tot.SkipRate())
	}
}
