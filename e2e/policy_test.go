package e2e

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// The scenarios of issue 3's end-to-end test. Each builds its own bed and
// runs `netsift inline` on the gateway; they skip while the inline command
// does not exist.

// newInlineBed is newBed for tests of netsift inline: it skips before
// building anything when netsift has no inline command.
func newInlineBed(t *testing.T) *Bed {
	t.Helper()
	requireRoot(t)
	netsiftBinary(t)
	return newBed(t)
}

// expectTLSReset asserts that a TLS handshake to ip with SNI name fails by
// a TCP reset within 1 s.
func expectTLSReset(t *testing.T, b *Bed, ip, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, took, err := b.TLSHandshake(ctx, ip, name)
	if err == nil {
		c.Close()
		t.Errorf("TLS to %s with SNI %s: handshake completed, want a reset", ip, name)
		return
	}
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("TLS to %s with SNI %s: %v after %v, want a connection reset", ip, name, err, took)
	}
	if took > time.Second {
		t.Errorf("TLS to %s with SNI %s: failed after %v, want within 1 s", ip, name, took)
	}
}

// expectTLSOK asserts that a TLS handshake to ip with SNI name completes.
func expectTLSOK(t *testing.T, b *Bed, ip, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := b.TLSHandshake(ctx, ip, name)
	if err != nil {
		t.Errorf("TLS to %s with SNI %s: %v, want a completed handshake", ip, name, err)
		return
	}
	c.Close()
}

// expectPolicyEvent stops netsift and asserts that its EVE file has a
// policy event naming rule.
func expectPolicyEvent(t *testing.T, n *Netsift, rules ...string) {
	t.Helper()
	n.Stop(t)
	for _, rule := range rules {
		if len(n.EVELines(`"event_type":"policy"`, `"`+rule+`"`)) == 0 {
			t.Errorf("EVE %s: no policy event for rule %s", n.EVE, rule)
		}
	}
}

// Scenario 1: an allowed name gets its 200; a blocked SNI fails within 1 s
// by reset; nothing of the blocked request reaches the server.
func TestInlineBlockSNI(t *testing.T) {
	b := newInlineBed(t)
	n := b.startNetsift(t, basePolicy)
	if !n.queuesIPv6() {
		t.Errorf("ip6tables in the gateway has no NFQUEUE rule: forwarded IPv6 traffic is not inspected, so every policy is bypassed over IPv6")
	}
	for _, ip := range []string{serverIP, serverIP6} {
		if r := b.Curl("https://allowed.example/", ip, 10*time.Second); r.Status != 200 {
			t.Errorf("curl allowed.example via %s: %v", ip, r)
		}
		expectTLSOK(t, b, ip, "allowed.example")
		expectTLSReset(t, b, ip, "blocked.example")
		expectTLSReset(t, b, ip, "www.blocked.example")
	}
	r := b.Curl("https://blocked.example/", serverIP, 5*time.Second)
	if r.Exit == 0 || r.Status != 0 || r.Elapsed > 2*time.Second {
		t.Errorf("curl blocked.example: %v; want a failure (reset) within 1 s (+ curl's start)", r)
	}
	time.Sleep(300 * time.Millisecond) // anything in flight would have arrived
	for _, kind := range []string{"tls-hello", "https"} {
		if got := b.Log.Find(kind, "blocked.example"); len(got) > 0 {
			t.Errorf("the server saw %d %s entries for blocked.example, want none: %+v", len(got), kind, got)
		}
	}
	if len(b.Log.Find("tls-hello", "allowed.example")) == 0 {
		t.Errorf("the server saw no ClientHello for allowed.example: the log does not work")
	}
	expectPolicyEvent(t, n, "block-sites")
}

// Scenario 2: a blocked address gets no connection; a blocked plain-HTTP
// host gets the 451 page with the rule id.
func TestInlineBlockAddressAndNotice(t *testing.T) {
	b := newInlineBed(t)
	n := b.startNetsift(t, basePolicy)
	for _, ip := range []string{serverIP2, serverIP62} {
		if r := b.Curl("https://allowed.example/", ip, 3*time.Second); r.Exit == 0 || r.Status != 0 {
			t.Errorf("curl allowed.example via blocked address %s: %v; want no connection", ip, r)
		}
		if r := b.Curl("http://allowed.example/", ip, 3*time.Second); r.Exit == 0 || r.Status != 0 {
			t.Errorf("curl http://allowed.example via blocked address %s: %v; want no connection", ip, r)
		}
		if got := b.Log.FindLocal("tcp-accept", ip); len(got) > 0 {
			t.Errorf("the server accepted %d connections on blocked address %s: %+v", len(got), ip, got)
		}
	}
	if r := b.Curl("https://allowed.example/", serverIP, 10*time.Second); r.Status != 200 {
		t.Errorf("curl allowed.example via %s (not blocked): %v", serverIP, r)
	}

	r := b.Curl("http://www.gambling.example/", serverIP, 5*time.Second)
	if r.Status != 451 || !strings.Contains(r.Body, "gambling-notice") {
		t.Errorf("curl http://www.gambling.example/: %v; want a 451 page naming rule gambling-notice", r)
	}
	if r := b.Curl("http://allowed.example/", serverIP, 10*time.Second); r.Status != 200 {
		t.Errorf("curl http://allowed.example/: %v", r)
	}
	time.Sleep(300 * time.Millisecond)
	if got := b.Log.Find("http", "gambling.example"); len(got) > 0 {
		t.Errorf("the server saw %d requests for www.gambling.example, want none: %+v", len(got), got)
	}
	expectPolicyEvent(t, n, "no-bad-nets", "gambling-notice")
}

// Scenario 3: a blocked name over DNS gets the sinkhole answer; QUIC to a
// blocked name never completes its handshake.
func TestInlineDNSSinkholeAndQUIC(t *testing.T) {
	b := newInlineBed(t)
	n := b.startNetsift(t, basePolicy)
	for _, q := range []struct {
		name string
		typ  dnsmessage.Type
		want string
	}{
		{"blocked.example", dnsmessage.TypeA, "0.0.0.0"},
		{"blocked.example", dnsmessage.TypeAAAA, "::"},
		{"www.blocked.example", dnsmessage.TypeA, "0.0.0.0"},
		{"allowed.example", dnsmessage.TypeA, serverIP},
		{"allowed.example", dnsmessage.TypeAAAA, serverIP6},
	} {
		r, err := b.DNSQuery(serverIP, q.name, q.typ, false, 5*time.Second)
		if err != nil || r.RCode != dnsmessage.RCodeSuccess || len(r.Addrs) != 1 || r.Addrs[0].String() != q.want {
			t.Errorf("DNS %v %s: %+v, %v; want %s", q.typ, q.name, r, err, q.want)
		}
	}
	if got := b.Log.Find("dns", "blocked.example"); len(got) > 0 {
		t.Errorf("the DNS server saw %d queries for blocked.example, want none (the gateway answers): %+v", len(got), got)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if st, _, err := b.HTTP3Get(ctx, serverIP, "allowed.example", "/"); err != nil || st != 200 {
		t.Errorf("HTTP/3 allowed.example: status %d, %v", st, err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel2()
	if st, _, err := b.HTTP3Get(ctx2, serverIP, "blocked.example", "/"); err == nil {
		t.Errorf("HTTP/3 blocked.example: status %d, want a failed handshake", st)
	}
	time.Sleep(300 * time.Millisecond)
	if got := b.Log.Find("quic-conn", "blocked.example"); len(got) > 0 {
		t.Errorf("the QUIC server completed %d handshakes for blocked.example, want none", len(got))
	}
	if got := b.Log.Find("quic-hello", "blocked.example"); len(got) > 0 {
		t.Errorf("the QUIC server saw %d ClientHellos for blocked.example, want none (the deciding packet is dropped)", len(got))
	}
	expectPolicyEvent(t, n, "dns-sinkhole", "block-sites")
}

// Scenario 4: a BitTorrent handshake, on any port, is dropped by the app
// rule.
func TestInlineBitTorrentDropped(t *testing.T) {
	b := newInlineBed(t)
	n := b.startNetsift(t, basePolicy)
	for _, port := range []int{btPort1, btPort2} {
		if reply, err := b.BTHandshake(serverIP, port, 3*time.Second); err == nil {
			t.Errorf("BitTorrent handshake on port %d: answered %q, want it dropped", port, reply)
		}
		// The port itself is open: it is the application that is blocked.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, err := b.Client.Dial(ctx, "tcp", joinPort(serverIP, port))
		cancel()
		if err != nil {
			t.Errorf("plain TCP connect to port %d: %v, want it to connect", port, err)
		} else {
			c.Close()
		}
	}
	time.Sleep(300 * time.Millisecond)
	if got := b.Log.Find("bt", ""); len(got) > 0 {
		t.Errorf("the server received %d BitTorrent handshakes, want none: %+v", len(got), got)
	}
	expectPolicyEvent(t, n, "no-p2p")
}

// Scenario 5: a policy reload mid-test changes the outcome of new
// connections while an existing allowed download keeps going; an invalid
// policy keeps the old one.
func TestInlinePolicyReload(t *testing.T) {
	b := newInlineBed(t)
	n := b.startNetsift(t, basePolicy)
	expectTLSReset(t, b, serverIP, "blocked.example")

	// An allowed download, held after its first MiB.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req, _ := newGet(ctx, "https://allowed.example/big")
	resp, err := b.HTTPClient(serverIP).Do(req)
	if err != nil {
		t.Fatalf("GET /big: %v", err)
	}
	defer resp.Body.Close()
	const head = 1 << 20
	if got, err := readBig(resp.Body, head, 0); err != nil || got != head {
		t.Fatalf("GET /big: read %d of the first %d bytes: %v", got, head, err)
	}

	// New policy: the lists swap, allowed.example is now blocked.
	n.WriteFile(t, "lists/domains.txt", "allowed.example\n")
	n.Reload(t, basePolicy)
	if !eventually(10*time.Second, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		c, _, err := b.TLSHandshake(ctx, serverIP, "allowed.example")
		if err == nil {
			c.Close()
		}
		return errors.Is(err, syscall.ECONNRESET)
	}) {
		t.Fatalf("10 s after the reload, new connections to allowed.example are still not reset:\n%s", n.stderr)
	}
	expectTLSReset(t, b, serverIP, "allowed.example")
	expectTLSOK(t, b, serverIP, "blocked.example")

	// The download decided under the old policy goes on to its end.
	if got, err := readBig(resp.Body, bigSize, head); err != nil || got != bigSize-head {
		t.Errorf("GET /big after the reload: read %d of the remaining %d bytes: %v", got, bigSize-head, err)
	}

	// An invalid policy keeps the one in force and says why.
	n.Reload(t, "rules:\n  - id: broken\n    match: {host: [allowed.example]}\n    action: dorp\n")
	time.Sleep(time.Second)
	expectTLSReset(t, b, serverIP, "allowed.example")
	expectTLSOK(t, b, serverIP, "blocked.example")
	if !strings.Contains(n.stderr.String(), "dorp") {
		t.Errorf("netsift did not report the invalid policy (want a message naming \"dorp\"):\n%s", n.stderr)
	}

	// A change of the files alone, without SIGHUP, reloads too (the files
	// are polled every second): the original lists come back.
	n.WriteFile(t, "lists/domains.txt", defaultLists["lists/domains.txt"])
	n.WriteFile(t, "policy.yaml", basePolicy)
	if !eventually(10*time.Second, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		c, _, err := b.TLSHandshake(ctx, serverIP, "blocked.example")
		if err == nil {
			c.Close()
		}
		return errors.Is(err, syscall.ECONNRESET)
	}) {
		t.Fatalf("10 s after the files changed (no SIGHUP), blocked.example is still not reset:\n%s", n.stderr)
	}
	expectTLSOK(t, b, serverIP, "allowed.example")
	if !strings.Contains(n.stderr.String(), "file changed") {
		t.Errorf("netsift did not log a reload for the file change:\n%s", n.stderr)
	}
}

// Scenario 6: with netsift killed, traffic passes with --fail-open and
// stops with --fail-closed.
func TestInlineFailOpenClosed(t *testing.T) {
	for _, mode := range []string{"--fail-open", "--fail-closed"} {
		t.Run(mode[2:], func(t *testing.T) {
			b := newInlineBed(t)
			n := b.startNetsift(t, basePolicy, mode)
			if r := b.Curl("https://allowed.example/", serverIP, 10*time.Second); r.Status != 200 {
				t.Fatalf("curl allowed.example with netsift running: %v", r)
			}
			n.Kill(t)
			if mode == "--fail-open" {
				ok := eventually(10*time.Second, func() bool {
					return b.Curl("https://allowed.example/", serverIP, 3*time.Second).Status == 200
				})
				if !ok {
					t.Errorf("fail-open: with netsift killed, allowed.example: %v", b.Curl("https://allowed.example/", serverIP, 3*time.Second))
				}
				if r := b.Curl("http://allowed.example/", serverIP6, 5*time.Second); r.Status != 200 {
					t.Errorf("fail-open: with netsift killed, http://allowed.example/ over IPv6: %v", r)
				}
				return
			}
			time.Sleep(200 * time.Millisecond)
			for _, ip := range []string{serverIP, serverIP6} {
				if r := b.Curl("https://allowed.example/", ip, 3*time.Second); r.Exit == 0 || r.Status != 0 {
					t.Errorf("fail-closed: with netsift killed, allowed.example via %s: %v; want no connection", ip, r)
				}
			}
			if _, err := b.DNSQuery(serverIP, "allowed.example", dnsmessage.TypeA, false, 2*time.Second); err == nil {
				t.Errorf("fail-closed: with netsift killed, a DNS query was answered")
			}
		})
	}
}
