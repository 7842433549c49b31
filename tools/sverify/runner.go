package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/netsift/netsift/capture/pcapfile"
	"github.com/netsift/netsift/dissect/all"
	"github.com/netsift/netsift/engine"
)

// Status is a test's outcome.
type Status string

// The outcomes. NeedsRules is kept apart from Skip: those tests are in
// scope for netsift and will run once the rule matcher exists.
const (
	Pass       Status = "pass"
	Fail       Status = "fail"
	Skip       Status = "skip"
	NeedsRules Status = "needs-rules"
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

// checkNeedsRules reports why one check depends on the rule engine ("" if
// it does not).
func checkNeedsRules(c map[string]any) string {
	if f, ok := c["filter"].(map[string]any); ok {
		m, _ := f["match"].(map[string]any)
		for k, v := range m {
			switch {
			case k == "event_type" && (v == "alert" || v == "drop" || v == "packet"):
				// packet events are written for alerts and tagged packets only
				return "checks " + fmt.Sprint(v) + " events"
			case strings.HasPrefix(k, "alert.") || strings.HasPrefix(k, "drop."):
				return "checks " + k
			case k == "flow.alerted" && v == true, k == "flow.action":
				return "checks " + k
			case k == "has-key" || k == "not-has-key":
				for _, x := range list(v) {
					if strings.HasPrefix(x, "alert") {
						return "checks " + k + " " + x
					}
				}
			}
		}
	}
	if st, ok := c["stats"].(map[string]any); ok {
		for k := range st {
			if strings.HasPrefix(k, "detect.") || strings.HasPrefix(k, "ips.") {
				return "checks stats " + k
			}
		}
	}
	return ""
}

// rulesChangeLogging reports why the test's rule file changes what is
// logged or which flows continue ("" if it only alerts): config, pass,
// drop and reject rules matter even when no alert is checked.
func rulesChangeLogging(s *Spec) string {
	if s.Rules == "" {
		return ""
	}
	b, err := os.ReadFile(s.Rules)
	if err != nil {
		return ""
	}
	cont := false // the previous line ended in a backslash
	for line := range strings.SplitSeq(string(b), "\n") {
		line = strings.TrimSpace(line)
		wasCont := cont
		cont = strings.HasSuffix(line, "\\")
		if wasCont || line == "" || line[0] == '#' {
			continue
		}
		switch act, _, _ := strings.Cut(line, " "); act {
		case "drop", "reject", "rejectsrc", "rejectdst", "rejectboth", "pass", "config":
			return "its " + act + " rules change what is logged"
		}
	}
	return ""
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
	logWhy := rulesChangeLogging(s)
	if logWhy != "" {
		res.Status, res.Reason = NeedsRules, logWhy
		return res
	}
	var ruleWhy string
	for _, c := range s.Checks {
		if ruleWhy = checkNeedsRules(c); ruleWhy != "" {
			break
		}
	}
	if why := unsupportedArg(s.Args); why != "" {
		if ruleWhy != "" {
			res.Status, res.Reason = NeedsRules, ruleWhy+"; also "+why
			return res
		}
		return skip(why)
	}
	if s.Rules != "" && ruleWhy == "" {
		res.Notes = append(res.Notes, "rules not loaded (no matcher yet); the checks do not depend on alerts")
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
		case checkNeedsRules(c) != "":
			continue // counted by the needs-rules status
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
	if ruleWhy != "" {
		// The test waits for the matcher; its other checks still say
		// something about the dissectors, so they are evaluated too.
		res.Status, res.Reason = NeedsRules, ruleWhy
		if len(checks) == 0 {
			return res
		}
	} else if len(checks) == 0 {
		return skip("no check netsift can evaluate (" + strings.Join(res.Ignored, "; ") + ")")
	}
	events, notes, err := r.events(s)
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
	if res.Status == NeedsRules {
		return res
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
func (r *Runner) events(s *Spec) ([]Event, []string, error) {
	var buf bytes.Buffer
	eng, err := engine.New(engine.Config{Registry: all.Registry(), Output: &buf})
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
	types, note := eveTypes(filepath.Join(s.Dir, "suricata.yaml"))
	if note != "" {
		notes = append(notes, note)
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

// eveTypes reads the eve-log types a test's suricata.yaml enables (nil:
// no suricata.yaml, or none readable: keep every type). The rest of such a
// file is not honoured, and a note says so.
func eveTypes(path string) (map[string]bool, string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, ""
	}
	// yaml.v3 does not know the %YAML 1.1 directive Suricata files start with.
	if bytes.HasPrefix(b, []byte("%YAML")) {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	var cfg struct {
		Outputs []map[string]struct {
			Enabled any   `yaml:"enabled"`
			Types   []any `yaml:"types"`
		} `yaml:"outputs"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		return nil, "own suricata.yaml unreadable (" + err.Error() + "); all event types kept"
	}
	var types map[string]bool
	for _, o := range cfg.Outputs {
		eve, ok := o["eve-log"]
		if !ok {
			continue
		}
		if types == nil {
			types = map[string]bool{}
		}
		if en := fmt.Sprint(eve.Enabled); en == "no" || en == "false" {
			continue
		}
		for _, t := range eve.Types {
			switch x := t.(type) {
			case string:
				types[x] = true
			case map[string]any:
				for k, v := range x {
					if m, ok := v.(map[string]any); ok {
						if en := fmt.Sprint(m["enabled"]); en == "no" || en == "false" {
							continue
						}
					}
					types[k] = true
				}
			}
		}
	}
	if types == nil {
		return nil, "own suricata.yaml has no eve-log (it includes another file); all event types kept"
	}
	return types, "own suricata.yaml: only its eve-log types honoured"
}
