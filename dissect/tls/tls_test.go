package tls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	gotls "crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"math/big"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
	"github.com/netsift/netsift/dissect/internal/tlshello"
)

// recConn records every Write of one side of a net.Pipe as a segment.
type recConn struct {
	net.Conn
	dir  dissect.Dir
	mu   *sync.Mutex
	segs *[]dissecttest.Segment
}

func (c *recConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	*c.segs = append(*c.segs, dissecttest.Segment{Dir: c.dir, Data: append([]byte(nil), b...)})
	c.mu.Unlock()
	return c.Conn.Write(b)
}

var (
	certOnce sync.Once
	testCert gotls.Certificate
)

// serverCert makes a self-signed ECDSA certificate for two DNS names.
func serverCert(t *testing.T) gotls.Certificate {
	certOnce.Do(func() {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(0x0c9a5e),
			Subject:      pkix.Name{Country: []string{"US"}, Organization: []string{"Netsift Test"}, CommonName: "example.com"},
			NotBefore:    time.Date(2016, 2, 17, 0, 0, 0, 0, time.UTC),
			NotAfter:     time.Date(2036, 2, 17, 12, 30, 0, 0, time.UTC),
			DNSNames:     []string{"example.com", "www.example.com"},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		testCert = gotls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	})
	return testCert
}

// handshake runs a crypto/tls client and server over net.Pipe and returns
// the bytes each side wrote, in order.
func handshake(t *testing.T, sni string, alpn []string, maxVersion uint16) *dissecttest.Flow {
	t.Helper()
	a, b := net.Pipe()
	var mu sync.Mutex
	f := &dissecttest.Flow{Proto: 6,
		Client: netip.MustParseAddrPort("10.0.0.1:50000"),
		Server: netip.MustParseAddrPort("10.0.0.2:443")}
	cc := &recConn{a, dissect.ToServer, &mu, &f.Segs}
	sc := &recConn{b, dissect.ToClient, &mu, &f.Segs}
	srv := gotls.Server(sc, &gotls.Config{Certificates: []gotls.Certificate{serverCert(t)}, NextProtos: []string{"h2", "http/1.1"}, MaxVersion: maxVersion})
	cli := gotls.Client(cc, &gotls.Config{ServerName: sni, NextProtos: alpn, InsecureSkipVerify: true, MaxVersion: maxVersion})
	done := make(chan error, 1)
	go func() { done <- srv.Handshake() }()
	if err := cli.Handshake(); err != nil {
		t.Fatalf("client handshake: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("server handshake: %v", err)
	}
	go func() {
		buf := make([]byte, 64)
		srv.Read(buf)
	}()
	cli.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
	// Close the pipe, not the TLS conns: close_notify over a synchronous
	// pipe nobody reads would wait for crypto/tls's 5 s timeout.
	a.Close()
	b.Close()
	mu.Lock()
	defer mu.Unlock()
	f.Segs = append([]dissecttest.Segment(nil), f.Segs...)
	return f
}

func tlsEvent(t *testing.T, r dissecttest.Result) map[string]any {
	t.Helper()
	if r.Verdict != dissect.Match {
		t.Fatalf("probe verdict %d", r.Verdict)
	}
	if len(r.Rec.Events) != 1 {
		t.Fatalf("want one event, got %d: %q", len(r.Rec.Events), r.Rec.Events)
	}
	ev, ok := strings.CutPrefix(r.Rec.Events[0], "tls ")
	if !ok {
		t.Fatalf("event type: %s", r.Rec.Events[0])
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(ev), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestGoHandshakes(t *testing.T) {
	cases := []struct {
		sni     string
		alpn    []string
		max     uint16
		version string
	}{
		{"example.com", []string{"h2", "http/1.1"}, gotls.VersionTLS13, "TLS 1.3"},
		{"www.example.com", []string{"http/1.1"}, gotls.VersionTLS12, "TLS 1.2"},
		{"a.b.example.org", nil, gotls.VersionTLS12, "TLS 1.2"},
		{"", []string{"h2"}, gotls.VersionTLS13, "TLS 1.3"},
	}
	for _, tc := range cases {
		t.Run(tc.version+"/"+tc.sni, func(t *testing.T) {
			f := handshake(t, tc.sni, tc.alpn, tc.max)
			r := dissecttest.Run(Dissector, f)
			ev := tlsEvent(t, r)
			if tc.sni != "" && (len(r.Rec.Hosts) != 1 || r.Rec.Hosts[0] != tc.sni || ev["sni"] != tc.sni) {
				t.Errorf("hosts %q sni %v", r.Rec.Hosts, ev["sni"])
			}
			if ev["version"] != tc.version || r.Rec.MetaKV["tls_version"] != tc.version {
				t.Errorf("version %v meta %q", ev["version"], r.Rec.MetaKV["tls_version"])
			}
			ja4 := r.Rec.MetaKV["ja4"]
			if !strings.HasPrefix(ja4, "t1") || len(ja4) != 36 {
				t.Errorf("ja4 %q", ja4)
			}
			if len(r.Rec.MetaKV["ja3"]) != 32 || len(r.Rec.MetaKV["ja3s"]) != 32 {
				t.Errorf("ja3 %q ja3s %q", r.Rec.MetaKV["ja3"], r.Rec.MetaKV["ja3s"])
			}
			if len(tc.alpn) > 0 {
				// TLS 1.3 encrypts the server's choice: the offer is all
				// there is.
				want := tc.alpn[0]
				if tc.max == gotls.VersionTLS13 {
					want = strings.Join(tc.alpn, ",")
				}
				if r.Rec.MetaKV["alpn"] != want {
					t.Errorf("alpn meta %q", r.Rec.MetaKV["alpn"])
				}
				if got := ev["client_alpns"].([]any); len(got) != len(tc.alpn) {
					t.Errorf("client_alpns %v", got)
				}
			}
			if tc.max == gotls.VersionTLS12 {
				want := map[string]any{
					"subject":     "C=US, O=Netsift Test, CN=example.com",
					"issuerdn":    "C=US, O=Netsift Test, CN=example.com",
					"serial":      "0C:9A:5E",
					"notbefore":   "2016-02-17T00:00:00",
					"notafter":    "2036-02-17T12:30:00",
					"fingerprint": fingerprint(serverCert(t).Certificate[0]),
				}
				for k, v := range want {
					if ev[k] != v {
						t.Errorf("%s = %v, want %v", k, ev[k], v)
					}
				}
				if sans, _ := ev["subjectaltname"].([]any); len(sans) != 2 {
					t.Errorf("subjectaltname %v", ev["subjectaltname"])
				}
			}
			if len(r.Rec.Anomalies) > 0 {
				t.Errorf("anomalies %q", r.Rec.Anomalies)
			}
		})
	}
}

func fingerprint(der []byte) string {
	ci, _ := parseCert(der)
	return ci
}

// TestSplitFeeds feeds the same handshake in chunks of every size from 1
// byte up and wants exactly the same output.
func TestSplitFeeds(t *testing.T) {
	f := handshake(t, "split.example.com", []string{"h2"}, gotls.VersionTLS12)
	want := dissecttest.Run(Dissector, f)
	ref, _ := json.Marshal(want.Rec)
	for _, size := range []int{1, 2, 3, 5, 7, 13, 100, 517} {
		g := &dissecttest.Flow{Proto: 6, Client: f.Client, Server: f.Server}
		for _, s := range f.Segs {
			for i := 0; i < len(s.Data); i += size {
				g.Segs = append(g.Segs, dissecttest.Segment{Dir: s.Dir, Data: s.Data[i:min(i+size, len(s.Data))]})
			}
		}
		// The harness probes only the first 16 payloads; feed the parser
		// directly so every chunking is tested.
		rec := &dissecttest.Recorder{}
		c := &dissect.Ctx{Proto: 6, Client: g.Client, Server: g.Server, Emit: rec, Inspecting: true}
		p := Dissector.New()
		for _, s := range g.Segs {
			c.Pkts[s.Dir]++
			if p.Feed(c, s.Dir, s.Data) != dissect.Continue {
				break
			}
		}
		p.Close(c)
		got, _ := json.Marshal(rec)
		if string(got) != string(ref) {
			t.Errorf("chunk size %d:\n got %s\nwant %s", size, got, ref)
		}
	}
}

func TestProbe(t *testing.T) {
	c := &dissect.Ctx{Proto: 6, Client: netip.MustParseAddrPort("10.0.0.1:5000"), Server: netip.MustParseAddrPort("10.0.0.2:8000")}
	c.Pkts[0] = 1
	for _, tc := range []struct {
		data string
		want dissect.Verdict
	}{
		{"GET / HTTP/1.1\r\n", dissect.NoMatch},
		{"\x16", dissect.NeedMore},
		{"\x16\x03\x01\x02\x00\x01", dissect.NeedMore},
		{"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", dissect.Match},
		{"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x09\x03", dissect.NoMatch},
		{"\x16\x04\x01", dissect.NoMatch},
		{"\x17\x03\x03\x00\x02ab", dissect.Match},
		{"\x17\x03\x03\x00\x02abX", dissect.NeedMore},
		{"\x17\x03\x03\x00\x02abXYZWV", dissect.NoMatch},
		{"\x17\x03\x03\x00\x02ab\x17\x03\x03\x00\x01", dissect.Match},
		{"SSH-2.0-OpenSSH\r\n", dissect.NoMatch},
	} {
		if got := probe(c, dissect.ToServer, []byte(tc.data)); got != tc.want {
			t.Errorf("probe(%q) = %d, want %d", tc.data, got, tc.want)
		}
	}
}

func TestProbeAllocs(t *testing.T) {
	f := handshake(t, "alloc.example.com", nil, gotls.VersionTLS13)
	c := &dissect.Ctx{Proto: 6}
	data := f.Segs[0].Data
	if n := testing.AllocsPerRun(100, func() { probe(c, dissect.ToServer, data) }); n != 0 {
		t.Errorf("probe allocates %v", n)
	}
}

// TestParserSteadyAllocs: once its buffers have grown, a parser fed the
// same ClientHello again allocates only for the Meta/Host calls' values
// the engine copies (none here: the Recorder is outside the measurement).
func TestParserSteadyAllocs(t *testing.T) {
	f := handshake(t, "alloc.example.com", []string{"h2"}, gotls.VersionTLS13)
	hello := f.Segs[0].Data
	c := &dissect.Ctx{Proto: 6, Emit: dissecttest.Nop{}}
	p := newParser()
	p.Feed(c, dissect.ToServer, hello)
	n := testing.AllocsPerRun(50, func() {
		p.rec.chSeen = false
		p.Feed(c, dissect.ToServer, hello)
	})
	if n > 0 {
		t.Errorf("ClientHello parse allocates %v", n)
	}
}

func parseCert(der []byte) (string, bool) {
	ci, ok := tlshello.ParseCertificate(der)
	return ci.Fingerprint, ok
}
