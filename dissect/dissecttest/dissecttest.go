// Package dissecttest helps test dissectors on real captures without the
// engine: it groups a capture's TCP/UDP payloads into flows (naively, in
// capture order, no reassembly) and runs a dissector's probe and parser over
// them, recording everything the parser emits.
//
// It is slow (gopacket's full decoder) and meant for tests only.
package dissecttest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
)

// Segment is one payload in one direction.
type Segment struct {
	Dir  dissect.Dir
	Data []byte
}

// Flow is a capture's flow: endpoints and payloads in capture order.
type Flow struct {
	Proto          uint8
	Client, Server netip.AddrPort
	Segs           []Segment
}

// NDPICorpus returns the path of ../shared/corpus/ndpi/pcap relative to the
// module root, skipping the test when it is absent.
func NDPICorpus(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "corpus", "ndpi", "pcap")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("nDPI corpus not found at %s (needs ../shared/corpus next to the repository)", dir)
	}
	return dir
}

// ReadFlows reads a pcap/pcapng (optionally gzip) file into flows.
func ReadFlows(t testing.TB, path string) []*Flow {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if len(raw) > 2 && raw[0] == 0x1f && raw[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if raw, err = io.ReadAll(zr); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	var src interface {
		ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	}
	var lt layers.LinkType
	if len(raw) >= 4 && bytes.Equal(raw[:4], []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		r, err := pcapgo.NewNgReader(bytes.NewReader(raw), pcapgo.DefaultNgReaderOptions)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		src, lt = r, r.LinkType()
	} else {
		r, err := pcapgo.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		src, lt = r, r.LinkType()
	}
	type key struct {
		proto uint8
		a, b  netip.AddrPort
	}
	byKey := map[key]*Flow{}
	var flows []*Flow
	for {
		data, _, err := src.ReadPacketData()
		if err != nil {
			break
		}
		var first gopacket.Decoder = lt
		if lt == 228 {
			first = layers.LayerTypeIPv4
		} else if lt == 229 {
			first = layers.LayerTypeIPv6
		} else if lt == 101 || lt == 12 || lt == 14 {
			first = layers.LayerTypeIPv4
			if len(data) > 0 && data[0]>>4 == 6 {
				first = layers.LayerTypeIPv6
			}
		}
		p := gopacket.NewPacket(data, first, gopacket.Default)
		var sip, dip netip.Addr
		if l := p.Layer(layers.LayerTypeIPv4); l != nil {
			ip := l.(*layers.IPv4)
			sip, _ = netip.AddrFromSlice(ip.SrcIP.To4())
			dip, _ = netip.AddrFromSlice(ip.DstIP.To4())
		} else if l := p.Layer(layers.LayerTypeIPv6); l != nil {
			ip := l.(*layers.IPv6)
			sip, _ = netip.AddrFromSlice(ip.SrcIP)
			dip, _ = netip.AddrFromSlice(ip.DstIP)
		} else {
			continue
		}
		var proto uint8
		var sp, dp uint16
		var payload []byte
		syn := false
		if l := p.Layer(layers.LayerTypeTCP); l != nil {
			tc := l.(*layers.TCP)
			proto, sp, dp, payload = 6, uint16(tc.SrcPort), uint16(tc.DstPort), tc.Payload
			syn = tc.SYN && !tc.ACK
		} else if l := p.Layer(layers.LayerTypeUDP); l != nil {
			u := l.(*layers.UDP)
			proto, sp, dp, payload = 17, uint16(u.SrcPort), uint16(u.DstPort), u.Payload
		} else {
			continue
		}
		s, d := netip.AddrPortFrom(sip, sp), netip.AddrPortFrom(dip, dp)
		f := byKey[key{proto, s, d}]
		dir := dissect.ToServer
		if f == nil {
			if f = byKey[key{proto, d, s}]; f != nil {
				dir = dissect.ToClient
			}
		}
		if f == nil {
			f = &Flow{Proto: proto, Client: s, Server: d}
			_ = syn
			byKey[key{proto, s, d}] = f
			flows = append(flows, f)
		}
		if len(payload) > 0 {
			f.Segs = append(f.Segs, Segment{dir, append([]byte(nil), payload...)})
		}
	}
	return flows
}

// Recorder is an Emitter that keeps everything, for assertions.
type Recorder struct {
	Hosts     []string
	Events    []string // "typ " + JSON of the record
	Addrs     map[string][]netip.Addr
	Anomalies []string
	MetaKV    map[string]string
	Upgraded  string
	Servers   []string
	Buffers   []string // from Inspect: "tx typ buffer=value"
}

var _ dissect.Emitter = (*Recorder)(nil)

func (r *Recorder) Host(name []byte) { r.Hosts = append(r.Hosts, string(name)) }
func (r *Recorder) Event(dir dissect.Dir, typ string, rec dissect.Record) {
	var w event.Writer
	rec.AppendEVE(&w)
	if !json.Valid(w.B) {
		panic(fmt.Sprintf("dissecttest: %s record is not valid JSON: %s", typ, w.B))
	}
	r.Events = append(r.Events, typ+" "+string(w.B))
}
func (r *Recorder) Resolved(name []byte, addr netip.Addr) {
	if r.Addrs == nil {
		r.Addrs = map[string][]netip.Addr{}
	}
	r.Addrs[string(name)] = append(r.Addrs[string(name)], addr)
}
func (r *Recorder) Anomaly(kind string) { r.Anomalies = append(r.Anomalies, kind) }
func (r *Recorder) Meta(key string, value []byte) {
	if r.MetaKV == nil {
		r.MetaKV = map[string]string{}
	}
	r.MetaKV[key] = string(value)
}
func (r *Recorder) Upgrade(proto string) { r.Upgraded = proto }

// Inspect records the transaction's rule buffers as "tx typ buffer=value".
func (r *Recorder) Inspect(dir dissect.Dir, tx uint64, typ string, rec dissect.Record) {
	f, ok := rec.(dissect.Fields)
	if !ok {
		panic("dissecttest: Inspect with a " + typ + " record that does not implement dissect.Fields")
	}
	f.RuleFields(func(b string, v []byte) {
		r.Buffers = append(r.Buffers, fmt.Sprintf("%d %s %s=%s", tx, typ, b, v))
	})
}
func (r *Recorder) ServerName(name []byte) { r.Servers = append(r.Servers, string(name)) }

// Result is what Run saw.
type Result struct {
	Verdict dissect.Verdict
	Rec     *Recorder
}

// Run probes f with d (TCP probes see the accumulated bytes of a direction,
// as the engine gives them) and, on Match, feeds every segment from the
// matching one on to d's parser, then closes it.
func Run(d *dissect.Dissector, f *Flow) Result {
	rec := &Recorder{}
	c := &dissect.Ctx{Proto: f.Proto, Client: f.Client, Server: f.Server, Emit: rec, Inspecting: true}
	var acc [2][]byte
	v := dissect.NeedMore
	start := -1
	for i, s := range f.Segs {
		c.Pkts[s.Dir]++
		data := s.Data
		if f.Proto == 6 {
			if len(acc[s.Dir]) < 4096 {
				acc[s.Dir] = append(acc[s.Dir], s.Data...)
			}
			data = acc[s.Dir]
		}
		v = d.Probe(c, s.Dir, data)
		if v != dissect.NeedMore {
			start = i
			break
		}
		if c.Pkts[0]+c.Pkts[1] >= 16 {
			break
		}
	}
	if v != dissect.Match || d.New == nil {
		return Result{v, rec}
	}
	p := d.New()
	c.Pkts = [2]uint32{}
	// TCP: replay the direction prefixes the probe saw, then the rest.
	done := false
	for _, s := range f.Segs[:start+1] {
		c.Pkts[s.Dir]++
		if !done && p.Feed(c, s.Dir, s.Data) != dissect.Continue {
			done = true
		}
	}
	for _, s := range f.Segs[start+1:] {
		c.Pkts[s.Dir]++
		if !done && p.Feed(c, s.Dir, s.Data) != dissect.Continue {
			done = true
		}
	}
	p.Close(c)
	return Result{v, rec}
}

// Nop is an Emitter that discards everything, so allocation tests count
// only the parser's own allocations.
type Nop struct{}

var _ dissect.Emitter = Nop{}

func (Nop) Host([]byte)                               {}
func (Nop) Event(dissect.Dir, string, dissect.Record) {}
func (Nop) Resolved([]byte, netip.Addr)               {}
func (Nop) Anomaly(string)                            {}
func (Nop) Meta(string, []byte)                       {}
func (Nop) Upgrade(string)                            {}
func (Nop) ServerName([]byte)                         {}

// CheckStartTLS walks a STARTTLS exchange — the server's greeting, the
// client's request, the server's positive answer — and fails t unless the
// probe accepts the greeting and the parser hands the flow to "tls" exactly
// at the answer, returning Done.
func CheckStartTLS(t testing.TB, d *dissect.Dissector, greeting, request, answer string) {
	t.Helper()
	rec := &Recorder{}
	c := &dissect.Ctx{Proto: 6, Emit: rec, Inspecting: true}
	if v := d.Probe(c, dissect.ToClient, []byte(greeting)); v != dissect.Match && v != dissect.NeedMore {
		t.Fatalf("probe on greeting: %v", v)
	}
	p := d.New()
	p.Feed(c, dissect.ToClient, []byte(greeting))
	p.Feed(c, dissect.ToServer, []byte(request))
	if rec.Upgraded != "" {
		t.Fatal("upgraded before the answer")
	}
	if st := p.Feed(c, dissect.ToClient, []byte(answer)); st != dissect.Done || rec.Upgraded != "tls" {
		t.Fatalf("status %v upgraded %q", st, rec.Upgraded)
	}
}

// CheckRoundAllocs fails t if a command (fed in two pieces) and its reply
// allocate once the parser's buffers have grown (STYLE.md §4).
func CheckRoundAllocs(t testing.TB, d *dissect.Dissector, cmd, reply string) {
	t.Helper()
	c := &dissect.Ctx{Proto: 6, Emit: Nop{}, Inspecting: true}
	p := d.New()
	cb, rb := []byte(cmd), []byte(reply)
	round := func() {
		p.Feed(c, dissect.ToServer, cb[:3])
		p.Feed(c, dissect.ToServer, cb[3:])
		p.Feed(c, dissect.ToClient, rb)
	}
	round()
	if n := testing.AllocsPerRun(100, round); n != 0 {
		t.Fatalf("%v allocs per round", n)
	}
}

// Inspect walks the record's rule buffers (as the engine does with rules
// loaded), so allocation tests count them too.
func (Nop) Inspect(_ dissect.Dir, _ uint64, _ string, rec dissect.Record) {
	if f, ok := rec.(dissect.Fields); ok {
		f.RuleFields(func(string, []byte) {})
	}
}
