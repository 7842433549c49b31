package e2e

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"
)

// allowAll is a policy that allows everything: every flow is decided on
// its first packet and offloaded, so the throughput measured is the cost of
// the queue for the first packets plus the conntrack-mark fast path.
const allowAll = `rules:
  - id: everything
    match: {dst: [0.0.0.0/0, "::/0"]}
    action: allow
default: allow
`

// TestThroughput measures, with and without netsift inline on the gateway,
// an iperf3 bulk transfer client → server and the median time of a new TLS
// connection (TCP + TLS 1.3 handshake). Opt-in: NETSIFT_E2E_BENCH=1, run
// with -v to see the numbers.
func TestThroughput(t *testing.T) {
	if os.Getenv("NETSIFT_E2E_BENCH") != "1" {
		t.Skip("e2e: set NETSIFT_E2E_BENCH=1 to measure throughput and TLS latency through the gateway")
	}
	b := newBed(t)
	b.StartIperf3(t)
	netsiftBinary(t) // skip before measuring when inline is not there
	const secs, handshakes = 5, 200

	plain, err := b.Iperf3(secs)
	if err != nil {
		t.Fatal(err)
	}
	plainTLS := medianTLS(t, b, handshakes)

	n := b.startNetsift(t, allowAll)
	inline, err := b.Iperf3(secs)
	if err != nil {
		t.Fatal(err)
	}
	inlineTLS := medianTLS(t, b, handshakes)
	n.Stop(t)

	// The policy: host and app rules, so every flow is inspected
	// until its ClientHello / first payload decides it.
	n = b.startNetsift(t, basePolicy)
	dpi, err := b.Iperf3(secs)
	if err != nil {
		t.Fatal(err)
	}
	dpiTLS := medianTLS(t, b, handshakes)
	n.Stop(t)

	t.Logf("iperf3 %d s, client → server: without netsift %.2f Gbit/s, with netsift inline %.2f Gbit/s, ratio %.1f%% (target ≥ 80%%)",
		secs, plain/1e9, inline/1e9, 100*inline/plain)
	t.Logf("iperf3 with the host/app-rule policy (basePolicy): %.2f Gbit/s, ratio %.1f%%", dpi/1e9, 100*dpi/plain)
	t.Logf("new TLS connection, median of %d: without %v; allow-all %v (+%v); host/app-rule policy %v (+%v)",
		handshakes, plainTLS, inlineTLS, inlineTLS-plainTLS, dpiTLS, dpiTLS-plainTLS)
}

// medianTLS is the median time of n sequential TCP + TLS handshakes with
// allowed.example, each bounded by 5 s.
func medianTLS(t *testing.T, b *Bed, n int) time.Duration {
	t.Helper()
	var ds []time.Duration
	for range n {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, d, err := b.TLSHandshake(ctx, serverIP, "allowed.example")
		cancel()
		if err != nil {
			t.Fatalf("TLS handshake: %v", err)
		}
		c.Close()
		ds = append(ds, d)
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}
