package rules

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// Options are how an operator configures rule loading: a suricata.yaml
// whose vars: section sets address and port groups, --set overrides
// (vars.address-groups.HOME_NET=[…] or HOME_NET=…), and a
// classification.config.
type Options struct {
	Config         string
	Sets           []string
	Classification string
	// DefaultClasses uses the built-in standard classification table when
	// Classification is empty (otherwise classtypes are not checked).
	DefaultClasses bool
}

// Parser returns a parser with the variables and classifications of o,
// and those classifications (nil when none).
func (o Options) Parser() (*Parser, map[string]Classification, error) {
	v := DefaultVars()
	if o.Config != "" {
		if err := v.LoadVarsYAML(o.Config); err != nil {
			return nil, nil, err
		}
	}
	for _, s := range o.Sets {
		k, val, ok := strings.Cut(s, "=")
		if !ok {
			return nil, nil, fmt.Errorf("--set %q: want NAME=VALUE", s)
		}
		if err := v.Set(k, val); err != nil {
			return nil, nil, fmt.Errorf("--set %s: %v", k, err)
		}
	}
	var classes map[string]Classification
	switch {
	case o.Classification != "":
		m, err := LoadClassificationConfig(o.Classification)
		if err != nil {
			return nil, nil, err
		}
		classes = m
	case o.DefaultClasses:
		classes = DefaultClassifications()
	}
	p := NewParser(v)
	if classes != nil {
		p.SetClassifications(classes)
	}
	return p, classes, nil
}

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
	opts := Options{Config: *config, Sets: sets, Classification: *classes}
	p, _, err := opts.Parser()
	if err != nil {
		fmt.Fprintf(stderr, "rules check: %v\n", err)
		return 2
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
