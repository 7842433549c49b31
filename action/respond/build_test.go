package respond

import (
	"bytes"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/dns/dnsmessage"
)

var (
	client4 = netip.MustParseAddr("192.0.2.1")
	server4 = netip.MustParseAddr("198.51.100.7")
	client6 = netip.MustParseAddr("2001:db8::1")
	server6 = netip.MustParseAddr("2001:db8::53")
)

// ipLayer returns the network layer for src→dst with proto next.
func ipLayer(src, dst netip.Addr, proto layers.IPProtocol) gopacket.NetworkLayer {
	if src.Is4() {
		return &layers.IPv4{Version: 4, TTL: 64, Protocol: proto, SrcIP: net.IP(src.AsSlice()), DstIP: net.IP(dst.AsSlice())}
	}
	return &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: proto, SrcIP: net.IP(src.AsSlice()), DstIP: net.IP(dst.AsSlice())}
}

func serialize(t testing.TB, ip gopacket.NetworkLayer, l4 gopacket.SerializableLayer, payload []byte) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	ls := []gopacket.SerializableLayer{ip.(gopacket.SerializableLayer), l4}
	if len(payload) > 0 {
		ls = append(ls, gopacket.Payload(payload))
	}
	if err := gopacket.SerializeLayers(buf, opts, ls...); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

func tcpIn(t testing.TB, src, dst netip.Addr, seq, ack uint32, syn, ackf bool, payload []byte) []byte {
	ip := ipLayer(src, dst, layers.IPProtocolTCP)
	tcp := &layers.TCP{SrcPort: 40000, DstPort: 80, Seq: seq, Ack: ack, SYN: syn, ACK: ackf, PSH: len(payload) > 0, Window: 502, DataOffset: 5}
	tcp.SetNetworkLayerForChecksum(ip)
	return serialize(t, ip, tcp, payload)
}

func udpIn(t testing.TB, src, dst netip.Addr, dport uint16, payload []byte) []byte {
	ip := ipLayer(src, dst, layers.IPProtocolUDP)
	udp := &layers.UDP{SrcPort: 53000, DstPort: layers.UDPPort(dport)}
	udp.SetNetworkLayerForChecksum(ip)
	return serialize(t, ip, udp, payload)
}

func dnsQuery(t testing.TB, name string, qtype dnsmessage.Type) []byte {
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 0xbeef, RecursionDesired: true})
	b.StartQuestions()
	if err := b.Question(dnsmessage.Question{Name: dnsmessage.MustNewName(name), Type: qtype, Class: dnsmessage.ClassINET}); err != nil {
		t.Fatal(err)
	}
	m, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// decoded decodes a built packet with gopacket and fails on any decoding
// error or bad checksum.
func decoded(t testing.TB, b []byte) gopacket.Packet {
	t.Helper()
	first := layers.LayerTypeIPv4
	if b[0]>>4 == 6 {
		first = layers.LayerTypeIPv6
	}
	p := gopacket.NewPacket(b, first, gopacket.Default)
	if el := p.ErrorLayer(); el != nil {
		t.Fatalf("decode: %v", el.Error())
	}
	checkChecksums(t, p)
	return p
}

func checkChecksums(t testing.TB, p gopacket.Packet) {
	t.Helper()
	type verifier interface {
		VerifyChecksum() (gopacket.ChecksumVerificationResult, error)
	}
	for _, l := range p.Layers() {
		if v, ok := l.(verifier); ok {
			r, err := v.VerifyChecksum()
			if err != nil {
				t.Fatalf("%v checksum: %v", l.LayerType(), err)
			}
			if !r.Valid {
				t.Fatalf("%v checksum %#04x, want %#04x", l.LayerType(), r.Actual, r.Correct)
			}
		}
	}
	if ip4, ok := p.NetworkLayer().(*layers.IPv4); ok {
		h := append([]byte(nil), ip4.Contents...)
		if fold(checksum(h, 0)) != 0 {
			t.Fatalf("IPv4 header checksum wrong")
		}
	}
}

func addrsOf(p gopacket.Packet) (src, dst netip.Addr) {
	switch ip := p.NetworkLayer().(type) {
	case *layers.IPv4:
		src, _ = netip.AddrFromSlice(ip.SrcIP)
		dst, _ = netip.AddrFromSlice(ip.DstIP)
	case *layers.IPv6:
		src, _ = netip.AddrFromSlice(ip.SrcIP)
		dst, _ = netip.AddrFromSlice(ip.DstIP)
	}
	return src.Unmap(), dst.Unmap()
}

func TestBuildReset(t *testing.T) {
	for _, fam := range []struct{ c, s netip.Addr }{{client4, server4}, {client6, server6}} {
		// Mid-connection segment with 100 bytes of data.
		in := tcpIn(t, fam.c, fam.s, 1000, 5000, false, true, bytes.Repeat([]byte{'x'}, 100))
		toC, toS, err := BuildReset(in)
		if err != nil {
			t.Fatal(err)
		}
		pc, ps := decoded(t, toC), decoded(t, toS)
		if s, d := addrsOf(pc); s != fam.s || d != fam.c {
			t.Errorf("toClient %v→%v", s, d)
		}
		if s, d := addrsOf(ps); s != fam.c || d != fam.s {
			t.Errorf("toServer %v→%v", s, d)
		}
		tc := pc.TransportLayer().(*layers.TCP)
		if !tc.RST || !tc.ACK || tc.Seq != 5000 || tc.Ack != 1100 || tc.SrcPort != 80 || tc.DstPort != 40000 {
			t.Errorf("toClient RST=%v ACK=%v seq=%d ack=%d ports %d→%d; want RST ACK seq 5000 ack 1100 80→40000", tc.RST, tc.ACK, tc.Seq, tc.Ack, tc.SrcPort, tc.DstPort)
		}
		ts := ps.TransportLayer().(*layers.TCP)
		if !ts.RST || ts.ACK || ts.Seq != 1000 || ts.SrcPort != 40000 || ts.DstPort != 80 {
			t.Errorf("toServer RST=%v ACK=%v seq=%d ports %d→%d; want RST seq 1000 40000→80", ts.RST, ts.ACK, ts.Seq, ts.SrcPort, ts.DstPort)
		}
		// A SYN: the client is answered RST|ACK with seq 0, ack = ISN+1.
		syn := tcpIn(t, fam.c, fam.s, 77, 0, true, false, nil)
		toC, _, err = BuildReset(syn)
		if err != nil {
			t.Fatal(err)
		}
		tc = decoded(t, toC).TransportLayer().(*layers.TCP)
		if tc.Seq != 0 || tc.Ack != 78 || !tc.ACK || !tc.RST {
			t.Errorf("SYN reset seq=%d ack=%d ACK=%v RST=%v; want 0, 78, ACK RST", tc.Seq, tc.Ack, tc.ACK, tc.RST)
		}
	}
}

func TestBuildUnreachable(t *testing.T) {
	for _, fam := range []struct{ c, s netip.Addr }{{client4, server4}, {client6, server6}} {
		in := udpIn(t, fam.c, fam.s, 443, bytes.Repeat([]byte{'q'}, 2000))
		out, err := BuildUnreachable(in)
		if err != nil {
			t.Fatal(err)
		}
		p := decoded(t, out)
		if s, d := addrsOf(p); s != fam.s || d != fam.c {
			t.Errorf("%v→%v, want %v→%v", s, d, fam.s, fam.c)
		}
		if fam.c.Is4() {
			ic := p.Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4)
			if ic.TypeCode != layers.CreateICMPv4TypeCode(3, 13) {
				t.Errorf("ICMP %v, want 3/13", ic.TypeCode)
			}
			if len(out) != 576 || !bytes.Equal(out[28:], in[:576-28]) {
				t.Errorf("ICMP error is %d bytes or misquotes; want 576 quoting the datagram", len(out))
			}
		} else {
			ic := p.Layer(layers.LayerTypeICMPv6).(*layers.ICMPv6)
			if ic.TypeCode != layers.CreateICMPv6TypeCode(1, 1) {
				t.Errorf("ICMPv6 %v, want 1/1", ic.TypeCode)
			}
			if len(out) != 1280 || !bytes.Equal(out[48:], in[:1280-48]) {
				t.Errorf("ICMPv6 error is %d bytes or misquotes; want 1280", len(out))
			}
		}
	}
	// TCP is not answered with Unreachable.
	if _, err := BuildUnreachable(tcpIn(t, client4, server4, 1, 1, true, false, nil)); !errors.Is(err, ErrMalformed) {
		t.Errorf("TCP input: err %v, want ErrMalformed", err)
	}
}

func TestBuildDNSAnswer(t *testing.T) {
	a, aaaa := netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("::")
	sink4, sink6 := netip.MustParseAddr("203.0.113.9"), netip.MustParseAddr("2001:db8::9")
	cases := []struct {
		qtype dnsmessage.Type
		a, b  netip.Addr
		want  string // answer address, "" for none
	}{
		{dnsmessage.TypeA, a, aaaa, "0.0.0.0"},
		{dnsmessage.TypeAAAA, a, aaaa, "::"},
		{dnsmessage.TypeA, sink4, sink6, "203.0.113.9"},
		{dnsmessage.TypeAAAA, sink4, sink6, "2001:db8::9"},
		{dnsmessage.TypeMX, sink4, sink6, ""},
		{dnsmessage.TypeAAAA, sink4, netip.Addr{}, ""},
	}
	for _, fam := range []struct{ c, s netip.Addr }{{client4, server4}, {client6, server6}} {
		for _, c := range cases {
			in := udpIn(t, fam.c, fam.s, 53, dnsQuery(t, "blocked.example.", c.qtype))
			out, err := BuildDNSAnswer(in, c.a, c.b, 300)
			if err != nil {
				t.Fatal(err)
			}
			p := decoded(t, out)
			if s, d := addrsOf(p); s != fam.s || d != fam.c {
				t.Errorf("%v→%v", s, d)
			}
			u := p.Layer(layers.LayerTypeUDP).(*layers.UDP)
			if u.SrcPort != 53 || u.DstPort != 53000 {
				t.Errorf("ports %d→%d", u.SrcPort, u.DstPort)
			}
			var m dnsmessage.Message
			if err := m.Unpack(u.Payload); err != nil {
				t.Fatal(err)
			}
			if m.ID != 0xbeef || !m.Response || !m.RecursionDesired || m.RCode != dnsmessage.RCodeSuccess ||
				len(m.Questions) != 1 || m.Questions[0].Name.String() != "blocked.example." || m.Questions[0].Type != c.qtype {
				t.Errorf("%v: header/question %+v %+v", c.qtype, m.Header, m.Questions)
			}
			got := ""
			if len(m.Answers) > 1 {
				t.Errorf("%d answers", len(m.Answers))
			}
			if len(m.Answers) == 1 {
				ans := m.Answers[0]
				if ans.Header.TTL != 300 || ans.Header.Name.String() != "blocked.example." {
					t.Errorf("answer header %+v", ans.Header)
				}
				switch r := ans.Body.(type) {
				case *dnsmessage.AResource:
					got = netip.AddrFrom4(r.A).String()
				case *dnsmessage.AAAAResource:
					got = netip.AddrFrom16(r.AAAA).String()
				}
			}
			if got != c.want {
				t.Errorf("%v answer %q, want %q", c.qtype, got, c.want)
			}
		}
	}
	// A response is not answered; neither is garbage.
	resp := dnsQuery(t, "x.example.", dnsmessage.TypeA)
	resp[2] |= 0x80
	for _, payload := range [][]byte{resp, []byte("not dns"), nil} {
		if _, err := BuildDNSAnswer(udpIn(t, client4, server4, 53, payload), a, aaaa, 60); !errors.Is(err, ErrMalformed) {
			t.Errorf("payload %q: err %v, want ErrMalformed", payload, err)
		}
	}
}

func TestBuildHTTPNotice(t *testing.T) {
	for _, fam := range []struct{ c, s netip.Addr }{{client4, server4}, {client6, server6}} {
		req := []byte("GET / HTTP/1.1\r\nHost: gambling.example\r\n\r\n")
		in := tcpIn(t, fam.c, fam.s, 2000, 9000, false, true, req)
		toC, toS, err := BuildHTTPNotice(in, "notice<1>", "Blocked by the network policy & friends.")
		if err != nil {
			t.Fatal(err)
		}
		pc := decoded(t, toC)
		tc := pc.TransportLayer().(*layers.TCP)
		if !tc.FIN || !tc.ACK || !tc.PSH || tc.RST || tc.Seq != 9000 || tc.Ack != 2000+uint32(len(req)) {
			t.Errorf("toClient flags/seq/ack: FIN=%v ACK=%v seq=%d ack=%d", tc.FIN, tc.ACK, tc.Seq, tc.Ack)
		}
		body := string(tc.Payload)
		for _, want := range []string{"HTTP/1.1 451 Unavailable For Legal Reasons\r\n", "Connection: close\r\n", "notice&lt;1&gt;", "policy &amp; friends"} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q:\n%s", want, body)
			}
		}
		hdr, content, _ := strings.Cut(body, "\r\n\r\n")
		if !strings.Contains(hdr, "Content-Length: "+strconv.Itoa(len(content))) {
			t.Errorf("Content-Length does not match body of %d bytes", len(content))
		}
		ts := decoded(t, toS).TransportLayer().(*layers.TCP)
		if !ts.RST || ts.Seq != 2000 {
			t.Errorf("toServer RST=%v seq=%d", ts.RST, ts.Seq)
		}
		// No request data: error.
		if _, _, err := BuildHTTPNotice(tcpIn(t, fam.c, fam.s, 1, 1, false, true, nil), "r", "t"); !errors.Is(err, ErrMalformed) {
			t.Errorf("empty segment: err %v", err)
		}
	}
	if n := len(NoticePage(strings.Repeat("r", 1000), strings.Repeat("<", 5000))); n > 1000 {
		t.Errorf("page with long inputs is %d bytes, want it bounded", n)
	}
}

func TestMalformed(t *testing.T) {
	good := tcpIn(t, client4, server4, 1, 1, false, true, []byte("GET / HTTP/1.1\r\n\r\n"))
	frag := append([]byte(nil), good...)
	frag[6] = 0x20 // MF
	rst := tcpIn(t, client4, server4, 1, 1, false, true, nil)
	rst[33] |= tcpRST
	bad := map[string][]byte{
		"empty":       nil,
		"version 5":   {0x50, 0, 0, 20},
		"short v4":    good[:19],
		"truncated":   good[:30],
		"fragment":    frag,
		"reset":       rst,
		"short v6":    make([]byte, 39),
		"ihl too big": append([]byte{0x4f}, good[1:]...),
	}
	for name, b := range bad {
		if _, _, err := BuildReset(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: BuildReset err %v, want ErrMalformed", name, err)
		}
		if _, err := BuildUnreachable(b); err == nil {
			t.Errorf("%s: BuildUnreachable accepted it", name)
		}
		if _, err := BuildDNSAnswer(b, client4, client6, 1); err == nil {
			t.Errorf("%s: BuildDNSAnswer accepted it", name)
		}
		if _, _, err := BuildHTTPNotice(b, "r", "t"); err == nil {
			t.Errorf("%s: BuildHTTPNotice accepted it", name)
		}
	}
}

func BenchmarkBuildReset(b *testing.B) {
	in := tcpIn(b, client4, server4, 1000, 5000, false, true, bytes.Repeat([]byte{'x'}, 500))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := BuildReset(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuildDNSAnswer(b *testing.B) {
	in := udpIn(b, client4, server4, 53, dnsQuery(b, "blocked.example.", dnsmessage.TypeA))
	a := netip.MustParseAddr("0.0.0.0")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildDNSAnswer(in, a, netip.IPv6Unspecified(), 60); err != nil {
			b.Fatal(err)
		}
	}
}
