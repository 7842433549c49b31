package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"
	"golang.org/x/net/dns/dnsmessage"
)

// testNames are the host names the servers have certificates for and the
// DNS server answers. Any other name under .example is answered by DNS too
// and served with the allowed.example certificate.
var testNames = []string{"allowed.example", "blocked.example", "www.blocked.example", "www.gambling.example", "other.example"}

// bigSize is the length of /big, the long download; byte i is bigByte(i).
const bigSize = 50 << 20

func bigByte(i int64) byte { return byte(i % 251) }

// Ports of the servers besides the well-known ones.
const (
	btPort1    = 6999
	btPort2    = 40001
	iperf3Port = 5201
)

// Entry is one thing a server saw. Kinds: "tcp-accept" (https listener),
// "tls-hello" (Name = SNI), "https", "http" (Name = Host, Detail = path),
// "dns" (Name = query name, Detail = type and transport), "quic-hello"
// (Name = SNI), "quic-conn" (handshake completed, Name = SNI), "bt" (a full
// BitTorrent handshake; Detail = port).
type Entry struct {
	Time   time.Time
	Kind   string
	Name   string
	Local  string
	Remote string
	Detail string
}

// ServerLog records everything the servers saw; safe for concurrent use.
type ServerLog struct {
	mu      sync.Mutex
	entries []Entry
}

func (l *ServerLog) add(e Entry) {
	e.Time = time.Now()
	e.Name = strings.ToLower(strings.TrimSuffix(e.Name, "."))
	l.mu.Lock()
	l.entries = append(l.entries, e)
	l.mu.Unlock()
}

// Find returns the entries of a kind (all kinds if "") whose name is name
// or a subdomain of it (all names if "").
func (l *ServerLog) Find(kind, name string) []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Entry
	for _, e := range l.entries {
		if (kind == "" || e.Kind == kind) && (name == "" || e.Name == name || strings.HasSuffix(e.Name, "."+name)) {
			out = append(out, e)
		}
	}
	return out
}

// FindLocal returns the entries of a kind received on local address ip.
func (l *ServerLog) FindLocal(kind, ip string) []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Entry
	for _, e := range l.entries {
		if e.Kind != kind {
			continue
		}
		if ap, err := netip.ParseAddrPort(e.Local); err == nil && ap.Addr().Unmap().String() == ip {
			out = append(out, e)
		}
	}
	return out
}

// String lists every entry, one a line, for failure reports.
func (l *ServerLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, e := range l.entries {
		fmt.Fprintf(&b, "%s %-10s %-22s local=%s remote=%s %s\n", e.Time.Format("15:04:05.000"), e.Kind, e.Name, e.Local, e.Remote, e.Detail)
	}
	return b.String()
}

// pki is the bed's certificate authority and one leaf per test name, made
// once per test binary.
type pki struct {
	caPEM  []byte
	pool   *x509.CertPool
	leaves map[string]*tls.Certificate
}

var (
	pkiOnce sync.Once
	pkiVal  *pki
	pkiErr  error
)

func testPKI() (*pki, error) {
	pkiOnce.Do(func() { pkiVal, pkiErr = makePKI() })
	return pkiVal, pkiErr
}

func makePKI() (*pki, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "netsift e2e test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	p := &pki{
		caPEM:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		pool:   x509.NewCertPool(),
		leaves: map[string]*tls.Certificate{},
	}
	p.pool.AddCert(ca)
	for i, name := range testNames {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(int64(i + 2)),
			Subject:      pkix.Name{CommonName: name},
			DNSNames:     []string{name},
			NotBefore:    now.Add(-time.Hour),
			NotAfter:     now.Add(24 * time.Hour),
			KeyUsage:     x509.KeyUsageDigitalSignature,
			ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			return nil, err
		}
		p.leaves[name] = &tls.Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: key}
	}
	return p, nil
}

// serverTLS is the TLS configuration of the HTTPS and QUIC servers: the
// certificate is chosen by SNI, and every ClientHello is logged as kind.
func (p *pki) serverTLS(slog *ServerLog, kind string) *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
		GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
			e := Entry{Kind: kind, Name: h.ServerName}
			if h.Conn != nil {
				e.Local, e.Remote = h.Conn.LocalAddr().String(), h.Conn.RemoteAddr().String()
			}
			slog.add(e)
			return nil, nil
		},
		GetCertificate: func(h *tls.ClientHelloInfo) (*tls.Certificate, error) {
			if c, ok := p.leaves[strings.ToLower(h.ServerName)]; ok {
				return c, nil
			}
			return p.leaves["allowed.example"], nil
		},
	}
}

// handler serves "/" (a greeting naming the host) and "/big" (bigSize
// bytes of bigByte, or ?bytes=N) and logs every request as kind.
func handler(slog *ServerLog, kind string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		local := ""
		if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			local = a.String()
		}
		slog.add(Entry{Kind: kind, Name: host, Local: local, Remote: r.RemoteAddr, Detail: r.URL.Path})
		switch r.URL.Path {
		case "/":
			fmt.Fprintf(w, "hello from %s over %s\n", host, r.Proto)
		case "/big":
			n := int64(bigSize)
			if s := r.URL.Query().Get("bytes"); s != "" {
				if v, err := strconv.ParseInt(s, 10, 64); err == nil && v >= 0 {
					n = v
				}
			}
			w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
			buf := make([]byte, 64<<10)
			for off := int64(0); off < n; {
				m := min(int64(len(buf)), n-off)
				for i := range m {
					buf[i] = bigByte(off + i)
				}
				if _, err := w.Write(buf[:m]); err != nil {
					return
				}
				off += m
			}
		default:
			http.NotFound(w, r)
		}
	})
}

// loggingListener logs every accepted TCP connection.
type loggingListener struct {
	net.Listener
	slog *ServerLog
}

func (l loggingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.slog.add(Entry{Kind: "tcp-accept", Local: c.LocalAddr().String(), Remote: c.RemoteAddr().String()})
	}
	return c, err
}

// startServers starts every server in ns, listening on all its addresses,
// and stops them in t.Cleanup.
func startServers(t *testing.T, ns *NS, p *pki, slog *ServerLog) {
	t.Helper()
	quiet := log.New(io.Discard, "", 0)
	var closers []io.Closer
	t.Cleanup(func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i].Close()
		}
	})
	must := func(what string, err error) {
		if err != nil {
			t.Fatalf("e2e: starting %s server in %s: %v", what, ns.Name, err)
		}
	}

	// HTTPS on :443.
	l, err := ns.Listen("tcp", ":443")
	must("HTTPS", err)
	https := &http.Server{Handler: handler(slog, "https"), ErrorLog: quiet, ReadHeaderTimeout: 10 * time.Second}
	closers = append(closers, https)
	go https.Serve(tls.NewListener(loggingListener{l, slog}, p.serverTLS(slog, "tls-hello")))

	// Plain HTTP on :80.
	l, err = ns.Listen("tcp", ":80")
	must("HTTP", err)
	plain := &http.Server{Handler: handler(slog, "http"), ErrorLog: quiet, ReadHeaderTimeout: 10 * time.Second}
	closers = append(closers, plain)
	go plain.Serve(l)

	// DNS on :53, UDP and TCP.
	pc, err := ns.ListenPacket("udp", ":53")
	must("DNS/UDP", err)
	closers = append(closers, pc)
	go serveDNSUDP(pc, slog)
	l, err = ns.Listen("tcp", ":53")
	must("DNS/TCP", err)
	closers = append(closers, l)
	go serveDNSTCP(l, slog)

	// QUIC / HTTP-3 on UDP :443.
	qc, err := ns.ListenPacket("udp", ":443")
	must("QUIC", err)
	tr := &quic.Transport{Conn: qc}
	qln, err := tr.Listen(http3.ConfigureTLSConfig(p.serverTLS(slog, "quic-hello")), &quic.Config{})
	must("QUIC", err)
	h3 := &http3.Server{Handler: handler(slog, "https")}
	closers = append(closers, qc, tr, h3)
	go func() {
		for {
			c, err := qln.Accept(context.Background())
			if err != nil {
				return
			}
			// quic.Listener hands out connections only after their
			// handshake completed: this entry is the proof of one.
			slog.add(Entry{Kind: "quic-conn", Name: c.ConnectionState().TLS.ServerName, Local: c.LocalAddr().String(), Remote: c.RemoteAddr().String()})
			go h3.ServeQUICConn(c)
		}
	}()

	// BitTorrent-looking listeners.
	for _, port := range []int{btPort1, btPort2} {
		l, err := ns.Listen("tcp", fmt.Sprintf(":%d", port))
		must("BitTorrent", err)
		closers = append(closers, l)
		go serveBT(l, port, slog)
	}
}

// btHandshake is a BitTorrent peer-wire handshake (BEP 3), 68 bytes.
func btHandshake(infoHash, peerID string) []byte {
	b := []byte{19}
	b = append(b, "BitTorrent protocol"...)
	b = append(b, 0, 0, 0, 0, 0, 0x10, 0, 0x05) // extension protocol + DHT bits, as real clients set
	b = append(b, fmt.Sprintf("%-20.20s", infoHash)...)
	b = append(b, fmt.Sprintf("%-20.20s", peerID)...)
	return b
}

// serveBT reads one handshake per connection, logs it and answers with its
// own handshake for the same info hash.
func serveBT(l net.Listener, port int, slog *ServerLog) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			buf := make([]byte, 68)
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
			if string(buf[:20]) != "\x13BitTorrent protocol" {
				return
			}
			slog.add(Entry{Kind: "bt", Name: fmt.Sprintf("%x", buf[28:48]), Local: c.LocalAddr().String(), Remote: c.RemoteAddr().String(), Detail: strconv.Itoa(port)})
			c.Write(btHandshake(string(buf[28:48]), "-NS0001-e2e-server00"))
			io.Copy(io.Discard, c)
		}()
	}
}

// dnsAnswer answers A and AAAA for every name under .example with the
// server's first addresses; other names get NXDOMAIN.
func dnsAnswer(req []byte, transport string, local, remote net.Addr, slog *ServerLog) ([]byte, error) {
	var p dnsmessage.Parser
	h, err := p.Start(req)
	if err != nil {
		return nil, err
	}
	q, err := p.Question()
	if err != nil {
		return nil, err
	}
	name := strings.ToLower(strings.TrimSuffix(q.Name.String(), "."))
	slog.add(Entry{Kind: "dns", Name: name, Local: local.String(), Remote: remote.String(), Detail: q.Type.String() + "/" + transport})
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired}
	known := name == "example" || strings.HasSuffix(name, ".example")
	if !known {
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, rh)
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	if err := b.Question(q); err != nil {
		return nil, err
	}
	if err := b.StartAnswers(); err != nil {
		return nil, err
	}
	rr := dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}
	if known && q.Type == dnsmessage.TypeA {
		if err := b.AResource(rr, dnsmessage.AResource{A: netip.MustParseAddr(serverIP).As4()}); err != nil {
			return nil, err
		}
	}
	if known && q.Type == dnsmessage.TypeAAAA {
		if err := b.AAAAResource(rr, dnsmessage.AAAAResource{AAAA: netip.MustParseAddr(serverIP6).As16()}); err != nil {
			return nil, err
		}
	}
	return b.Finish()
}

func serveDNSUDP(pc net.PacketConn, slog *ServerLog) {
	buf := make([]byte, 1500)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		if resp, err := dnsAnswer(buf[:n], "udp", pc.LocalAddr(), from, slog); err == nil {
			pc.WriteTo(resp, from)
		}
	}
}

func serveDNSTCP(l net.Listener, slog *ServerLog) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			for range 16 {
				c.SetDeadline(time.Now().Add(10 * time.Second))
				var hdr [2]byte
				if _, err := io.ReadFull(c, hdr[:]); err != nil {
					return
				}
				req := make([]byte, binary.BigEndian.Uint16(hdr[:]))
				if _, err := io.ReadFull(c, req); err != nil {
					return
				}
				resp, err := dnsAnswer(req, "tcp", c.LocalAddr(), c.RemoteAddr(), slog)
				if err != nil {
					return
				}
				if _, err := c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(resp))), resp...)); err != nil {
					return
				}
			}
		}()
	}
}
