package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"
	"golang.org/x/net/dns/dnsmessage"
)

// Bed is one client — gateway — server topology with the servers running
// in the server namespace. Each test makes its own, so iptables rules and
// conntrack state never leak between tests.
type Bed struct {
	Client, Gateway, Server *NS
	Log                     *ServerLog // what the servers saw
	PKI                     *pki
	CAFile                  string // the CA certificate in PEM, for curl --cacert
	Dir                     string // a temporary directory removed at cleanup
}

// newBed builds the topology and starts the servers, or skips the test
// when it cannot (not root, tools missing).
func newBed(t *testing.T) *Bed {
	t.Helper()
	requireRoot(t)
	p, err := testPKI()
	if err != nil {
		t.Fatalf("e2e: making certificates: %v", err)
	}
	b := &Bed{Log: &ServerLog{}, PKI: p, Dir: t.TempDir()}
	b.CAFile = filepath.Join(b.Dir, "ca.pem")
	if err := os.WriteFile(b.CAFile, p.caPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	b.Client, b.Gateway, b.Server = newTopology(t)
	startServers(t, b.Server, p, b.Log)
	t.Cleanup(func() {
		if t.Failed() && len(b.Log.Find("", "")) > 0 {
			t.Logf("server log of %s:\n%s", b.Server.Name, b.Log)
		}
	})
	return b
}

// CurlResult is what one curl run gave.
type CurlResult struct {
	Status  int    // HTTP status, 0 when no response
	Body    string // response body
	Exit    int    // curl's exit code (0 ok, 7 connect failed, 28 timeout, 35 TLS, 56 recv/reset …)
	Stderr  string
	Elapsed time.Duration
}

// Curl runs curl in the client namespace against url, resolving the URL's
// host to ip (curl --resolve) and trusting the bed's CA; maxTime bounds it.
func (b *Bed) Curl(url, ip string, maxTime time.Duration, extra ...string) CurlResult {
	host, port := urlHostPort(url)
	if strings.Contains(ip, ":") {
		ip = "[" + ip + "]"
	}
	args := []string{"curl", "-sS", "--cacert", b.CAFile,
		"--resolve", host + ":" + port + ":" + ip,
		"--max-time", fmt.Sprintf("%.1f", maxTime.Seconds()),
		"--connect-timeout", fmt.Sprintf("%.1f", maxTime.Seconds()),
		"-w", "\n%{http_code}"}
	args = append(append(args, extra...), url)
	ctx, cancel := context.WithTimeout(context.Background(), maxTime+10*time.Second)
	defer cancel()
	cmd := b.Client.Command(ctx, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := CurlResult{Elapsed: time.Since(start), Stderr: strings.TrimSpace(errb.String())}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.Exit = ee.ExitCode()
	} else if err != nil {
		r.Exit = -1
		r.Stderr += " " + err.Error()
	}
	s := out.String()
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		r.Status, _ = strconv.Atoi(strings.TrimSpace(s[i+1:]))
		r.Body = s[:i]
	}
	return r
}

func (r CurlResult) String() string {
	return fmt.Sprintf("status %d, curl exit %d after %v, stderr %q, body %.200q", r.Status, r.Exit, r.Elapsed.Round(time.Millisecond), r.Stderr, r.Body)
}

// urlHostPort returns the host and port of an http(s) URL.
func urlHostPort(url string) (string, string) {
	port := "80"
	rest := strings.TrimPrefix(url, "http://")
	if strings.HasPrefix(url, "https://") {
		port, rest = "443", strings.TrimPrefix(url, "https://")
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	if h, p, err := net.SplitHostPort(rest); err == nil {
		return h, p
	}
	return rest, port
}

// TLSHandshake dials ip:443 from the client namespace and runs a TLS
// handshake with SNI name. It returns the connection (closed by the
// caller) and the time the dial plus handshake took.
func (b *Bed) TLSHandshake(ctx context.Context, ip, name string) (*tls.Conn, time.Duration, error) {
	start := time.Now()
	c, err := b.Client.Dial(ctx, "tcp", net.JoinHostPort(ip, "443"))
	if err != nil {
		return nil, time.Since(start), err
	}
	tc := tls.Client(c, &tls.Config{ServerName: name, RootCAs: b.PKI.pool, NextProtos: []string{"http/1.1"}})
	if err := tc.HandshakeContext(ctx); err != nil {
		c.Close()
		return nil, time.Since(start), err
	}
	return tc, time.Since(start), nil
}

// HTTPClient is an HTTP/1.1 client in the client namespace that connects
// to ip whatever the URL's host (like curl --resolve) and trusts the CA.
func (b *Bed) HTTPClient(ip string) *http.Client {
	return &http.Client{
		Timeout: 2 * time.Minute,
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				_, port, _ := net.SplitHostPort(addr)
				return b.Client.Dial(ctx, "tcp", net.JoinHostPort(ip, port))
			},
			TLSClientConfig:     &tls.Config{RootCAs: b.PKI.pool},
			DisableKeepAlives:   true,
			TLSHandshakeTimeout: 10 * time.Second,
		},
	}
}

// HTTP3Get fetches https://host/path over HTTP/3 from the client
// namespace, sending the packets to ip:443.
func (b *Bed) HTTP3Get(ctx context.Context, ip, host, path string) (int, string, error) {
	pc, err := b.Client.ListenPacket("udp", ":0")
	if err != nil {
		return 0, "", err
	}
	defer pc.Close()
	tr := &quic.Transport{Conn: pc}
	defer tr.Close()
	dst := &net.UDPAddr{IP: net.ParseIP(ip), Port: 443}
	h3 := &http3.Transport{
		TLSClientConfig: &tls.Config{RootCAs: b.PKI.pool, ServerName: host},
		QUICConfig:      &quic.Config{HandshakeIdleTimeout: 3 * time.Second, MaxIdleTimeout: 10 * time.Second},
		Dial: func(ctx context.Context, _ string, tlsCfg *tls.Config, cfg *quic.Config) (*quic.Conn, error) {
			return tr.DialEarly(ctx, dst, tlsCfg, cfg)
		},
	}
	defer h3.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+host+path, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := h3.RoundTrip(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(body), err
}

// DNSResult is the answer to one query.
type DNSResult struct {
	RCode dnsmessage.RCode
	Addrs []netip.Addr // A and AAAA answers
}

// DNSQuery asks server:53 (UDP, or TCP if tcp) for name's qtype from the
// client namespace; timeout bounds it.
func (b *Bed) DNSQuery(server, name string, qtype dnsmessage.Type, tcp bool, timeout time.Duration) (DNSResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	network := "udp"
	if tcp {
		network = "tcp"
	}
	c, err := b.Client.Dial(ctx, network, net.JoinHostPort(server, "53"))
	if err != nil {
		return DNSResult{}, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	id := uint16(time.Now().UnixNano())
	q := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: id, RecursionDesired: true})
	q.StartQuestions()
	q.Question(dnsmessage.Question{Name: dnsmessage.MustNewName(name + "."), Type: qtype, Class: dnsmessage.ClassINET})
	msg, err := q.Finish()
	if err != nil {
		return DNSResult{}, err
	}
	var resp []byte
	if tcp {
		if _, err := c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(msg))), msg...)); err != nil {
			return DNSResult{}, err
		}
		var hdr [2]byte
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			return DNSResult{}, err
		}
		resp = make([]byte, binary.BigEndian.Uint16(hdr[:]))
		if _, err := io.ReadFull(c, resp); err != nil {
			return DNSResult{}, err
		}
	} else {
		if _, err := c.Write(msg); err != nil {
			return DNSResult{}, err
		}
		buf := make([]byte, 1500)
		n, err := c.Read(buf)
		if err != nil {
			return DNSResult{}, err
		}
		resp = buf[:n]
	}
	var m dnsmessage.Message
	if err := m.Unpack(resp); err != nil {
		return DNSResult{}, fmt.Errorf("dns answer: %w", err)
	}
	if m.ID != id {
		return DNSResult{}, fmt.Errorf("dns answer: id %d, want %d", m.ID, id)
	}
	r := DNSResult{RCode: m.RCode}
	for _, a := range m.Answers {
		switch body := a.Body.(type) {
		case *dnsmessage.AResource:
			r.Addrs = append(r.Addrs, netip.AddrFrom4(body.A))
		case *dnsmessage.AAAAResource:
			r.Addrs = append(r.Addrs, netip.AddrFrom16(body.AAAA))
		}
	}
	return r, nil
}

// BTHandshake connects to ip:port from the client namespace, sends a
// BitTorrent handshake and waits up to timeout for the peer's. It returns
// the peer's handshake, or the error that stopped it (a refused or reset
// connection, a timeout).
func (b *Bed) BTHandshake(ip string, port int, timeout time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c, err := b.Client.Dial(ctx, "tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	if _, err := c.Write(btHandshake("e2e-info-hash-000001", "-qB4650-e2e-client01")); err != nil {
		return nil, err
	}
	reply := make([]byte, 68)
	if _, err := io.ReadFull(c, reply); err != nil {
		return nil, err
	}
	return reply, nil
}

// readBig reads an HTTP response body of /big, checking every byte; it
// returns how many bytes were right before the first wrong one or error.
func readBig(r io.Reader, limit int64, off int64) (int64, error) {
	buf := make([]byte, 64<<10)
	var n int64
	for n < limit {
		m, err := r.Read(buf[:min(int64(len(buf)), limit-n)])
		for i := range m {
			if buf[i] != bigByte(off+n+int64(i)) {
				return n + int64(i), fmt.Errorf("/big: byte %d is %#x, want %#x", off+n+int64(i), buf[i], bigByte(off+n+int64(i)))
			}
		}
		n += int64(m)
		if err != nil {
			if err == io.EOF {
				return n, nil
			}
			return n, err
		}
	}
	return n, nil
}
