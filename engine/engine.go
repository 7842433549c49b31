package engine

import (
	"errors"
	"io"
	"net/netip"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netsift/netsift/capture"
	"github.com/netsift/netsift/decode"
	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
	"github.com/netsift/netsift/flow"
)

// Engine runs captures through the pipeline.
type Engine struct {
	cfg     Config
	workers []*worker
	dns     dnsCache

	// Probe order per transport: port-hinted dissectors first, by port.
	byPort [2]map[uint16][]int // [0] TCP, [1] UDP
	order  [2][]int
	ports  *[1024]uint64 // bit per hint port (service-port heuristic); a map cost 2% of a run
	// encryptedApp marks the dissectors whose payload is ciphertext after
	// the handshake (encryptedApps), by registry index.
	encryptedApp [dissect.MaxDissectors]bool

	outMu      sync.Mutex
	framesRead atomic.Uint64

	// dispatcher state (the reading goroutine)
	dec   *decode.Decoder
	pkt   decode.Packet
	dw    event.Writer
	dout  []byte
	dstat Stats
}

// New builds an engine.
func New(cfg Config) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.defaults()
	e := &Engine{cfg: cfg, ports: new([1024]uint64)}
	e.dns = dnsCache{m: map[netip.Addr]string{}, max: cfg.DNSCacheSize}
	for t := 0; t < 2; t++ {
		e.byPort[t] = map[uint16][]int{}
	}
	for i := 0; i < cfg.Registry.Len(); i++ {
		d := cfg.Registry.At(i)
		for t, tr := range [2]dissect.Transport{dissect.TCP, dissect.UDP} {
			if d.Transport&tr == 0 {
				continue
			}
			e.order[t] = append(e.order[t], i)
			for _, p := range d.Ports {
				e.byPort[t][p] = append(e.byPort[t][p], i)
				e.ports[p>>6] |= 1 << (p & 63)
			}
		}
	}
	for _, name := range encryptedApps {
		if i := cfg.Registry.Index(name); i >= 0 {
			e.encryptedApp[i] = true
		}
	}
	e.dec = decode.NewDecoder(cfg.Decode)
	e.dstat.init()
	for i := 0; i < cfg.Workers; i++ {
		e.workers = append(e.workers, newWorker(e, i))
	}
	return e, nil
}

func tIndex(proto uint8) int {
	if proto == decode.ProtoUDP {
		return 1
	}
	return 0
}

func (e *Engine) servicePort(p uint16) bool { return e.ports[p>>6]&(1<<(p&63)) != 0 }

// probe runs, in registration order, the probes that have not failed on
// this flow and returns the index of the first match or -1. Registration
// order is the only priority (strict signatures first, weak heuristics
// last); ports are not consulted here, so a protocol on an unusual port is
// found the same way, and a weak probe never outranks a strict one because
// of a port.
func (e *Engine) probe(c *dissect.Ctx, st *flowState, proto uint8, dir dissect.Dir, data []byte) int {
	reg := e.cfg.Registry
	for _, i := range e.order[tIndex(proto)] {
		if st.isFailed(i) {
			continue
		}
		switch reg.At(i).Probe(c, dir, data) {
		case dissect.Match:
			return i
		case dissect.NoMatch:
			st.setFailed(i)
		}
	}
	return -1
}

func (e *Engine) allFailed(st *flowState, proto uint8) bool {
	for _, i := range e.order[tIndex(proto)] {
		if !st.isFailed(i) {
			return false
		}
	}
	return true
}

// guessByPort names an unidentified flow by a well-known port: the lower
// port first (servers usually hold it).
func (e *Engine) guessByPort(proto uint8, pa, pb uint16) int {
	if proto != decode.ProtoTCP && proto != decode.ProtoUDP {
		return -1
	}
	t := tIndex(proto)
	if pb < pa {
		pa, pb = pb, pa
	}
	for _, p := range [2]uint16{pa, pb} {
		if l := e.byPort[t][p]; len(l) > 0 {
			return l[0]
		}
	}
	return -1
}

func (e *Engine) write(b []byte) {
	e.outMu.Lock()
	e.cfg.Output.Write(b)
	e.outMu.Unlock()
}

// Run reads src to its end through the pipeline. It returns the source's
// error (io.EOF is not an error); flows stay open across calls so several
// captures can be read as one, until Close.
func (e *Engine) Run(src capture.Source) error {
	if len(e.workers) > 1 {
		return e.runParallel(src)
	}
	w := e.workers[0]
	var ci capture.Info
	for {
		frame, err := src.Next(&ci)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if e.decodeFrame(frame, &ci) {
			w.handle(&e.pkt)
		}
	}
}

// decodeFrame decodes into e.pkt and counts what is not trackable.
func (e *Engine) decodeFrame(frame []byte, ci *capture.Info) bool {
	e.dstat.frames++
	if e.dstat.frames&255 == 0 {
		e.framesRead.Store(e.dstat.frames)
	}
	p := &e.pkt
	e.dec.Decode(ci.LinkType, frame, ci.Time, p)
	p.Frame = e.dstat.frames
	e.countDecoded(p, ci.LinkType)
	if ci.Len > p.Length {
		p.Length = ci.Len
	}
	switch p.Anomaly {
	case decode.AnomalyNone:
		if p.InnerAnomaly != decode.AnomalyNone {
			// A tunnel guess failed: the outer packet is still tracked.
			e.dstat.decodeAnom[p.InnerAnomaly]++
		}
		return true
	case decode.AnomalyUnknownEtherType:
		e.dstat.nonIP++
		if p.EtherType == 0x0806 {
			e.dstat.dec[decARP]++
		} else {
			e.dstat.dec[decUnknownEther]++
		}
		return false
	case decode.AnomalyFragPending:
		e.dstat.fragPending++
		return false
	}
	e.dstat.decodeAnom[p.Anomaly]++
	e.anomalyEvent(p, ci)
	return false
}

// countDecoded counts the link layers, IP versions and (for packets that
// decoded) transports of p, Suricata's decoder counters.
func (e *Engine) countDecoded(p *decode.Packet, link int) {
	d := &e.dstat.dec
	if link == decode.LinkEthernet {
		d[decEthernet]++
	}
	switch p.IPVersion {
	case 4:
		d[decIPv4]++
	case 6:
		d[decIPv6]++
	}
	for _, l := range [...]struct {
		bit uint8
		c   int
	}{{decode.LayerVLAN, decVLAN}, {decode.LayerMPLS, decMPLS}, {decode.LayerPPPoE, decPPPoE}, {decode.LayerNSH, decNSH}} {
		if p.Layers&l.bit != 0 {
			d[l.c]++
		}
	}
	if p.Anomaly != decode.AnomalyNone {
		return
	}
	switch p.Proto {
	case decode.ProtoTCP:
		d[decTCP]++
	case decode.ProtoUDP:
		d[decUDP]++
	case decode.ProtoICMP:
		d[decICMPv4]++
	case decode.ProtoICMPv6:
		d[decICMPv6]++
	case decode.ProtoSCTP:
		d[decSCTP]++
	}
}

// anomalyEvent writes Suricata's decode anomaly event.
func (e *Engine) anomalyEvent(p *decode.Packet, ci *capture.Info) {
	h := event.Header{Time: ci.Time, Type: "anomaly", PcapCnt: p.Frame}
	if p.IPVersion != 0 {
		h.Src, h.Dst = addrOf(&p.Src, p.IPVersion == 6), addrOf(&p.Dst, p.IPVersion == 6)
		h.SPort, h.DPort, h.Proto = p.SrcPort, p.DstPort, p.Proto
	}
	w := &e.dw
	event.BeginEvent(w, &h)
	w.Key("anomaly")
	w.ObjStart()
	w.KString("type", "decode")
	w.KString("event", "decoder."+p.Anomaly.String())
	w.ObjEnd()
	w.Key("netsift")
	w.ObjStart()
	w.KInt("offset", ci.Offset)
	w.ObjEnd()
	w.ObjEnd()
	e.dout = append(e.dout, w.B...)
	e.dout = append(e.dout, '\n')
	w.Reset()
	e.dstat.events++
	if len(e.dout) > 64<<10 {
		e.write(e.dout)
		e.dout = e.dout[:0]
	}
}

// Close ends every open flow (writing their events), writes a stats event
// and flushes the output. The engine cannot be used afterwards.
func (e *Engine) Close() {
	for _, w := range e.workers {
		w.table.Flush()
		fs := w.table.Stats()
		w.stats.evicted = fs.Evicted
		w.stats.peakFlows = fs.Peak
		w.flushOut(true)
	}
	if len(e.dout) > 0 {
		e.write(e.dout)
		e.dout = e.dout[:0]
	}
	e.statsEvent()
}

// Stats merges every worker's counters.
func (e *Engine) Stats() *Stats {
	var s Stats
	s.init()
	s.merge(&e.dstat)
	for _, w := range e.workers {
		s.merge(&w.stats)
	}
	return &s
}

func (e *Engine) statsEvent() {
	s := e.Stats()
	var last time.Time
	for _, w := range e.workers {
		if w.now.After(last) {
			last = w.now
		}
	}
	if last.IsZero() { // no packet was read: stamp the event with the wall clock
		last = time.Now()
	}
	w := &e.dw
	event.BeginEvent(w, &event.Header{Time: last, Type: "stats"})
	w.Key("stats")
	w.ObjStart()
	w.KInt("uptime", 0)
	w.Key("decoder")
	w.ObjStart()
	w.KUint("pkts", s.frames)
	w.KUint("bytes", s.bytes)
	var invalid uint64
	for _, n := range s.decodeAnom {
		invalid += n
	}
	w.KUint("invalid", invalid)
	for i, name := range decNames {
		w.KUint(name, s.dec[i])
	}
	w.ObjEnd()
	w.Key("flow")
	w.ObjStart()
	w.KUint("total", s.flows)
	w.ObjEnd()
	if e.cfg.Rules != nil {
		w.Key("detect")
		w.ObjStart()
		w.KUint("alert", s.alerts)
		w.ObjEnd()
	}
	w.Key("app_layer")
	w.ObjStart()
	w.Key("flow")
	w.ObjStart()
	// Every counter, zeros too, as Suricata's stats (null-values).
	all := make(map[string]uint64, len(eveFlowKeys))
	for k := range eveFlowKeys {
		all[k] = 0
	}
	for k, v := range s.eveApps {
		all[k] = v
	}
	for _, name := range sortedKeys(all) {
		w.KUint(name, all[name])
	}
	w.ObjEnd()
	w.ObjEnd()
	w.ObjEnd()
	// netsift's own counters: every application, anomalies by kind.
	w.Key("netsift")
	w.ObjStart()
	w.Key("apps")
	w.ObjStart()
	for _, name := range sortedKeys(s.apps) {
		a := s.apps[name]
		w.Key(name)
		w.ObjStart()
		w.KUint("flows", a.Flows)
		w.KUint("packets", a.Packets)
		w.KUint("bytes", a.Bytes)
		w.ObjEnd()
	}
	w.ObjEnd()
	an := s.Anomalies()
	w.Key("anomalies")
	w.ObjStart()
	for _, k := range sortedKeys(an) {
		w.KUint(k, an[k])
	}
	w.ObjEnd()
	w.KUint("non_ip", s.nonIP)
	w.KUint("evicted", s.evicted)
	w.ObjEnd()
	w.ObjEnd()
	e.dout = append(e.dout, w.B...)
	e.dout = append(e.dout, '\n')
	w.Reset()
	e.write(e.dout)
	e.dout = e.dout[:0]
}

var _ = flow.EndTimeout

// FramesRead returns the frames read so far; safe from any goroutine (for
// progress displays).
func (e *Engine) FramesRead() uint64 { return e.framesRead.Load() }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
