package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/netsift/netsift/capture/pcapfile"
	"github.com/netsift/netsift/dissect/all"
	"github.com/netsift/netsift/engine"
	"github.com/netsift/netsift/rules"
)

// Status is a test's outcome.
type Status string

// The outcomes.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Skip Status = "skip"
)

// Result is one test's outcome.
type Result struct {
	Name   string
	Status Status
	// Reason says why a test was skipped or needs rules.
	Reason string
	// Check is the index of the first failing check, Cause why it failed.
	Check int
	Cause *Cause
	// Checks is how many checks were evaluated; Ignored lists the checks
	// not evaluated (shell, file-compare, other files, check-level requires).
	Checks  int
	Ignored []string
	// Failed holds every failing evaluated check (also for needs-rules
	// tests, whose checks that do not involve alerts are evaluated).
	Failed []Cause
	Notes  []string
	Events int
}

// Runner runs suricata-verify tests through the netsift engine.
type Runner struct {
	Corpus string // the suricata-verify folder (holding tests/)
	Claims Claims
	Run    *regexp.Regexp // nil: all tests
	// Ignore lists match keys dropped from every filter before it is
	// evaluated (e.g. pcap_cnt), to measure what else a fix would unlock.
	Ignore []string
}

// Tests lists the test folders (those holding test.yaml) under Corpus/tests,
// by name.
func (r *Runner) Tests() ([]string, error) {
	root := filepath.Join(r.Corpus, "tests")
	var names []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if _, err := os.Stat(filepath.Join(p, "test.yaml")); err == nil {
			rel, _ := filepath.Rel(root, p)
			rel = filepath.ToSlash(rel)
			if r.Run == nil || r.Run.MatchString(rel) {
				names = append(names, rel)
			}
			return filepath.SkipDir // discovery stops at a test, as in run.py
		}
		return nil
	})
	sort.Strings(names)
	return names, err
}

// RunAll runs every selected test.
func (r *Runner) RunAll() ([]Result, error) {
	names, err := r.Tests()
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w (point -corpus at a suricata-verify folder)", r.Corpus, err)
	}
	out := make([]Result, 0, len(names))
	for _, n := range names {
		out = append(out, r.RunTest(n))
	}
	return out, nil
}

// acceptedSets are the --set overrides netsift can honour, by key, with
// the values that leave its behaviour matching Suricata's ("" = any).
// netsift always picks up mid-stream sessions, never bypasses, always
// computes JA3/JA4, does not validate checksums, and has no inline stream
// mode distinct from IDS mode for logging purposes.
var acceptedSets = map[string]string{
	"stream.midstream":                          "true",
	"stream.inline":                             "",
	"stream.async-oneside":                      "",
	"stream.bypass":                             "false",
	"logging.default-log-level":                 "",
	"exception-policy":                          "ignore",
	"app-layer.protocols.tls.ja4-fingerprints":  "yes",
	"app-layer.protocols.tls.ja3-fingerprints":  "yes",
	"app-layer.protocols.quic.ja4-fingerprints": "yes",
	"threshold-file":                            "", // rules only
}

// unsupportedArg returns why netsift cannot run with args ("" if it can).
func unsupportedArg(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-k":
			if i+1 < len(args) && args[i+1] == "none" {
				i++ // netsift never validates checksums
				continue
			}
			return "checksum mode -k " + strings.Join(args[i+1:min(i+2, len(args))], "")
		case a == "--simulate-ips", a == "--runmode", strings.HasPrefix(a, "--runmode="):
			if a == "--runmode" {
				i++
			}
		case a == "--set":
			if i+1 >= len(args) {
				return "--set without a value"
			}
			i++
			k, v, _ := strings.Cut(args[i], "=")
			want, ok := acceptedSets[k]
			if !ok || (want != "" && v != want) {
				return "config --set " + args[i] + " not supported"
			}
		default:
			return "argument " + a + " not supported"
		}
	}
	return ""
}

// configRules reports why the test's rule file cannot be honoured ("" if
// it can): Suricata 8 "config" rules change logging, which netsift does
// not implement.
func configRules(s *Spec) string {
	if s.Rules == "" {
		return ""
	}
	b, err := os.ReadFile(s.Rules)
	if err != nil {
		return ""
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if act, _, _ := strings.Cut(strings.TrimSpace(line), " "); act == "config" {
			return "config rules (Suricata 8 logging control) not supported"
		}
	}
	return ""
}

// signatures loads the test's rules with its variables (its own
// suricata.yaml vars: section and --set vars.… arguments). A rule netsift
// cannot load makes the test a skip naming the keyword: the test needs a
// feature netsift does not claim. Rules that Suricata itself rejects
// (the test expects them not to load) are not netsift's gap; the test
// runs without them.
//
// It returns the signatures, the rules Suricata-style loading skipped (for
// the notes), why the test is a skip ("" if it runs) or an error.
func (r *Runner) signatures(s *Spec) (*engine.Signatures, []*rules.RuleError, string, error) {
	if s.Rules == "" {
		return nil, nil, "", nil
	}
	v := rules.DefaultVars()
	if y := filepath.Join(s.Dir, "suricata.yaml"); fileExists(y) {
		_ = v.LoadVarsYAML(y) // a file with no vars: section is fine
	}
	for i := 0; i+1 < len(s.Args); i++ {
		if s.Args[i] == "--set" && strings.HasPrefix(s.Args[i+1], "vars.") {
			k, val, _ := strings.Cut(s.Args[i+1], "=")
			if err := v.Set(k, val); err != nil {
				return nil, nil, "", fmt.Errorf("--set %s: %v", k, err)
			}
		}
	}
	classes := rules.DefaultClassifications()
	p := rules.NewParser(v)
	rs := p.LoadFiles(s.Rules)
	if len(rs.Report.FileErrors) > 0 {
		return nil, nil, "", errors.Join(rs.Report.FileErrors...)
	}
	for _, e := range rs.Report.Skipped {
		if strings.Contains(e.Msg, `"=>"`) || strings.Contains(e.Msg, "unknown protocol") && strings.Contains(e.Msg, ":") {
			return nil, nil, fmt.Sprintf("rule uses Suricata 8 syntax netsift does not support (%s:%d: %s)", filepath.Base(e.File), e.Line, e.Msg), nil
		}
		if len(e.Keywords) > 0 {
			return nil, nil, fmt.Sprintf("rule uses unsupported keyword %s (%s:%d)", strings.Join(e.Keywords, ", "), filepath.Base(e.File), e.Line), nil
		}
	}
	sigs, err := engine.NewSignatures(rs, classes)
	return sigs, rs.Report.Skipped, "", err
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// RunTest runs one test by name.
func (r *Runner) RunTest(name string) Result {
	res := Result{Name: name, Check: -1}
	dir := filepath.Join(r.Corpus, "tests", filepath.FromSlash(name))
	s, err := LoadSpec(dir, name)
	if err != nil {
		res.Status, res.Cause = Fail, &Cause{Class: "runner", Where: "test.yaml", Detail: err.Error()}
		return res
	}
	skip := func(why string) Result { res.Status, res.Reason = Skip, why; return res }
	if why := r.Claims.Unmet(s.Requires); why != "" {
		return skip(why)
	}
	if why := r.skipEntry(s.Raw["skip"]); why != "" {
		return skip(why)
	}
	if _, ok := s.Raw["command"]; ok {
		return skip("custom command")
	}
	if code, ok := s.Raw["exit-code"].(int); ok && code != 0 {
		return skip(fmt.Sprintf("expects Suricata exit code %d", code))
	}
	if s.Pcap == "" {
		return skip("no pcap")
	}
	if _, err := os.Stat(s.Pcap); err != nil {
		return skip("pcap missing: " + s.Pcap)
	}
	if _, err := os.Stat(filepath.Join(dir, "firewall.rules")); err == nil {
		return skip("Suricata 8 firewall mode")
	}
	if why := unsupportedArg(s.Args); why != "" {
		return skip(why)
	}
	if why := configRules(s); why != "" {
		return skip(why)
	}
	sigs, notLoaded, why, err := r.signatures(s)
	for _, e := range notLoaded {
		res.Notes = append(res.Notes, "rule not loaded: "+e.Error())
	}
	if err != nil {
		res.Status, res.Cause = Fail, &Cause{Class: "runner", Where: "rules", Detail: err.Error()}
		return res
	}
	if why != "" {
		return skip(why)
	}
	// Decide which checks can be evaluated before spending time on the pcap.
	type check struct {
		i     int
		f     *Filter
		stats map[string]any
	}
	var checks []check
	for i, c := range s.Checks {
		switch {
		case c["filter"] != nil:
			fm, _ := c["filter"].(map[string]any)
			f, err := ParseFilter(fm, r.Ignore...)
			if err != nil {
				res.Status, res.Check = Fail, i
				res.Cause = &Cause{Class: "runner", Where: "test.yaml", Detail: fmt.Sprintf("checks[%d]: %v", i, err)}
				return res
			}
			if f.Filename != "eve.json" {
				res.Ignored = append(res.Ignored, fmt.Sprintf("checks[%d]: filter on %s", i, f.Filename))
				continue
			}
			if why := r.Claims.Unmet(f.Requires); why != "" {
				res.Ignored = append(res.Ignored, fmt.Sprintf("checks[%d]: %s", i, why))
				continue
			}
			checks = append(checks, check{i: i, f: f})
		case c["stats"] != nil:
			st, _ := c["stats"].(map[string]any)
			checks = append(checks, check{i: i, stats: st})
		default:
			for k := range c {
				res.Ignored = append(res.Ignored, fmt.Sprintf("checks[%d]: %s check", i, k))
			}
		}
	}
	if len(checks) == 0 {
		return skip("no check netsift can evaluate (" + strings.Join(res.Ignored, "; ") + ")")
	}
	events, notes, err := r.events(s, sigs)
	res.Notes = append(res.Notes, notes...)
	res.Events = len(events)
	if err != nil {
		res.Status, res.Cause = Fail, &Cause{Class: "runner", Where: "engine", Detail: err.Error()}
		return res
	}
	for _, c := range checks {
		res.Checks++
		var cause *Cause
		if c.f != nil {
			cause = c.f.Eval(events)
		} else {
			cause = EvalStats(c.stats, events)
		}
		if cause != nil {
			cause.Check = c.i
			res.Failed = append(res.Failed, *cause)
		}
	}
	if len(res.Failed) > 0 {
		res.Status, res.Check, res.Cause = Fail, res.Failed[0].Check, &res.Failed[0]
		return res
	}
	res.Status = Pass
	return res
}

// skipEntry evaluates a test-level skip: list (or true).
func (r *Runner) skipEntry(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "skip: true"
		}
	case []any:
		for _, e := range x {
			m, _ := e.(map[string]any)
			msg, _ := m["msg"].(string)
			if msg != "" {
				msg = " (" + msg + ")"
			}
			if f, ok := m["feature"].(string); ok && r.Claims.Features[f] {
				return "test skips builds with feature " + f + msg
			}
			if u, ok := m["uid"].(int); ok && os.Getuid() == u {
				return fmt.Sprintf("test skips uid %d%s", u, msg)
			}
			// config: patterns test Suricata's own config dump; netsift has none.
		}
	}
	return ""
}

// events runs the pcap through an in-process engine and decodes the EVE
// records, with the netsift key removed and the event types limited to
// those the test's own suricata.yaml enables.
func (r *Runner) events(s *Spec, sigs *engine.Signatures) ([]Event, []string, error) {
	var buf bytes.Buffer
	el := readEveLog(filepath.Join(s.Dir, "suricata.yaml"))
	cfg := engine.Config{Registry: all.Registry(), Output: &buf,
		CommunityID: el.communityID, CommunityIDSeed: el.seed, Ethernet: el.ethernet, Netflow: el.types["netflow"]}
	if sigs != nil {
		cfg.Rules = func() *engine.Signatures { return sigs }
		cfg.RulesBlock = slices.Contains(s.Args, "--simulate-ips")
	}
	eng, err := engine.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	src, err := pcapfile.Open(s.Pcap)
	if err != nil {
		eng.Close()
		return nil, nil, err
	}
	var notes []string
	if err := eng.Run(src); err != nil {
		if !pcapfile.IsDamage(err) {
			src.Close()
			eng.Close()
			return nil, nil, err
		}
		notes = append(notes, "pcap damaged: "+err.Error())
	}
	src.Close()
	eng.Close()
	types := el.types
	if el.note != "" {
		notes = append(notes, el.note)
	}
	var evs []Event
	sc := bufio.NewScanner(&buf)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		d.UseNumber()
		var ev Event
		if err := d.Decode(&ev); err != nil {
			return nil, notes, fmt.Errorf("netsift wrote invalid EVE JSON: %v: %.200s", err, sc.Text())
		}
		delete(ev, "netsift")
		if types != nil {
			t, _ := ev["event_type"].(string)
			if !types[t] {
				continue
			}
		}
		evs = append(evs, ev)
	}
	return evs, notes, sc.Err()
}

// eveLog is what a test's own suricata.yaml says of its eve-log output.
type eveLog struct {
	types       map[string]bool // enabled event types; nil: keep every type
	note        string          // how far the file was honoured (for -v)
	communityID bool
	seed        uint16
	ethernet    bool
}

// readEveLog reads the eve-log output of a test's suricata.yaml: the
// event types it enables (nil when there is no such file or none readable:
// keep every type), community-id and its seed, ethernet. The rest of such
// a file is not honoured, and the note says so.
func readEveLog(path string) eveLog {
	var el eveLog
	b, err := os.ReadFile(path)
	if err != nil {
		return el
	}
	// yaml.v3 does not know the %YAML 1.1 directive Suricata files start with.
	if bytes.HasPrefix(b, []byte("%YAML")) {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	var cfg struct {
		Outputs []map[string]struct {
			Enabled     any    `yaml:"enabled"`
			Types       []any  `yaml:"types"`
			CommunityID any    `yaml:"community-id"`
			Seed        uint16 `yaml:"community-id-seed"`
			Ethernet    any    `yaml:"ethernet"`
		} `yaml:"outputs"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		el.note = "own suricata.yaml unreadable (" + err.Error() + "); all event types kept"
		return el
	}
	yes := func(v any) bool { s := fmt.Sprint(v); return s == "true" || s == "yes" }
	no := func(v any) bool { s := fmt.Sprint(v); return s == "no" || s == "false" }
	for _, o := range cfg.Outputs {
		eve, ok := o["eve-log"]
		if !ok {
			continue
		}
		if el.types == nil {
			el.types = map[string]bool{}
			el.communityID, el.seed, el.ethernet = yes(eve.CommunityID), eve.Seed, yes(eve.Ethernet)
		}
		if no(eve.Enabled) {
			continue
		}
		for _, t := range eve.Types {
			switch x := t.(type) {
			case string:
				el.types[x] = true
			case map[string]any:
				for k, v := range x {
					if m, ok := v.(map[string]any); ok && no(m["enabled"]) {
						continue
					}
					el.types[k] = true
				}
			}
		}
	}
	if el.types == nil {
		el.note = "own suricata.yaml has no eve-log (it includes another file); all event types kept"
		return el
	}
	el.note = "own suricata.yaml: only its eve-log types honoured"
	return el
}
