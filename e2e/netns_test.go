package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Documentation addresses of the bed (RFC 5737, RFC 3849). serverIP2 and
// serverIP62 are second addresses of the server, used as "blocked address"
// targets: every server listens on both.
const (
	clientIP   = "192.0.2.2"
	clientIP6  = "2001:db8:1::2"
	gwClientIP = "192.0.2.1"
	gwClient6  = "2001:db8:1::1"
	gwServerIP = "198.51.100.1"
	gwServer6  = "2001:db8:2::1"
	serverIP   = "198.51.100.2"
	serverIP6  = "2001:db8:2::2"
	serverIP2  = "198.51.100.3"
	serverIP62 = "2001:db8:2::3"
)

// NS is a network namespace made by `ip netns add`, known by its name.
type NS struct {
	Name string
}

// path is where iproute2 keeps the namespace's handle.
func (n *NS) path() string { return "/var/run/netns/" + n.Name }

// Do runs fn on a fresh OS thread moved into the namespace and returns its
// error. Sockets created inside fn belong to the namespace for their whole
// life and may be used from any goroutine afterwards. The thread is never
// unlocked, so the Go runtime discards it when fn returns and no other
// goroutine ever runs in the namespace by accident.
func (n *NS) Do(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		f, err := os.Open(n.path())
		if err != nil {
			errc <- fmt.Errorf("netns %s: %w", n.Name, err)
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("netns %s: setns: %w", n.Name, err)
			return
		}
		errc <- fn()
	}()
	return <-errc
}

// Dial opens a TCP or UDP connection from inside the namespace.
func (n *NS) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var c net.Conn
	err := n.Do(func() error {
		var d net.Dialer
		var err error
		c, err = d.DialContext(ctx, network, addr)
		return err
	})
	return c, err
}

// Listen opens a TCP listener inside the namespace.
func (n *NS) Listen(network, addr string) (net.Listener, error) {
	var l net.Listener
	err := n.Do(func() error {
		var err error
		l, err = net.Listen(network, addr)
		return err
	})
	return l, err
}

// ListenPacket opens a UDP socket inside the namespace.
func (n *NS) ListenPacket(network, addr string) (net.PacketConn, error) {
	var c net.PacketConn
	err := n.Do(func() error {
		var err error
		c, err = net.ListenPacket(network, addr)
		return err
	})
	return c, err
}

// Command returns `ip netns exec NAME argv...`.
func (n *NS) Command(ctx context.Context, argv ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Name}, argv...)...)
}

// Run runs argv in the namespace with a 30 s bound and returns its combined
// output, or an error that quotes it.
func (n *NS) Run(argv ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := n.Command(ctx, argv...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("netns %s: %s: %v: %s", n.Name, strings.Join(argv, " "), err, bytes.TrimSpace(out))
	}
	return string(out), nil
}

// ipCmd runs `ip ARGS...` in the root namespace with a 30 s bound.
func ipCmd(args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

var nsSeq atomic.Int64

// nsPrefix starts the name of every namespace the bed makes:
// nse2e-<pid>-<n>-{c,g,s}. The pid lets sweepStale find namespaces left by
// a test binary that was killed before its cleanup ran.
const nsPrefix = "nse2e-"

// sweepStale deletes the bed's namespaces whose test process is gone (a
// run killed by a timeout or a signal cannot run t.Cleanup). It touches
// only names with nsPrefix, never another tool's namespaces.
func sweepStale() {
	if dirs, err := os.ReadDir(os.TempDir()); err == nil {
		for _, d := range dirs {
			if pid := stalePID(d.Name(), binPrefix); pid > 0 {
				os.RemoveAll(filepath.Join(os.TempDir(), d.Name()))
			}
		}
	}
	entries, err := os.ReadDir("/var/run/netns")
	if err != nil {
		return
	}
	for _, e := range entries {
		if stalePID(e.Name(), nsPrefix) > 0 {
			killNSProcs(e.Name())
			_ = ipCmd("netns", "del", e.Name())
		}
	}
}

// stalePID returns the pid in name = prefix<pid>-… when that process no
// longer exists, else 0.
func stalePID(name, prefix string) int {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return 0
	}
	pidStr, _, _ := strings.Cut(rest, "-")
	pid, err := strconv.Atoi(pidStr)
	if err != nil || pid <= 1 || pid == os.Getpid() || unix.Kill(pid, 0) == nil {
		return 0 // malformed, or its process still runs
	}
	return pid
}

// requireRoot skips the test unless it runs as root with iproute2 and
// network namespaces available (as CI runs it).
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("e2e: needs root (network namespaces, iptables); CI runs it as root")
	}
	for _, tool := range []string{"ip", "iptables", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("e2e: %s not installed (Debian: iproute2, iptables, curl)", tool)
		}
	}
}

// newTopology creates the three namespaces, the veth pairs, the addresses
// and routes, and turns forwarding on in the gateway. Everything is removed
// in t.Cleanup, also when the test fails half-way.
func newTopology(t *testing.T) (client, gw, server *NS) {
	t.Helper()
	id := fmt.Sprintf("%s%d-%d", nsPrefix, os.Getpid(), nsSeq.Add(1))
	client, gw, server = &NS{id + "-c"}, &NS{id + "-g"}, &NS{id + "-s"}
	for _, n := range []*NS{client, gw, server} {
		if err := ipCmd("netns", "add", n.Name); err != nil {
			t.Skipf("e2e: cannot create network namespaces here: %v", err)
		}
		t.Cleanup(func() { deleteNS(t, n) })
	}
	// Interface names only exist inside the namespaces, so they can be fixed:
	// the links are created inside gw with their peers moved straight into
	// client and server, never touching the root namespace.
	steps := [][]string{
		{"-n", gw.Name, "link", "add", "gc", "type", "veth", "peer", "name", "c0", "netns", client.Name},
		{"-n", gw.Name, "link", "add", "gs", "type", "veth", "peer", "name", "s0", "netns", server.Name},
		{"-n", client.Name, "addr", "add", clientIP + "/24", "dev", "c0"},
		{"-n", client.Name, "addr", "add", clientIP6 + "/64", "dev", "c0", "nodad"},
		{"-n", gw.Name, "addr", "add", gwClientIP + "/24", "dev", "gc"},
		{"-n", gw.Name, "addr", "add", gwClient6 + "/64", "dev", "gc", "nodad"},
		{"-n", gw.Name, "addr", "add", gwServerIP + "/24", "dev", "gs"},
		{"-n", gw.Name, "addr", "add", gwServer6 + "/64", "dev", "gs", "nodad"},
		{"-n", server.Name, "addr", "add", serverIP + "/24", "dev", "s0"},
		{"-n", server.Name, "addr", "add", serverIP2 + "/24", "dev", "s0"},
		{"-n", server.Name, "addr", "add", serverIP6 + "/64", "dev", "s0", "nodad"},
		{"-n", server.Name, "addr", "add", serverIP62 + "/64", "dev", "s0", "nodad"},
	}
	for _, n := range []*NS{client, gw, server} {
		steps = append(steps, []string{"-n", n.Name, "link", "set", "lo", "up"})
	}
	steps = append(steps,
		[]string{"-n", client.Name, "link", "set", "c0", "up"},
		[]string{"-n", gw.Name, "link", "set", "gc", "up"},
		[]string{"-n", gw.Name, "link", "set", "gs", "up"},
		[]string{"-n", server.Name, "link", "set", "s0", "up"},
		[]string{"-n", client.Name, "route", "add", "198.51.100.0/24", "via", gwClientIP},
		[]string{"-n", client.Name, "-6", "route", "add", "2001:db8:2::/64", "via", gwClient6},
		[]string{"-n", server.Name, "route", "add", "192.0.2.0/24", "via", gwServerIP},
		[]string{"-n", server.Name, "-6", "route", "add", "2001:db8:1::/64", "via", gwServer6},
	)
	for _, s := range steps {
		if err := ipCmd(s...); err != nil {
			t.Fatalf("e2e: building the bed: %v", err)
		}
	}
	if _, err := gw.Run("sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1"); err != nil {
		t.Fatalf("e2e: gateway forwarding: %v", err)
	}
	return client, gw, server
}

// deleteNS ends the processes still inside a namespace this test made
// (they were started by the test: ip netns exec children) and deletes it.
func deleteNS(t *testing.T, n *NS) {
	killNSProcs(n.Name)
	if err := ipCmd("netns", "del", n.Name); err != nil {
		t.Errorf("e2e cleanup: %v (remove it by hand: ip netns del %s)", err, n.Name)
	}
}

// killNSProcs SIGKILLs the processes inside one of the bed's namespaces
// (children of `ip netns exec` that the tests started).
func killNSProcs(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ip", "netns", "pids", name).Output()
	if err != nil {
		return
	}
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil && pid > 1 && pid != os.Getpid() {
			_ = unix.Kill(pid, unix.SIGKILL)
		}
	}
}
