package dns

import (
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
	"github.com/netsift/netsift/event"
)

// msgBuilder writes DNS messages the way resolvers do (RFC 1035 §4),
// with compression pointers given explicitly.
type msgBuilder struct{ b []byte }

func newMsg(id, flags uint16, qd, an, ns, ar uint16) *msgBuilder {
	m := &msgBuilder{}
	for _, v := range []uint16{id, flags, qd, an, ns, ar} {
		m.b = binary.BigEndian.AppendUint16(m.b, v)
	}
	return m
}

func (m *msgBuilder) name(s string) *msgBuilder {
	for _, l := range strings.Split(s, ".") {
		if l != "" {
			m.b = append(m.b, byte(len(l)))
			m.b = append(m.b, l...)
		}
	}
	m.b = append(m.b, 0)
	return m
}
func (m *msgBuilder) ptr(off int) *msgBuilder {
	m.b = append(m.b, 0xc0|byte(off>>8), byte(off))
	return m
}
func (m *msgBuilder) u16(v ...uint16) *msgBuilder {
	for _, x := range v {
		m.b = binary.BigEndian.AppendUint16(m.b, x)
	}
	return m
}
func (m *msgBuilder) u32(v uint32) *msgBuilder  { m.b = binary.BigEndian.AppendUint32(m.b, v); return m }
func (m *msgBuilder) raw(b ...byte) *msgBuilder { m.b = append(m.b, b...); return m }

// query: www.example.com A, RD, with an EDNS OPT record.
func query() []byte {
	return newMsg(0x1234, 0x0100, 1, 0, 0, 1).name("www.example.com").u16(1, 1).
		raw(0).u16(41, 1232).u32(0).u16(0).b
}

// response: www.example.com CNAME edge.example.net, edge A ×2, AAAA, with
// the authority SOA.
func response() []byte {
	m := newMsg(0x1234, 0x8180, 1, 4, 1, 0).name("www.Example.com").u16(1, 1)
	m.ptr(12).u16(5, 1).u32(300).u16(18).name("edge.example.net") // rdata at 45
	m.ptr(45).u16(1, 1).u32(60).u16(4).raw(192, 0, 2, 1)
	m.ptr(45).u16(1, 1).u32(60).u16(4).raw(192, 0, 2, 2)
	m.ptr(45).u16(28, 1).u32(60).u16(16).raw(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)
	m.ptr(50).u16(6, 1).u32(900)
	start := len(m.b)
	m.u16(0).name("ns1.example.net").name("hostmaster.example.net").u32(2024010101).u32(7200).u32(3600).u32(1209600).u32(300)
	binary.BigEndian.PutUint16(m.b[start:], uint16(len(m.b)-start-2))
	return m.b
}

func ctx(proto uint8, server uint16, rec dissect.Emitter) *dissect.Ctx {
	return &dissect.Ctx{Proto: proto, Client: netip.MustParseAddrPort("10.0.0.2:40000"),
		Server: netip.AddrPortFrom(netip.MustParseAddr("10.0.0.1"), server), Pkts: [2]uint32{1, 0}, Emit: rec}
}

func TestQueryResponse(t *testing.T) {
	rec := &dissecttest.Recorder{}
	c := ctx(17, 53, rec)
	if v := probeDNS(c, dissect.ToServer, query()); v != dissect.Match {
		t.Fatalf("probe(query) = %v", v)
	}
	if v := probeDNS(c, dissect.ToClient, response()); v != dissect.Match {
		t.Fatalf("probe(response) = %v", v)
	}
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, query())
	p.Feed(c, dissect.ToClient, response())
	p.Close(c)
	wantQ := `dns {"version":3,"type":"request","id":4660,"flags":"100","rd":true,"opcode":0,"rcode":"NOERROR","queries":[{"rrname":"www.example.com","rrtype":"A"}]}`
	wantR := `dns {"version":3,"type":"response","id":4660,"flags":"8180","qr":true,"rd":true,"ra":true,"opcode":0,"rcode":"NOERROR",` +
		`"queries":[{"rrname":"www.Example.com","rrtype":"A"}],` +
		`"answers":[{"rrname":"www.Example.com","rrtype":"CNAME","ttl":300,"rdata":"edge.example.net"},` +
		`{"rrname":"edge.example.net","rrtype":"A","ttl":60,"rdata":"192.0.2.1"},{"rrname":"edge.example.net","rrtype":"A","ttl":60,"rdata":"192.0.2.2"},` +
		`{"rrname":"edge.example.net","rrtype":"AAAA","ttl":60,"rdata":"2001:db8::1"}],` +
		`"grouped":{"CNAME":["edge.example.net"],"A":["192.0.2.1","192.0.2.2"],"AAAA":["2001:db8::1"]},` +
		`"authorities":[{"rrname":"example.net","rrtype":"SOA","ttl":900,"soa":{"mname":"ns1.example.net","rname":"hostmaster.example.net","serial":2024010101,"refresh":7200,"retry":3600,"expire":1209600,"minimum":300}}]}`
	if len(rec.Events) != 2 || rec.Events[0] != wantQ || rec.Events[1] != wantR {
		t.Fatalf("events:\n%s\nwant\n%s\n%s", strings.Join(rec.Events, "\n"), wantQ, wantR)
	}
	if strings.Join(rec.Hosts, ",") != "www.example.com" {
		t.Errorf("hosts %q", rec.Hosts)
	}
	got := rec.Addrs["www.example.com"]
	if len(got) != 3 || got[0].String() != "192.0.2.1" || got[2].String() != "2001:db8::1" {
		t.Errorf("resolved %v", rec.Addrs)
	}
	if len(rec.Anomalies) != 0 {
		t.Errorf("anomalies %v", rec.Anomalies)
	}
}

// TestTCPFraming feeds two length-prefixed messages split at every byte.
func TestTCPFraming(t *testing.T) {
	var stream []byte
	for _, m := range [][]byte{response(), response()} {
		stream = binary.BigEndian.AppendUint16(stream, uint16(len(m)))
		stream = append(stream, m...)
	}
	if v := probeDNS(ctx(6, 53, nil), dissect.ToClient, stream[:40]); v != dissect.NeedMore {
		t.Errorf("probe(prefix) = %v", v)
	}
	if v := probeDNS(ctx(6, 53, nil), dissect.ToClient, stream); v != dissect.Match {
		t.Errorf("probe(stream) = %v", v)
	}
	for i := 0; i <= len(stream); i++ {
		rec := &dissecttest.Recorder{}
		c := ctx(6, 53, rec)
		p := Dissector.New()
		p.Feed(c, dissect.ToClient, stream[:i])
		p.Feed(c, dissect.ToClient, stream[i:])
		p.Close(c)
		if len(rec.Events) != 2 || rec.Events[0] != rec.Events[1] || len(rec.Anomalies) > 0 {
			t.Fatalf("split at %d: %d events, anomalies %v", i, len(rec.Events), rec.Anomalies)
		}
	}
}

func TestProbeStrict(t *testing.T) {
	loop := newMsg(1, 0x0100, 1, 0, 0, 0).raw(0xc0, 12).u16(1, 1).b
	bigCount := newMsg(1, 0x0100, 1, 0, 0, 200).name("a.example").u16(1, 1).b
	mdns := newMsg(0, 0x8400, 0, 1, 0, 0).name("printer.local").u16(1, 0x8001).u32(120).u16(4).raw(192, 168, 1, 9).b
	for _, tc := range []struct {
		name string
		port uint16
		msg  []byte
		want dissect.Verdict
		d    *dissect.Dissector
	}{
		{"query on odd port", 9999, query(), dissect.Match, Dissector},
		{"pointer loop", 53, loop, dissect.NoMatch, Dissector},
		{"counts too big", 53, bigCount, dissect.NoMatch, Dissector},
		{"random", 53, []byte("\x17\x03\x03\x00\x20abcdefghijklmnopqrstuvwxyz012345"), dissect.NoMatch, Dissector},
		{"mdns port for dns", 5353, mdns, dissect.NoMatch, Dissector},
		{"mdns", 5353, mdns, dissect.Match, MDNS},
		{"mdns on 53", 53, mdns, dissect.NoMatch, MDNS},
		{"netbios", 137, query(), dissect.NoMatch, Dissector},
		{"trailing bytes off port", 9999, append(query(), 0, 0), dissect.NoMatch, Dissector},
	} {
		if got := tc.d.Probe(ctx(17, tc.port, nil), dissect.ToServer, tc.msg); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	// mDNS announcement: host and resolution from the answer.
	rec := &dissecttest.Recorder{}
	p := MDNS.New()
	p.Feed(ctx(17, 5353, rec), dissect.ToServer, mdns)
	if len(rec.Events) != 0 || strings.Join(rec.Hosts, ",") != "printer.local" || rec.Addrs["printer.local"][0].String() != "192.168.1.9" {
		t.Errorf("mdns: events %v hosts %v addrs %v", rec.Events, rec.Hosts, rec.Addrs)
	}
}

var benchW event.Writer

type benchEmitter struct{ dissecttest.Recorder }

func (*benchEmitter) Host([]byte)                                     {}
func (*benchEmitter) Event(_ dissect.Dir, _ string, r dissect.Record) { r.AppendEVE(&benchW) }
func (*benchEmitter) Resolved([]byte, netip.Addr)                     {}
func (*benchEmitter) Meta(string, []byte)                             {}
func (*benchEmitter) Anomaly(string)                                  {}

// Inspect walks the rule buffers as the engine does with rules loaded.
func (*benchEmitter) Inspect(d dissect.Dir, tx uint64, typ string, r dissect.Record) {
	dissecttest.Nop{}.Inspect(d, tx, typ, r)
}

// BenchmarkDNSQuery measures probe + parse + EVE of a query and its
// response on a warm parser.
func BenchmarkDNSQuery(b *testing.B) {
	q, r := query(), response()
	c := ctx(17, 53, &benchEmitter{})
	p := Dissector.New()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		benchW.Reset()
		probeDNS(c, dissect.ToServer, q)
		p.Feed(c, dissect.ToServer, q)
		p.Feed(c, dissect.ToClient, r)
	}
}

func TestAllocs(t *testing.T) {
	q, r := query(), response()
	c := ctx(17, 53, &benchEmitter{})
	p := Dissector.New()
	p.Feed(c, dissect.ToClient, r)
	if n := testing.AllocsPerRun(100, func() {
		benchW.Reset()
		probeDNS(c, dissect.ToServer, q)
		probeDNS(c, dissect.ToClient, r)
		p.Feed(c, dissect.ToServer, q)
		p.Feed(c, dissect.ToClient, r)
	}); n != 0 {
		t.Errorf("%v allocations per query+response, want 0", n)
	}
}

// FuzzDNS feeds arbitrary bytes to every probe and to the parsers over UDP
// and TCP in both directions.
func FuzzDNS(f *testing.F) {
	f.Add(query(), uint16(3))
	f.Add(response(), uint16(50))
	f.Fuzz(func(t *testing.T, data []byte, cut uint16) {
		rec := &dissecttest.Recorder{}
		for _, proto := range []uint8{17, 6} {
			c := ctx(proto, 53, rec)
			for _, d := range []*dissect.Dissector{Dissector, MDNS, LLMNR} {
				d.Probe(c, dissect.ToServer, data)
				d.Probe(c, dissect.ToClient, data)
			}
			for _, k := range []kind{kindDNS, kindMDNS} {
				p := newParser(k)
				i := int(cut) % (len(data) + 1)
				p.Feed(c, dissect.ToServer, data[:i])
				p.Feed(c, dissect.ToClient, data)
				p.Feed(c, dissect.ToServer, data[i:])
				p.Gap(c, dissect.ToServer, 3)
				p.Close(c)
			}
		}
	})
}
