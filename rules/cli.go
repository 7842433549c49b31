package rules

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// CheckCommand implements `netsift rules check [--config FILE]
// [--classification FILE] [--set vars.NAME=VALUE]... [--max-errors N]
// [--strict] FILE...`: it loads the files and
// prints the report. Exit status: 0 when every file was read, 1 when a file
// could not be read (or with --strict, when any rule was skipped), 2 on
// usage errors.
func CheckCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rules check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "", "suricata.yaml-style file whose vars: section sets address/port groups")
	maxErr := fs.Int("max-errors", -1, "print at most this many skipped rules (-1 = all)")
	classes := fs.String("classification", "", "classification.config: rules with an unknown classtype are skipped")
	strict := fs.Bool("strict", false, "exit 1 when any rule is skipped")
	var sets []string
	fs.Func("set", "override a variable: vars.address-groups.HOME_NET=[10.0.0.0/8] or HOME_NET=... (repeatable)", func(s string) error {
		sets = append(sets, s)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "rules check: no rule files given (usage: netsift rules check [--set vars.HOME_NET=...] FILE...)")
		return 2
	}
	v := DefaultVars()
	if *config != "" {
		if err := v.LoadVarsYAML(*config); err != nil {
			fmt.Fprintf(stderr, "rules check: %v\n", err)
			return 2
		}
	}
	for _, s := range sets {
		k, val, ok := strings.Cut(s, "=")
		if !ok {
			fmt.Fprintf(stderr, "rules check: --set %q: want NAME=VALUE\n", s)
			return 2
		}
		if err := v.Set(k, val); err != nil {
			fmt.Fprintf(stderr, "rules check: --set %s: %v\n", k, err)
			return 2
		}
	}
	p := NewParser(v)
	if *classes != "" {
		m, err := LoadClassificationConfig(*classes)
		if err != nil {
			fmt.Fprintf(stderr, "rules check: %v\n", err)
			return 2
		}
		p.SetClassifications(m)
	}
	rep := p.Check(fs.Args()...)
	if err := rep.WriteN(stdout, *maxErr); err != nil {
		return 1
	}
	if len(rep.FileErrors) > 0 || (*strict && len(rep.Skipped) > 0) {
		return 1
	}
	return 0
}
