package e2e

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// TestBedBaseline checks the bed itself, without netsift: every server is
// reachable from the client through the gateway, over IPv4 and IPv6.
func TestBedBaseline(t *testing.T) {
	b := newBed(t)
	checkReachable(t, b)
	t.Run("iperf3", func(t *testing.T) {
		b.StartIperf3(t)
		bps, err := b.Iperf3(1)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("iperf3 through the gateway: %.2f Gbit/s", bps/1e9)
	})
}

// checkReachable asserts that every kind of server answers the client
// through the gateway: the state with no policy in the way.
func checkReachable(t *testing.T, b *Bed) {
	t.Helper()
	for _, ip := range []string{serverIP, serverIP6, serverIP2} {
		r := b.Curl("https://allowed.example/", ip, 10*time.Second)
		if r.Status != 200 || !strings.Contains(r.Body, "hello from allowed.example") {
			t.Errorf("curl HTTPS allowed.example via %s: %v", ip, r)
		}
	}
	if r := b.Curl("http://www.gambling.example/", serverIP, 10*time.Second); r.Status != 200 {
		t.Errorf("curl HTTP www.gambling.example: %v", r)
	}
	for _, q := range []struct {
		typ  dnsmessage.Type
		tcp  bool
		want string
	}{{dnsmessage.TypeA, false, serverIP}, {dnsmessage.TypeAAAA, false, serverIP6}, {dnsmessage.TypeA, true, serverIP}} {
		r, err := b.DNSQuery(serverIP, "blocked.example", q.typ, q.tcp, 5*time.Second)
		if err != nil || len(r.Addrs) != 1 || r.Addrs[0].String() != q.want {
			t.Errorf("DNS %v blocked.example (tcp=%v): %+v, %v; want %s", q.typ, q.tcp, r, err, q.want)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if st, body, err := b.HTTP3Get(ctx, serverIP, "allowed.example", "/"); err != nil || st != 200 || !strings.Contains(body, "HTTP/3") {
		t.Errorf("HTTP/3 allowed.example: status %d, body %q, err %v", st, body, err)
	}
	if len(b.Log.Find("quic-conn", "allowed.example")) == 0 {
		t.Errorf("QUIC server logged no completed handshake for allowed.example")
	}
	for _, port := range []int{btPort1, btPort2} {
		reply, err := b.BTHandshake(serverIP, port, 5*time.Second)
		if err != nil || !strings.HasPrefix(string(reply), "\x13BitTorrent protocol") {
			t.Errorf("BitTorrent handshake on port %d: reply %q, err %v", port, reply, err)
		}
	}
	if n := len(b.Log.Find("bt", "")); n < 2 {
		t.Errorf("BitTorrent server logged %d handshakes, want 2", n)
	}
}

// StartIperf3 runs an iperf3 server in the server namespace until the test
// ends, or skips the test when iperf3 is not installed.
func (b *Bed) StartIperf3(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("iperf3"); err != nil {
		t.Skip("e2e: iperf3 not installed (Debian: iperf3)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := b.Server.Command(ctx, "iperf3", "-s", "-p", "5201")
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("e2e: iperf3 server: %v", err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if out, err := b.Server.Run("ss", "-Htln", "sport = :5201"); err == nil && strings.Contains(out, "5201") {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("e2e: iperf3 server did not listen on :5201 within 10 s")
}

// Iperf3 runs a bulk TCP transfer client → server for secs seconds and
// returns the received rate in bit/s.
func (b *Bed) Iperf3(secs int) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(secs+30)*time.Second)
	defer cancel()
	out, err := b.Client.Command(ctx, "iperf3", "-c", serverIP, "-p", "5201", "-t", itoa(secs), "-J").Output()
	var r struct {
		End struct {
			SumReceived struct {
				BitsPerSecond float64 `json:"bits_per_second"`
			} `json:"sum_received"`
		} `json:"end"`
		Error string `json:"error"`
	}
	if jerr := json.Unmarshal(out, &r); jerr != nil {
		return 0, errorf("iperf3: %v; output not JSON (%v): %.300s", err, jerr, out)
	}
	if r.Error != "" || err != nil {
		return 0, errorf("iperf3: %v %s", err, r.Error)
	}
	return r.End.SumReceived.BitsPerSecond, nil
}
