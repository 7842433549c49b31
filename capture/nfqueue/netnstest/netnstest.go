// Package netnstest gives tests throw-away network namespaces: created
// with `ip netns add`, removed by t.Cleanup even when the test fails, and
// code run inside them on OS threads that never leave the namespace.
//
// Only tests import it. Tests that use it need root and iproute2; Require
// skips the test with the reason otherwise.
package netnstest

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// Require skips t unless it runs as root with the named programs on PATH.
func Require(t testing.TB, programs ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces, netfilter queue, raw sockets); CI runs as root")
	}
	for _, p := range append([]string{"ip"}, programs...) {
		if _, err := exec.LookPath(p); err != nil {
			t.Skipf("needs %s on PATH (Debian packages iproute2, iptables): %v", p, err)
		}
	}
}

// NS is a named network namespace.
type NS string

// New creates a namespace named prefix-<pid> (unique per test process)
// with loopback up, and removes it when t ends.
func New(t testing.TB, prefix string) NS {
	t.Helper()
	name := fmt.Sprintf("%s-%d", prefix, os.Getpid())
	_ = exec.Command("ip", "netns", "del", name).Run() // a leftover of a killed run
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v: %s", name, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", name, err, out)
		}
	})
	ns := NS(name)
	ns.MustRun(t, "ip", "link", "set", "lo", "up")
	return ns
}

// MustRun runs a program inside the namespace (ip netns exec) and fails t
// on error; it returns the combined output.
func (ns NS) MustRun(t testing.TB, argv ...string) string {
	t.Helper()
	out, err := ns.Run(argv...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Run runs a program inside the namespace and returns its combined output.
func (ns NS) Run(argv ...string) (string, error) {
	cmd := exec.Command("ip", append([]string{"netns", "exec", string(ns)}, argv...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("ip netns exec %s %s: %v: %s", ns, strings.Join(argv, " "), err, out)
	}
	return string(out), nil
}

// Go runs f on a new goroutine locked to an OS thread that has entered the
// namespace; sockets f creates (and programs it execs) belong to the
// namespace. The thread is discarded when f returns, so it never carries
// the namespace back into the Go runtime. The channel yields f's error.
func (ns NS) Go(f func() error) <-chan error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
		fd, err := unix.Open("/run/netns/"+string(ns), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			done <- fmt.Errorf("open namespace %s: %w", ns, err)
			return
		}
		err = unix.Setns(fd, unix.CLONE_NEWNET)
		unix.Close(fd)
		if err != nil {
			done <- fmt.Errorf("enter namespace %s: %w", ns, err)
			return
		}
		done <- f()
	}()
	return done
}

// Do runs f inside the namespace (see Go) and waits for it.
func (ns NS) Do(f func() error) error { return <-ns.Go(f) }

// Executor runs functions inside the namespace one at a time on one
// thread, for callers on other goroutines (a queue handler that must send
// from the namespace). Close it when done.
type Executor struct {
	ch   chan func()
	once sync.Once
}

// Executor starts an Executor in ns; it fails t when the namespace
// cannot be entered, and is closed when t ends.
func (ns NS) Executor(t testing.TB) *Executor {
	t.Helper()
	e := &Executor{ch: make(chan func())}
	ready := make(chan struct{})
	done := ns.Go(func() error {
		close(ready)
		for f := range e.ch {
			f()
		}
		return nil
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// Do runs f in the executor's namespace and waits for it.
func (e *Executor) Do(f func()) {
	done := make(chan struct{})
	e.ch <- func() { f(); close(done) }
	<-done
}

// Close stops the executor; it may be called more than once.
func (e *Executor) Close() { e.once.Do(func() { close(e.ch) }) }
