package engine

import (
	"net/netip"
	"time"

	"github.com/netsift/netsift/decode"
	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
	"github.com/netsift/netsift/flow"
	"github.com/netsift/netsift/policy"
	"github.com/netsift/netsift/rules"
	"github.com/netsift/netsift/rules/match"
	"github.com/netsift/netsift/stream"
)

type entry = flow.Entry[flowState]

// worker runs the pipeline for the flows hashed to it. All its state is
// owned by its goroutine.
type worker struct {
	e          *Engine
	id         int
	table      *flow.Table[flowState]
	w          event.Writer // current event
	out        []byte       // batch of complete lines
	ctx        dissect.Ctx
	em         emitter
	sink       streamSink
	now        time.Time
	frame      uint64 // current packet's pcap_cnt
	lastExpire time.Time
	pool       []*probeBuf
	seq        uint64
	stats      Stats

	// Signature inspection (rules.go); unused without rules.
	cur        *decode.Packet // the packet being handled
	curE       *entry         // its flow
	win        []byte         // tail of earlier data + in-order stream bytes the current packet completed
	fresh      int            // where the current packet's bytes start in win
	collecting bool           // win holds the current packet's window
	mtx        match.Tx
	bufs       txBufs
	addBuf     func(string, []byte)
	bufFn      func(string) [][]byte
	hits       []*rules.Rule
	hitFn      func(*rules.Rule)
	closing    bool // the current TCP packet came after a FIN or RST
	macBuf     [17]byte
	sigBlocked bool // a drop/reject signature blocked the current packet's flow
	sigDrop    bool // a drop/reject signature dropped the current packet only
	sigDropDec policy.Decision
	dropRule   *rules.Rule // the rule that dropped the current packet
	sigPool    []*sigState
}

func newWorker(e *Engine, id int) *worker {
	w := &worker{e: e, id: id}
	w.table = flow.New[flowState](e.cfg.Flow, w.flowEnd)
	w.em.w = w
	w.sink.w = w
	w.ctx.Emit = &w.em
	w.ctx.Inspecting = e.cfg.Rules != nil
	w.stats.init()
	w.addBuf = w.bufs.add
	w.bufFn = w.bufs.get
	w.hitFn = func(r *rules.Rule) { w.hits = append(w.hits, r) }
	return w
}

// handle processes one decoded packet; with a policy it returns the
// packet's verdict.
func (w *worker) handle(p *decode.Packet) (v Verdict) {
	w.now = p.Time
	w.frame = p.Frame
	w.cur = p
	if p.Time.Sub(w.lastExpire) >= time.Second || p.Time.Before(w.lastExpire) {
		w.lastExpire = p.Time
		w.table.Expire(p.Time)
	}
	k, swapped := flow.MakeKey(p)
	e, created := w.table.Lookup(&k, p.Time)
	w.curE, w.collecting = e, false // after Lookup: evictions may flush other flows
	st := &e.State
	if created {
		w.initFlow(e, p, swapped)
	}
	// Direction: the packet's source is endpoint A unless swapped.
	srcIsA := !swapped
	dir := dissect.ToServer
	if srcIsA != st.clientIsA {
		dir = dissect.ToClient
	}
	st.pkts[dir]++
	st.bytes[dir] += uint64(p.Length)
	if w.e.cfg.Ethernet && p.HasMAC {
		if st.macs == nil {
			st.macs = &flowMACs{}
		}
		// side 0 is the client's: the source of to_server packets.
		st.macs.add(int(dir), p.SrcMAC)
		st.macs.add(1-int(dir), p.DstMAC)
	}
	if st.pkts[dir] == 1 {
		st.seen[dir][0] = p.Time
		st.ttl[dir] = [2]uint8{p.TTL, p.TTL}
	} else if t := &st.ttl[dir]; p.TTL < t[0] {
		t[0] = p.TTL
	} else if p.TTL > t[1] {
		t[1] = p.TTL
	}
	st.seen[dir][1] = p.Time
	w.stats.pkts++
	w.stats.bytes += uint64(p.Length)
	v.Action = policy.Allow
	if st.pol.blocked {
		// Fast path of a blocked flow: no DPI.
		if s := st.sig; s != nil && s.blocked && !s.dropLogged[dir] {
			s.dropLogged[dir] = true
			w.dropEvent(e, st, dir, p, nil, "flow drop")
			w.flushOut(false)
		}
		v.Action, v.Final, v.Decision, v.Proto, v.App = policy.Drop, true, &st.pol.dec, e.Key.Proto, w.e.appName(st)
		return v
	}
	st.pol.hostNew = false

	switch p.Proto {
	case decode.ProtoTCP:
		w.closing = st.finSeen[0] || st.finSeen[1] || st.rstSeen
		w.tcp(e, st, dir, p)
	case decode.ProtoUDP:
		if len(p.Payload) > 0 {
			st.payloadN[dir]++
			w.payload(e, st, dir, p.Payload)
		}
	}
	if w.e.cfg.Rules != nil {
		w.inspectPacket(e, st, dir, p)
	}
	if w.e.cfg.Policy != nil {
		w.decide(e, st, &v)
	}
	if w.dropRule != nil {
		st.sig.dropLogged[dir] = true
		w.dropEvent(e, st, dir, p, w.dropRule, "rules")
		w.dropRule = nil
	}
	switch {
	case w.sigBlocked: // the flow, from this packet on
		w.sigBlocked, w.sigDrop = false, false
		w.signatureVerdict(&v, e, st, &st.pol.dec, true)
	case w.sigDrop: // this packet only
		w.sigDrop = false
		w.signatureVerdict(&v, e, st, &w.sigDropDec, false)
	case w.e.cfg.Rules != nil && v.Action == policy.Allow:
		// Allowed flows stay in view of the signatures: not offloaded.
		v.Final = false
	}
	w.cur, w.curE = nil, nil
	w.flushOut(false)
	return v
}

// signatureVerdict makes v the verdict of a drop or reject signature: the
// deciding packet (a reject answers it), final when the whole flow is
// dropped.
func (w *worker) signatureVerdict(v *Verdict, e *entry, st *flowState, d *policy.Decision, final bool) {
	v.Action, v.Final, v.Deciding, v.Decision = d.Action, final, true, d
	v.Proto, v.App = e.Key.Proto, w.e.appName(st)
}

func (w *worker) initFlow(e *entry, p *decode.Packet, swapped bool) {
	st := &e.State
	w.seq++
	h := e.Key.Hash()
	// flow_id: unique within a run, positive and below 2^51 so that
	// JavaScript consumers read it exactly (as Suricata's are).
	st.id = ((h^uint64(p.Time.UnixNano()))&^0xff ^ uint64(w.id)) & (1<<51 - 1)
	if st.id == 0 {
		st.id = 1
	}
	st.start = p.Time
	st.app = appNone
	st.upgrade = appNone
	st.tunnel = p.Tunnel
	st.vlan, st.vlans = p.VLAN, p.VLANs
	// Client: the SYN sender; the SYN-ACK receiver; otherwise the first
	// sender, unless its port looks like the service port and the other
	// side's does not (a capture that starts mid-flow). ICMP: the first
	// packet's sender, even of a reply (a reply seen alone is its own flow,
	// as in Suricata).
	srcIsA := !swapped
	clientIsSrc := true
	role := 0
	if p.Proto == decode.ProtoTCP && p.TCPFlags&decode.TCPSyn == 0 {
		role = midstreamRole(p.Payload)
	}
	switch {
	case p.Proto == decode.ProtoTCP && p.TCPFlags&(decode.TCPSyn|decode.TCPAck) == decode.TCPSyn|decode.TCPAck:
		clientIsSrc = false
	case p.Proto == decode.ProtoTCP && p.TCPFlags&decode.TCPSyn != 0:
		clientIsSrc = true
	case p.Proto == decode.ProtoTCP && role != 0:
		// Mid-stream, the payload tells best: a request comes from the
		// client, an answer from the server.
		clientIsSrc = role > 0
	case p.Proto == decode.ProtoTCP || p.Proto == decode.ProtoUDP:
		if w.e.servicePort(p.SrcPort) && !w.e.servicePort(p.DstPort) {
			clientIsSrc = false
		} else if p.SrcPort < 1024 && p.DstPort >= 1024 && !w.e.servicePort(p.DstPort) {
			clientIsSrc = false
		}
	}
	st.clientIsA = srcIsA == clientIsSrc
	switch p.Proto {
	case decode.ProtoTCP, decode.ProtoUDP:
		st.probing = true
	default:
		st.ipApp, st.conf = ipProtoApp(p.Proto), ConfDPI
	}
}

// midstreamRole guesses, from the first payload of a TCP flow picked up
// mid-stream, whether its sender is the client (+1: an HTTP request, a TLS
// ClientHello, an SSH banner is ambiguous and not used) or the server (-1:
// an HTTP status line, a TLS ServerHello); 0 when it cannot tell.
func midstreamRole(b []byte) int {
	switch {
	case len(b) >= 6 && b[0] == 0x16 && b[1] == 3 && b[5] == 1:
		return 1
	case len(b) >= 6 && b[0] == 0x16 && b[1] == 3 && b[5] == 2:
		return -1
	case len(b) >= 8 && string(b[:7]) == "HTTP/1." && b[7] >= '0' && b[7] <= '9':
		return -1
	}
	for _, m := range [...]string{"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "CONNECT ", "PATCH "} {
		if len(b) > len(m) && string(b[:len(m)]) == m {
			return 1
		}
	}
	return 0
}

func ipProtoApp(proto uint8) string {
	switch proto {
	case decode.ProtoICMP:
		return "icmp"
	case decode.ProtoICMPv6:
		return "icmpv6"
	case decode.ProtoIGMP:
		return "igmp"
	case decode.ProtoESP, decode.ProtoAH:
		return "ipsec"
	case decode.ProtoGRE:
		return "gre"
	case decode.ProtoSCTP:
		return "sctp"
	case 89:
		return "ospf"
	case 112:
		return "vrrp"
	case 103:
		return "pim"
	case 113:
		return "pgm"
	}
	return ""
}

func (w *worker) tcp(e *entry, st *flowState, dir dissect.Dir, p *decode.Packet) {
	f := p.TCPFlags
	st.tcpFlags[dir] |= f
	syn := f&decode.TCPSyn != 0
	if syn {
		if f&decode.TCPAck == 0 {
			st.synSeen = true
		} else {
			st.synAck = true
			if st.synSeen || st.pkts[0] > 0 {
				w.table.SetClass(e, flow.ClassTCPEstablished)
			}
		}
	}
	if f&decode.TCPRst != 0 {
		st.rstSeen = true
		w.table.SetClass(e, flow.ClassTCPNew)
	}
	if f&decode.TCPFin != 0 {
		st.finSeen[dir] = true
	}
	if e.Class == flow.ClassOther {
		// A capture starting mid-connection: data without a handshake.
		if len(p.Payload) > 0 {
			w.table.SetClass(e, flow.ClassTCPEstablished)
		} else {
			w.table.SetClass(e, flow.ClassTCPNew)
		}
	}
	if len(p.Payload) > 0 {
		st.payloadN[dir]++
	}
	if !st.probing && (st.parser == nil || st.parserDone) && !w.rawStreamWanted(st, dir) {
		return // fast path: nothing wants this flow's bytes
	}
	w.sink.e, w.sink.dir = e, dir
	st.halves[dir].Segment(&w.e.cfg.Stream, p.Seq, syn, p.Payload, &w.sink)
	if st.finSeen[0] && st.finSeen[1] || st.rstSeen {
		w.table.SetClass(e, flow.ClassTCPNew)
	}
}

// streamSink passes reassembled bytes on to dissection.
type streamSink struct {
	w   *worker
	e   *entry
	dir dissect.Dir
}

func (s *streamSink) Data(b []byte) {
	s.w.payload(s.e, &s.e.State, s.dir, b)
	if s.w.e.cfg.Rules != nil && s.e == s.w.curE {
		s.w.collectStream(&s.e.State, s.dir, b)
	}
}
func (s *streamSink) Gap(n int) {
	st := &s.e.State
	if st.parser != nil && !st.parserDone {
		s.w.setCtx(s.e, st)
		st.parser.Gap(&s.w.ctx, s.dir, n)
	}
}

var _ stream.Sink = (*streamSink)(nil)

func (w *worker) setCtx(e *entry, st *flowState) {
	c := &w.ctx
	c.Proto = e.Key.Proto
	a := addrOf(&e.Key.A, e.Key.V6)
	b := addrOf(&e.Key.B, e.Key.V6)
	if st.clientIsA {
		c.Client, c.Server = netip.AddrPortFrom(a, e.Key.PA), netip.AddrPortFrom(b, e.Key.PB)
	} else {
		c.Client, c.Server = netip.AddrPortFrom(b, e.Key.PB), netip.AddrPortFrom(a, e.Key.PA)
	}
	c.Pkts = st.payloadN
	w.em.e = e
}

func addrOf(b *[16]byte, v6 bool) netip.Addr {
	if v6 {
		return netip.AddrFrom16(*b)
	}
	return netip.AddrFrom4([4]byte{b[0], b[1], b[2], b[3]})
}

// payload hands in-order bytes of one direction to the parser or probes.
func (w *worker) payload(e *entry, st *flowState, dir dissect.Dir, data []byte) {
	if st.parser != nil && !st.parserDone {
		w.setCtx(e, st)
		w.feed(e, st, dir, data)
		return
	}
	if !st.probing {
		return
	}
	w.setCtx(e, st)
	probeData := data
	if e.Key.Proto == decode.ProtoTCP {
		pb := st.probe
		if pb == nil {
			pb = w.getProbeBuf()
			st.probe = pb
		}
		room := w.e.cfg.ProbeBuffer - len(pb.data[dir])
		if room > 0 {
			n := min(room, len(data))
			pb.data[dir] = append(pb.data[dir], data[:n]...)
			pb.chunks = append(pb.chunks, chunk{dir, n})
		}
		probeData = pb.data[dir]
	}
	idx := w.e.probe(&w.ctx, st, e.Key.Proto, dir, probeData)
	if idx >= 0 {
		w.matched(e, st, idx, dir, data)
		return
	}
	// The budget counts deliveries, not packets: segments waiting out of
	// order have not been probed yet.
	st.probes++
	if int(st.probes) >= w.e.cfg.MaxProbePackets || w.e.allFailed(st, e.Key.Proto) {
		st.probing = false
		w.releaseProbe(st)
	}
}

func (w *worker) matched(e *entry, st *flowState, idx int, dir dissect.Dir, data []byte) {
	st.app, st.conf, st.probing = int16(idx), ConfDPI, false
	w.stats.identified++
	d := w.e.cfg.Registry.At(idx)
	if d.New == nil {
		w.releaseProbe(st)
		return
	}
	st.parser = d.New()
	if e.Key.Proto == decode.ProtoTCP && st.probe != nil {
		// Replay the conversation so far, in the order it came.
		pb := st.probe
		var off [2]int
		for _, c := range pb.chunks {
			b := pb.data[c.dir][off[c.dir] : off[c.dir]+c.n]
			off[c.dir] += c.n
			if st.parser == nil || st.parserDone {
				break
			}
			w.feed(e, st, c.dir, b)
		}
		w.releaseProbe(st)
		return
	}
	w.releaseProbe(st)
	w.feed(e, st, dir, data)
}

func (w *worker) feed(e *entry, st *flowState, dir dissect.Dir, data []byte) {
	switch st.parser.Feed(&w.ctx, dir, data) {
	case dissect.Done:
		st.parserDone = true
	case dissect.Fail:
		st.parserDone = true
		w.stats.parserFailed++
	}
	if st.upgrade != appNone {
		w.doUpgrade(e, st)
	}
}

func (w *worker) doUpgrade(e *entry, st *flowState) {
	idx := int(st.upgrade)
	st.upgrade = appNone
	st.parser.Close(&w.ctx)
	d := w.e.cfg.Registry.At(idx)
	if st.app >= 0 && w.e.cfg.Registry.At(int(st.app)).Carrier {
		st.app = int16(idx)
	}
	st.parser, st.parserDone = nil, true
	if d.New != nil {
		st.parser, st.parserDone = d.New(), false
	}
}

func (w *worker) getProbeBuf() *probeBuf {
	if n := len(w.pool); n > 0 {
		pb := w.pool[n-1]
		w.pool = w.pool[:n-1]
		return pb
	}
	return &probeBuf{chunks: make([]chunk, 0, 16)}
}

func (w *worker) releaseProbe(st *flowState) {
	if pb := st.probe; pb != nil {
		st.probe = nil
		pb.data[0], pb.data[1], pb.chunks = pb.data[0][:0], pb.data[1][:0], pb.chunks[:0]
		if len(w.pool) < 4096 {
			w.pool = append(w.pool, pb)
		}
	}
}

// flushOut hands the batch to the output when it is large (or force).
func (w *worker) flushOut(force bool) {
	if len(w.out) == 0 || (!force && len(w.out) < 64<<10) {
		return
	}
	w.e.write(w.out)
	w.out = w.out[:0]
}

// finishEvent appends the current event as a line to the batch.
func (w *worker) finishEvent() {
	w.w.ObjEnd()
	w.out = append(w.out, w.w.B...)
	w.out = append(w.out, '\n')
	w.w.Reset()
	w.stats.events++
}
