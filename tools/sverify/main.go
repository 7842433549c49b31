// Command sverify runs suricata-verify test folders through netsift and
// reports per test pass, fail (with the first failing check and what
// netsift wrote instead), skipped (with the reason) or needs-rules (checks
// alerts; netsift has no rule matcher yet), then totals and the failures
// grouped by cause.
//
//	go run ./tools/sverify [-v] [-run REGEX] [-corpus ../shared/corpus/suricata-verify]
//
// Each test's pcap runs through an in-process engine (one worker, no
// service table); the EVE records, without the top-level netsift key, are
// checked the way upstream run.py checks eve.json. See README.md.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

func main() {
	corpus := flag.String("corpus", filepath.Join("..", "shared", "corpus", "suricata-verify"), "suricata-verify folder (holding tests/)")
	verbose := flag.Bool("v", false, "also print notes, ignored checks and every test's cause in full")
	run := flag.String("run", "", "only tests whose name matches this regular expression")
	version := flag.String("suricata-version", DefaultClaims().Version.String(), "Suricata version netsift claims for requires: min-version/lt-version")
	ignore := flag.String("ignore", "", "comma-separated match keys to drop from every filter (e.g. pcap_cnt): what would pass once they are fixed")
	flag.Parse()
	r := &Runner{Corpus: *corpus, Claims: DefaultClaims()}
	v, err := ParseVersion(*version)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sverify: -suricata-version:", err)
		os.Exit(2)
	}
	r.Claims.Version = v
	if *ignore != "" {
		r.Ignore = strings.Split(*ignore, ",")
	}
	if *run != "" {
		re, err := regexp.Compile(*run)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sverify: -run:", err)
			os.Exit(2)
		}
		r.Run = re
	}
	res, err := r.RunAll()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sverify:", err)
		os.Exit(2)
	}
	Print(os.Stdout, res, *verbose)
}

// Totals summarises results.
type Totals struct {
	All, Pass, Fail, Skip int
}

// Tally counts results by status.
func Tally(res []Result) Totals {
	t := Totals{All: len(res)}
	for _, r := range res {
		switch r.Status {
		case Pass:
			t.Pass++
		case Fail:
			t.Fail++
		case Skip:
			t.Skip++
		}
	}
	return t
}

// PassRate is passes over tests that ran (pass + fail), in percent.
func (t Totals) PassRate() float64 { return pct(t.Pass, t.Pass+t.Fail) }

// SkipRate is skips over all tests, in percent.
func (t Totals) SkipRate() float64 { return pct(t.Skip, t.All) }

func (t Totals) String() string {
	return fmt.Sprintf("tests %d: pass %d, fail %d, skipped %d\n"+
		"pass rate over non-skipped tests: %.1f%% (%d/%d)\n"+
		"skip rate: %.1f%% (%d/%d)",
		t.All, t.Pass, t.Fail, t.Skip,
		t.PassRate(), t.Pass, t.Pass+t.Fail,
		t.SkipRate(), t.Skip, t.All)
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// Print writes the per-test table, the totals, the failures grouped by
// cause and the skip and needs-rules reasons.
func Print(w io.Writer, res []Result, verbose bool) {
	width := 20
	for _, r := range res {
		width = max(width, len(r.Name))
	}
	for _, r := range res {
		line := ""
		switch r.Status {
		case Fail:
			line = fmt.Sprintf("checks[%d]: %s", r.Check, r.Cause)
		case Pass:
			line = fmt.Sprintf("%d checks", r.Checks)
			if len(r.Ignored) > 0 {
				line += fmt.Sprintf(", %d not evaluated", len(r.Ignored))
			}
		default:
			line = r.Reason
		}
		fmt.Fprintf(w, "%-*s  %-11s  %s\n", width, r.Name, r.Status, line)
		if verbose {
			for _, c := range r.Failed {
				for _, d := range c.Diffs {
					fmt.Fprintf(w, "%-*s  %-11s    checks[%d]: %s %s: %s\n", width, "", "", c.Check, d.Class, d.Where, d.Detail)
				}
			}
			for _, n := range r.Notes {
				fmt.Fprintf(w, "%-*s  %-11s    note: %s\n", width, "", "", n)
			}
			for _, n := range r.Ignored {
				fmt.Fprintf(w, "%-*s  %-11s    not evaluated: %s\n", width, "", "", n)
			}
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, Tally(res))
	fmt.Fprintln(w, "\nfailing tests by the first failing check's first difference:")
	printGroups(w, res, Fail, func(r Result) string { return r.Cause.Class + " " + r.Cause.Where })
	fmt.Fprintln(w, "\nevery difference in every failing check:")
	printDiffs(w, res)
	fmt.Fprintln(w, "\nskipped, by reason:")
	printGroups(w, res, Skip, func(r Result) string { return r.Reason })
}

func printGroups(w io.Writer, res []Result, st Status, key func(Result) string) {
	g := map[string][]string{}
	for _, r := range res {
		if r.Status == st {
			k := key(r)
			g[k] = append(g[k], r.Name)
		}
	}
	keys := make([]string, 0, len(g))
	for k := range g {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(g[keys[i]]) != len(g[keys[j]]) {
			return len(g[keys[i]]) > len(g[keys[j]])
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		fmt.Fprintf(w, "  %3d  %s: %s\n", len(g[k]), k, strings.Join(g[k], ", "))
	}
}

// printDiffs groups every Diff of every failing check, of failed and of
// tests, by class and place: the list for dissector owners.
func printDiffs(w io.Writer, res []Result) {
	g := map[string][]string{}
	for _, r := range res {
		seen := map[string]bool{}
		for _, c := range r.Failed {
			for _, d := range c.Diffs {
				k := d.Class + " " + d.Where
				if seen[k] {
					continue
				}
				seen[k] = true
				n := r.Name
				g[k] = append(g[k], fmt.Sprintf("%s (%s)", n, d.Detail))
			}
		}
	}
	keys := make([]string, 0, len(g))
	for k := range g {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(g[keys[i]]) != len(g[keys[j]]) {
			return len(g[keys[i]]) > len(g[keys[j]])
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		fmt.Fprintf(w, "  %3d  %s\n", len(g[k]), k)
		for _, t := range g[k] {
			fmt.Fprintf(w, "          %s\n", t)
		}
	}
}
