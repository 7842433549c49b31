package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/netsift/netsift/policy"
)

// policyHolder keeps the policy in force behind an atomic pointer, so a
// reload swaps it without stopping traffic: decisions after the swap use
// the new policy, flows already decided keep their verdict.
type policyHolder struct {
	path string
	p    atomic.Pointer[policy.Policy]
	// mtimes of the policy file and its list files at the last (re)load.
	stamp atomic.Value // string
}

func loadPolicy(path string) (*policyHolder, error) {
	h := &policyHolder{path: path}
	p, err := policy.Load(path)
	if err != nil {
		return nil, err
	}
	h.p.Store(p)
	h.stamp.Store(h.fileStamp(p))
	return h, nil
}

// Get returns the policy in force.
func (h *policyHolder) Get() *policy.Policy { return h.p.Load() }

// Reload loads the file again; an invalid new policy keeps the old one and
// returns the error (with file:line).
func (h *policyHolder) Reload() error {
	p, err := policy.Load(h.path)
	if err != nil {
		return err
	}
	h.p.Store(p)
	h.stamp.Store(h.fileStamp(p))
	return nil
}

// fileStamp summarises the modification times and sizes of the policy
// file and the list files it reads.
func (h *policyHolder) fileStamp(p *policy.Policy) string {
	s := stampOf(h.path)
	if p != nil {
		for _, l := range p.ListStats() {
			if l.File != "" {
				s += "|" + stampOf(l.File)
			}
		}
	}
	return s
}

func stampOf(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return path + ":missing"
	}
	return fmt.Sprintf("%s:%d:%d", path, st.ModTime().UnixNano(), st.Size())
}

// watch reloads on SIGHUP and when the policy file or a list file changes
// (polled every second), until ctx ends. logf reports reloads and errors.
func (h *policyHolder) watch(ctx context.Context, logf func(format string, args ...any)) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	reload := func(why string) {
		if err := h.Reload(); err != nil {
			// Remember the broken files' stamp: one report per change.
			h.stamp.Store(h.fileStamp(h.Get()))
			logf("policy reload (%s) failed, keeping the previous policy: %v", why, err)
			return
		}
		logf("policy reloaded (%s): %d rules", why, len(h.Get().Rules()))
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			reload("SIGHUP")
		case <-t.C:
			if cur, _ := h.stamp.Load().(string); cur != h.fileStamp(h.Get()) {
				reload("file changed")
			}
		}
	}
}

// printListStats reports list loading: entries, and skipped lines with
// file:line.
func printListStats(p *policy.Policy, logf func(format string, args ...any)) {
	for _, l := range p.ListStats() {
		logf("list %s (%s): %d entries, %d lines skipped", l.Name, l.Type, l.Entries, l.Skipped)
		for _, s := range l.SkippedLines {
			logf("  skipped %s", s)
		}
	}
}
