package engine

import (
	"io"
	"strings"
	"testing"

	"github.com/netsift/netsift/capture"
	"github.com/netsift/netsift/capture/pcapfile"
	"github.com/netsift/netsift/decode"
	"github.com/netsift/netsift/dissect/all"
	"github.com/netsift/netsift/rules"
)

// samplePackets decodes the shipped sample into owned packets.
func samplePackets(t testing.TB) []decode.Packet {
	src, err := pcapfile.Open("../testdata/sample.pcap")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dec := decode.NewDecoder(decode.Config{})
	var out []decode.Packet
	var ci capture.Info
	for {
		frame, err := src.Next(&ci)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		var p decode.Packet
		dec.Decode(ci.LinkType, append([]byte(nil), frame...), ci.Time, &p)
		if p.Anomaly == decode.AnomalyNone {
			p.Payload = append([]byte(nil), p.Payload...)
			out = append(out, p)
		}
	}
}

// TestPerPacketAllocs: once a flow exists, handling its packets allocates
// nothing — on the fast path after identification (TLS), and while a
// parser is still fed and writes events (DNS).
func TestPerPacketAllocs(t *testing.T) {
	pkts := samplePackets(t)
	e, err := New(Config{Registry: all.Registry(), Output: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	w := e.workers[0]
	for i := range pkts {
		w.handle(&pkts[i])
	}
	var tlsData, dnsQuery *decode.Packet
	for i := range pkts {
		p := &pkts[i]
		if p.Proto == decode.ProtoTCP && p.DstPort == 443 && len(p.Payload) > 0 {
			tlsData = p // the last one: application data after the handshake
		}
		if p.Proto == decode.ProtoUDP && p.DstPort == 53 && dnsQuery == nil {
			dnsQuery = p
		}
	}
	if tlsData == nil || dnsQuery == nil {
		t.Fatal("sample lacks a TLS data packet or a DNS query")
	}
	for name, p := range map[string]*decode.Packet{"tls fast path": tlsData, "dns parser": dnsQuery} {
		w.handle(p) // warm up
		if n := testing.AllocsPerRun(1000, func() { w.handle(p) }); n != 0 {
			t.Errorf("%s: %v allocations per packet, want 0", name, n)
		}
	}
}

// BenchmarkEngineSample measures the whole per-packet path (flow lookup,
// reassembly, probes, parsers, EVE encoding) over the sample's packets.
func BenchmarkEngineSample(b *testing.B) {
	pkts := samplePackets(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; {
		b.StopTimer()
		e, _ := New(Config{Registry: all.Registry(), Output: io.Discard})
		w := e.workers[0]
		b.StartTimer()
		for j := range pkts {
			w.handle(&pkts[j])
			i++
		}
		e.Close()
	}
}

// TestPerPacketAllocsWithRules: with signatures loaded, inspecting a
// packet that alerts on nothing allocates nothing either (UDP payload,
// TCP stream, and a DNS transaction with its buffers).
func TestPerPacketAllocsWithRules(t *testing.T) {
	rs, err := rules.NewParser(rules.DefaultVars()).Load("t.rules", strings.NewReader(
		`alert tcp any any -> any any (msg:"never"; content:"zzzz-never-there"; sid:1;)
alert udp any any -> any any (msg:"never"; content:"zzzz-never-there"; sid:2;)
alert dns any any -> any any (msg:"never"; dns.query; content:"never.invalid"; sid:3;)
alert http any any -> any any (msg:"never"; http.uri; content:"/never"; sid:4;)`))
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := NewSignatures(rs, rules.DefaultClassifications())
	if err != nil {
		t.Fatal(err)
	}
	pkts := samplePackets(t)
	e, err := New(Config{Registry: all.Registry(), Output: io.Discard, Rules: func() *Signatures { return sigs }})
	if err != nil {
		t.Fatal(err)
	}
	w := e.workers[0]
	for i := range pkts {
		w.handle(&pkts[i])
	}
	var tcpData, dnsQuery *decode.Packet
	for i := range pkts {
		p := &pkts[i]
		if p.Proto == decode.ProtoTCP && p.DstPort == 80 && len(p.Payload) > 0 && tcpData == nil {
			tcpData = p
		}
		if p.Proto == decode.ProtoUDP && p.DstPort == 53 && dnsQuery == nil {
			dnsQuery = p
		}
	}
	if tcpData == nil || dnsQuery == nil {
		t.Fatal("sample lacks an HTTP request or a DNS query")
	}
	for name, p := range map[string]*decode.Packet{"tcp": tcpData, "dns transaction": dnsQuery} {
		w.handle(p) // warm up
		if n := testing.AllocsPerRun(1000, func() { w.handle(p) }); n != 0 {
			t.Errorf("%s: %v allocations per packet with rules, want 0", name, n)
		}
	}
}
