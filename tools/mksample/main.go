// Command mksample writes testdata/sample.pcap: a small capture of real
// protocol conversations produced by Go's own clients and servers (HTTP/1.1,
// TLS 1.2 and 1.3 with SNI and ALPN, DNS, SSH), run over in-memory
// connections and framed as TCP/UDP/IP packets with gopacket. It is the
// sample the README's first command reads.
//
//	go run ./tools/mksample -o testdata/sample.pcap
package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"golang.org/x/crypto/ssh"
	"golang.org/x/net/dns/dnsmessage"
)

var (
	clock = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	pw    *pcapgo.Writer
	macC  = net.HardwareAddr{0x02, 0, 0, 0, 0, 1}
	macS  = net.HardwareAddr{0x02, 0, 0, 0, 0, 2}
)

func tick() time.Time { clock = clock.Add(1500 * time.Microsecond); return clock }

func writePkt(ls ...gopacket.SerializableLayer) {
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		log.Fatal(err)
	}
	b := buf.Bytes()
	if err := pw.WritePacket(gopacket.CaptureInfo{Timestamp: tick(), CaptureLength: len(b), Length: len(b)}, b); err != nil {
		log.Fatal(err)
	}
}

// tcpConv frames a recorded conversation as a TCP connection.
type tcpConv struct {
	c, s       net.IP
	cp, sp     uint16
	cseq, sseq uint32
}

func (t *tcpConv) seg(fromClient bool, flags string, payload []byte) {
	eth := &layers.Ethernet{SrcMAC: macC, DstMAC: macS, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: t.c, DstIP: t.s}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(t.cp), DstPort: layers.TCPPort(t.sp), Seq: t.cseq, Ack: t.sseq, Window: 65535}
	if !fromClient {
		eth.SrcMAC, eth.DstMAC = macS, macC
		ip.SrcIP, ip.DstIP = t.s, t.c
		tcp.SrcPort, tcp.DstPort, tcp.Seq, tcp.Ack = layers.TCPPort(t.sp), layers.TCPPort(t.cp), t.sseq, t.cseq
	}
	tcp.SYN = strings.Contains(flags, "S")
	tcp.ACK = strings.Contains(flags, "A")
	tcp.FIN = strings.Contains(flags, "F")
	tcp.PSH = len(payload) > 0
	tcp.SetNetworkLayerForChecksum(ip)
	writePkt(eth, ip, tcp, gopacket.Payload(payload))
	n := uint32(len(payload))
	if tcp.SYN || tcp.FIN {
		n++
	}
	if fromClient {
		t.cseq += n
	} else {
		t.sseq += n
	}
}

type chunk struct {
	fromClient bool
	data       []byte
}

// recorder captures what each side writes, in order.
type recorder struct {
	mu     sync.Mutex
	chunks []chunk
}

type recConn struct {
	net.Conn
	r      *recorder
	client bool
}

func (c *recConn) Write(b []byte) (int, error) {
	c.r.mu.Lock()
	c.r.chunks = append(c.r.chunks, chunk{c.client, append([]byte(nil), b...)})
	c.r.mu.Unlock()
	return c.Conn.Write(b)
}

// pipe returns the two ends of a loopback TCP connection (buffered, unlike
// net.Pipe, so TLS 1.3 session tickets cannot deadlock the exchange).
func pipe() (*recorder, net.Conn, net.Conn) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	acc := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		acc <- c
	}()
	a, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	b := <-acc
	r := &recorder{}
	return r, &recConn{a, r, true}, &recConn{b, r, false}
}

// emit frames a recorded conversation, splitting large writes into
// 1400-byte segments and ACKing each.
func (t *tcpConv) emit(r *recorder) {
	t.seg(true, "S", nil)
	t.seg(false, "SA", nil)
	t.seg(true, "A", nil)
	for _, c := range r.chunks {
		for d := c.data; len(d) > 0; {
			n := min(len(d), 1400)
			t.seg(c.fromClient, "A", d[:n])
			d = d[n:]
		}
		t.seg(!c.fromClient, "A", nil)
	}
	t.seg(true, "FA", nil)
	t.seg(false, "FA", nil)
	t.seg(true, "A", nil)
}

func selfSigned(names ...string) tls.Certificate {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(4242),
		Subject:      pkix.Name{CommonName: names[0], Organization: []string{"netsift sample"}},
		DNSNames:     names,
		NotBefore:    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		log.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func tlsConv(sni string, maxVer uint16, alpn []string) *recorder {
	r, c, s := pipe()
	cert := selfSigned(sni, "*."+sni)
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv := tls.Server(s, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: alpn, MaxVersion: maxVer})
		srv.Handshake()
		buf := make([]byte, 1024)
		n, _ := srv.Read(buf)
		srv.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")[:max(0, min(n, 40))])
		srv.Close()
	}()
	cl := tls.Client(c, &tls.Config{ServerName: sni, InsecureSkipVerify: true, NextProtos: alpn, MaxVersion: maxVer})
	if err := cl.Handshake(); err != nil {
		log.Fatal(err)
	}
	cl.Write([]byte("GET / HTTP/1.1\r\nHost: " + sni + "\r\n\r\n"))
	io.ReadAll(cl)
	cl.Close()
	<-done
	return r
}

func httpConv() *recorder {
	r, c, s := pipe()
	go func() {
		br := bufio.NewReader(s)
		for {
			req, err := http.ReadRequest(br)
			if err != nil {
				s.Close()
				return
			}
			body := "<html><body>netsift sample " + req.URL.Path + "</body></html>"
			resp := &http.Response{StatusCode: 200, ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{"Content-Type": {"text/html"}, "Server": {"netsift-sample"}},
				ContentLength: int64(len(body)), Body: io.NopCloser(strings.NewReader(body))}
			resp.Write(s)
		}
	}()
	tr := &http.Transport{DialContext: nil, Dial: func(string, string) (net.Conn, error) { return c, nil }}
	cl := &http.Client{Transport: tr}
	for _, p := range []string{"/", "/index.html"} {
		req, _ := http.NewRequest("GET", "http://www.example.org"+p, nil)
		req.Header.Set("User-Agent", "netsift-sample/1.0")
		resp, err := cl.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	tr.CloseIdleConnections()
	return r
}

func sshConv() *recorder {
	r, c, s := pipe()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	signer, _ := ssh.NewSignerFromKey(key)
	scfg := &ssh.ServerConfig{NoClientAuth: true, ServerVersion: "SSH-2.0-netsift_sample_server"}
	scfg.AddHostKey(signer)
	go func() {
		sc, chans, reqs, err := ssh.NewServerConn(s, scfg)
		if err != nil {
			return
		}
		go ssh.DiscardRequests(reqs)
		for ch := range chans {
			ch.Reject(ssh.Prohibited, "sample")
		}
		sc.Close()
	}()
	cc, _, _, err := ssh.NewClientConn(c, "sample", &ssh.ClientConfig{User: "u", HostKeyCallback: ssh.InsecureIgnoreHostKey(), ClientVersion: "SSH-2.0-netsift_sample_client"})
	if err == nil {
		cc.Close()
	}
	c.Close()
	return r
}

func dnsPair(id uint16, name string, a [4]byte) (q, resp []byte) {
	n := dnsmessage.MustNewName(name)
	msg := dnsmessage.Message{Header: dnsmessage.Header{ID: id, RecursionDesired: true},
		Questions: []dnsmessage.Question{{Name: n, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET}}}
	q, _ = msg.Pack()
	msg.Header.Response, msg.Header.RecursionAvailable = true, true
	msg.Answers = []dnsmessage.Resource{{Header: dnsmessage.ResourceHeader{Name: n, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: 300}, Body: &dnsmessage.AResource{A: a}}}
	resp, _ = msg.Pack()
	return
}

func udp(src, dst net.IP, sp, dp uint16, payload []byte) {
	eth := &layers.Ethernet{SrcMAC: macC, DstMAC: macS, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: src, DstIP: dst}
	u := &layers.UDP{SrcPort: layers.UDPPort(sp), DstPort: layers.UDPPort(dp)}
	u.SetNetworkLayerForChecksum(ip)
	writePkt(eth, ip, u, gopacket.Payload(payload))
}

func main() {
	out := flag.String("o", "testdata/sample.pcap", "output file")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	pw = pcapgo.NewWriter(f)
	pw.WriteFileHeader(65535, layers.LinkTypeEthernet)
	client := net.IPv4(192, 0, 2, 10).To4()
	resolver := net.IPv4(192, 0, 2, 53).To4()
	// DNS: the client resolves the names it then connects to.
	servers := map[string]net.IP{
		"www.example.org":   net.IPv4(198, 51, 100, 80).To4(),
		"www.example.com":   net.IPv4(198, 51, 100, 43).To4(),
		"www.youtube.com":   net.IPv4(203, 0, 113, 12).To4(),
		"login.example.net": net.IPv4(203, 0, 113, 22).To4(),
	}
	id := uint16(0x1000)
	port := uint16(40000)
	for _, name := range []string{"www.example.org", "www.example.com", "www.youtube.com", "login.example.net"} {
		ip := servers[name]
		q, r := dnsPair(id, name+".", [4]byte(ip))
		udp(client, resolver, port, 53, q)
		udp(resolver, client, 53, port, r)
		id++
		port++
	}
	(&tcpConv{c: client, s: servers["www.example.org"], cp: 50001, sp: 80, cseq: 1000, sseq: 9000}).emit(httpConv())
	(&tcpConv{c: client, s: servers["www.example.com"], cp: 50002, sp: 443, cseq: 2000, sseq: 8000}).emit(tlsConv("www.example.com", tls.VersionTLS12, []string{"http/1.1"}))
	(&tcpConv{c: client, s: servers["www.youtube.com"], cp: 50003, sp: 443, cseq: 3000, sseq: 7000}).emit(tlsConv("www.youtube.com", tls.VersionTLS13, []string{"h2", "http/1.1"}))
	(&tcpConv{c: client, s: servers["login.example.net"], cp: 50004, sp: 22, cseq: 4000, sseq: 6000}).emit(sshConv())
	// ICMP echo.
	eth := &layers.Ethernet{SrcMAC: macC, DstMAC: macS, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolICMPv4, SrcIP: client, DstIP: resolver}
	writePkt(eth, ip, &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 7, Seq: 1}, gopacket.Payload([]byte("netsift")))
	ip.SrcIP, ip.DstIP = resolver, client
	writePkt(eth, ip, &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(0, 0), Id: 7, Seq: 1}, gopacket.Payload([]byte("netsift")))
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintln(os.Stderr, "wrote", *out)
}
