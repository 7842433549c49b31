package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/netsift/netsift/engine"
	"github.com/netsift/netsift/rules"
)

// rulesOpts are the signature flags shared by read and inline.
type rulesOpts struct {
	files   []string
	sets    []string
	config  string
	classes string
}

func (o *rulesOpts) flags(f *pflag.FlagSet) {
	f.StringArrayVar(&o.files, "rules", nil, "load Suricata-language rules from `FILE` (repeatable); alerts are EVE alert events")
	f.StringArrayVar(&o.sets, "set", nil, "set a rule variable: `vars.address-groups.HOME_NET=[192.0.2.0/24]` or HOME_NET=... (repeatable)")
	f.StringVar(&o.config, "rules-config", "", "suricata.yaml-style `FILE` whose vars: section sets address and port groups")
	f.StringVar(&o.classes, "classification", "", "classification.config `FILE` (default: the standard table built in)")
}

// rulesHolder keeps the compiled signatures in force behind an atomic
// pointer: a reload compiles the files again and swaps the whole set, so
// inspections after the swap use the new set and none sees half of one.
type rulesHolder struct {
	o rulesOpts
	p atomic.Pointer[engine.Signatures]
}

// loadRules loads and compiles the rule files. Rules that cannot be loaded
// are skipped and reported through logf (file:line and reason, as
// `netsift rules check` prints them); an unreadable file or bad variable
// is an error.
func loadRules(o rulesOpts, logf func(string, ...any)) (*rulesHolder, error) {
	h := &rulesHolder{o: o}
	s, err := h.build(logf)
	if err != nil {
		return nil, err
	}
	h.p.Store(s)
	return h, nil
}

func (h *rulesHolder) build(logf func(string, ...any)) (*engine.Signatures, error) {
	o := h.o
	p, classes, err := rules.Options{Config: o.config, Sets: o.sets, Classification: o.classes, DefaultClasses: true}.Parser()
	if err != nil {
		return nil, err
	}
	rs := p.LoadFiles(o.files...)
	if len(rs.Report.FileErrors) > 0 {
		return nil, errors.Join(rs.Report.FileErrors...)
	}
	if logf != nil {
		logf("rules: %d loaded, %d skipped (unsupported or invalid; `netsift rules check %s` lists them)",
			rs.Report.Loaded, len(rs.Report.Skipped), strings.Join(o.files, " "))
		for i, e := range rs.Report.Skipped {
			if i == 20 {
				logf("  … %d more", len(rs.Report.Skipped)-20)
				break
			}
			logf("  skipped %v", e)
		}
	}
	return engine.NewSignatures(rs, classes)
}

// Get returns the signatures in force.
func (h *rulesHolder) Get() *engine.Signatures { return h.p.Load() }

// Reload compiles the files again; on error the old set stays.
func (h *rulesHolder) Reload(logf func(string, ...any)) error {
	s, err := h.build(logf)
	if err != nil {
		return err
	}
	h.p.Store(s)
	return nil
}

// watch reloads the rules on SIGHUP until ctx ends.
func (h *rulesHolder) watch(ctx context.Context, logf func(string, ...any)) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if err := h.Reload(logf); err != nil {
				logf("rules reload (SIGHUP) failed, keeping the previous rules: %v", err)
				continue
			}
			logf("rules reloaded (SIGHUP): %d signatures", h.Get().Matcher.Stats.Rules)
		}
	}
}
