package rules

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// RuleSet is the result of loading rule files: the rules that loaded, in
// deterministic order (files in the order given, rules in file order), and
// the report of what did not.
type RuleSet struct {
	Rules  []*Rule
	Report Report
}

// Report summarizes a load, like Suricata's "rules loaded / failed" lines.
type Report struct {
	Files    []string
	Loaded   int          // rules loaded
	Disabled int          // commented-out rules ("# alert …"), not parsed
	Skipped  []*RuleError // rules not loaded, in file order, with file:line and reason
	// Unsupported counts, per keyword, the rules skipped because of it (a
	// rule with two unsupported keywords counts for both).
	Unsupported map[string]int
	Duplicates  int     // skipped rules whose gid:sid was already loaded
	FileErrors  []error // files that could not be read
	LoadTime    time.Duration
	HeapBytes   uint64 // live heap held by the loaded rules (after GC)
}

// Enabled is the number of rules that were not commented out.
func (r *Report) Enabled() int { return r.Loaded + len(r.Skipped) }

// LoadedPercent is Loaded as a percentage of Enabled (100 when none).
func (r *Report) LoadedPercent() float64 {
	if r.Enabled() == 0 {
		return 100
	}
	return 100 * float64(r.Loaded) / float64(r.Enabled())
}

// Check loads the rule files with Suricata's default variables and returns
// the report (the rules themselves are dropped).
func Check(paths ...string) Report { return CheckVars(nil, paths...) }

// CheckVars is Check with variables v (nil means DefaultVars()).
func CheckVars(v *Vars, paths ...string) Report { return NewParser(v).Check(paths...) }

// Check loads the files with p and returns the report, with HeapBytes
// measured around the load (it runs the garbage collector twice).
func (p *Parser) Check(paths ...string) Report {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rs := p.LoadFiles(paths...)
	runtime.GC()
	runtime.ReadMemStats(&after)
	rep := rs.Report
	if after.HeapAlloc > before.HeapAlloc {
		rep.HeapBytes = after.HeapAlloc - before.HeapAlloc
	}
	runtime.KeepAlive(rs)
	return rep
}

// LoadFiles reads and parses the files. A file that cannot be read is
// recorded in Report.FileErrors; bad rules are recorded in Report.Skipped.
// It never stops at a bad rule.
func (p *Parser) LoadFiles(paths ...string) *RuleSet {
	start := time.Now()
	ld := &loader{p: p, rs: &RuleSet{Report: Report{Files: paths, Unsupported: map[string]int{}}},
		seen: map[uint64]int{}}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			ld.rs.Report.FileErrors = append(ld.rs.Report.FileErrors, err)
			continue
		}
		ld.load(filepath.Base(path), data)
	}
	ld.rs.Report.LoadTime = time.Since(start)
	return ld.rs
}

// Load parses rules from r; name is used in messages (file:line).
func (p *Parser) Load(name string, r io.Reader) (*RuleSet, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	ld := &loader{p: p, rs: &RuleSet{Report: Report{Files: []string{name}, Unsupported: map[string]int{}}},
		seen: map[uint64]int{}}
	ld.load(name, data)
	ld.rs.Report.LoadTime = time.Since(start)
	return ld.rs, nil
}

type loader struct {
	p    *Parser
	rs   *RuleSet
	seen map[uint64]int // gid<<32|sid → index in rs.Rules
}

func (ld *loader) load(name string, data []byte) {
	rep := &ld.rs.Report
	lineNo := 0
	var acc []byte // continued lines
	accStart := 0
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		lineNo++
		line = bytes.TrimRight(line, " \t\r")
		if acc == nil {
			accStart = lineNo
		}
		if bytes.HasSuffix(line, []byte{'\\'}) {
			acc = append(acc, line[:len(line)-1]...)
			if len(data) > 0 {
				continue
			}
			line = nil
		}
		if acc != nil {
			line = append(acc, line...)
			acc = nil
		}
		text := strings.TrimSpace(string(line))
		if text == "" {
			continue
		}
		if text[0] == '#' {
			if looksLikeRule(strings.TrimLeft(text, "# \t")) {
				rep.Disabled++
			}
			continue
		}
		ld.one(name, accStart, text)
	}
}

func (ld *loader) one(file string, line int, text string) {
	rep := &ld.rs.Report
	r, err := ld.p.Parse(text)
	if err != nil {
		re := err.(*RuleError)
		re.File, re.Line = file, line
		rep.Skipped = append(rep.Skipped, re)
		for _, k := range re.Keywords {
			rep.Unsupported[k]++
		}
		return
	}
	r.File, r.Line = file, line
	key := uint64(r.GID)<<32 | uint64(r.SID)
	if idx, dup := ld.seen[key]; dup {
		// Like Suricata: the higher rev wins; on a tie the first stays.
		old := ld.rs.Rules[idx]
		rep.Duplicates++
		if r.Rev > old.Rev {
			ld.rs.Rules[idx] = r // keep the old position: order stays deterministic
			rep.Skipped = append(rep.Skipped, &RuleError{File: old.File, Line: old.Line, SID: r.SID,
				Msg: fmt.Sprintf("duplicate sid %d:%d: rev %d replaced by rev %d from %s:%d; remove one", r.GID, r.SID, old.Rev, r.Rev, file, line)})
			return
		}
		rep.Skipped = append(rep.Skipped, &RuleError{File: file, Line: line, SID: r.SID,
			Msg: fmt.Sprintf("duplicate sid %d:%d (rev %d already loaded from %s:%d); remove one", r.GID, r.SID, old.Rev, old.File, old.Line)})
		return
	}
	ld.seen[key] = len(ld.rs.Rules)
	ld.rs.Rules = append(ld.rs.Rules, r)
	rep.Loaded++
}

// looksLikeRule reports whether a commented line is a disabled rule: it
// starts with an action and ends with ')'.
func looksLikeRule(s string) bool {
	act, _, ok := strings.Cut(s, " ")
	if !ok {
		return false
	}
	_, isAct := actions[act]
	return isAct && strings.HasSuffix(s, ")") && strings.Contains(s, "(")
}

// Write prints the report like Suricata's rule-loading summary: each skipped
// rule as "file:line: reason", then the totals and the per-keyword counts.
// maxSkipped limits the skipped lines printed (<0 = all).
func (r *Report) Write(w io.Writer) error { return r.WriteN(w, -1) }

// WriteN is Write printing at most maxSkipped skipped-rule lines (<0 = all).
func (r *Report) WriteN(w io.Writer, maxSkipped int) error {
	var b strings.Builder
	for _, e := range r.FileErrors {
		fmt.Fprintf(&b, "error: %v\n", e)
	}
	for i, e := range r.Skipped {
		if maxSkipped >= 0 && i >= maxSkipped {
			fmt.Fprintf(&b, "… %d more skipped rules\n", len(r.Skipped)-i)
			break
		}
		fmt.Fprintf(&b, "%s\n", e.Error())
	}
	fmt.Fprintf(&b, "%d rule files processed. %d rules successfully loaded, %d rules failed (%d duplicate sids), %d disabled (commented out)\n",
		len(r.Files)-len(r.FileErrors), r.Loaded, len(r.Skipped), r.Duplicates, r.Disabled)
	fmt.Fprintf(&b, "%.2f%% of %d enabled rules loaded in %v, heap %.1f MiB\n",
		r.LoadedPercent(), r.Enabled(), r.LoadTime.Round(time.Millisecond), float64(r.HeapBytes)/(1<<20))
	if len(r.Unsupported) > 0 {
		type kc struct {
			k string
			n int
		}
		var ks []kc
		for k, n := range r.Unsupported {
			ks = append(ks, kc{k, n})
		}
		sort.Slice(ks, func(i, j int) bool {
			if ks[i].n != ks[j].n {
				return ks[i].n > ks[j].n
			}
			return ks[i].k < ks[j].k
		})
		b.WriteString("rules skipped per unsupported keyword:\n")
		for _, x := range ks {
			fmt.Fprintf(&b, "  %-24s %d\n", x.k, x.n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
