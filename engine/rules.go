package engine

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/netsift/netsift/decode"
	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
	"github.com/netsift/netsift/policy"
	"github.com/netsift/netsift/rules"
	"github.com/netsift/netsift/rules/match"
)

// Signature inspection. Every packet of a flow is inspected once, after its
// dissection (so the flow's app_proto is known): UDP, ICMP and other
// protocols on their payload; TCP on the in-order stream bytes the packet
// completed, prefixed with the tail of what was inspected before
// (Matcher.MaxFastPatternLen bytes, so a content split across segments
// matches; match.Tx.Fresh keeps a match wholly inside the tail from
// alerting twice). App-layer transactions are
// inspected when their dissector calls Emitter.Inspect, with the
// transaction's sticky buffers; a signature alerts at most once per
// (flow, transaction).
//
// As Suricata's default encryption handling ("track-only"), the raw stream
// of TLS and SSH flows, and the payload of QUIC packets, are no longer
// inspected once their handshake parser is done; their app-layer buffers
// and header-only rules are. Raw stream inspection also stops
// after StreamDepth bytes per direction.

// sigState is a flow's signature state; allocated on the flow's first
// inspection, pooled per worker.
type sigState struct {
	fs       match.FlowState
	tail     [2][]byte // last inspected stream bytes per direction
	inspectd [2]uint64 // raw stream bytes inspected per direction
	seen     [2]bool   // a packet was inspected in the direction (IP-only rules done)
	txHits   []txHit   // app-layer alerts already given, for once-per-transaction
	alerts   uint32
	passed   bool // a pass rule matched: no more inspection
	blocked  bool // a drop/reject rule dropped the flow (IPS)
	// dropLogged: a drop event was written in the direction (Suricata's
	// drop log "flows: start" writes the first per direction).
	dropLogged [2]bool
}

type txHit struct {
	tx  uint64
	gid uint32
	sid uint32
}

const (
	// maxTxHits bounds the per-flow once-per-transaction memory; the oldest
	// are forgotten first.
	maxTxHits = 64
	// defaultStreamDepth is Suricata's stream.reassembly.depth default.
	defaultStreamDepth = 1 << 20
	// maxStreamWindow bounds the bytes one TCP inspection sees.
	maxStreamWindow = 64 << 10
)

func (e *Engine) sigs() *Signatures {
	if e.cfg.Rules == nil {
		return nil
	}
	return e.cfg.Rules()
}

func (w *worker) sig(st *flowState) *sigState {
	if st.sig == nil {
		if n := len(w.sigPool); n > 0 {
			st.sig = w.sigPool[n-1]
			w.sigPool = w.sigPool[:n-1]
		} else {
			st.sig = &sigState{}
		}
	}
	return st.sig
}

func (w *worker) releaseSig(st *flowState) {
	s := st.sig
	if s == nil {
		return
	}
	st.sig = nil
	*s = sigState{tail: [2][]byte{s.tail[0][:0], s.tail[1][:0]}, txHits: s.txHits[:0]}
	if len(w.sigPool) < 4096 {
		w.sigPool = append(w.sigPool, s)
	}
}

// rawStreamWanted says whether TCP stream bytes of the flow still need
// reassembly for signatures.
func (w *worker) rawStreamWanted(st *flowState, dir dissect.Dir) bool {
	if w.e.cfg.Rules == nil {
		return false
	}
	s := st.sig
	if s == nil {
		return true
	}
	sg := w.e.sigs()
	return sg != nil && !s.passed && !s.blocked && s.inspectd[dir] < sg.depth() && !w.encrypted(st)
}

// encryptedApps are the protocols whose payload after the handshake is
// ciphertext (Engine.encryptedApp marks their registry indexes).
var encryptedApps = []string{"tls", "ssh", "quic"}

// encrypted: the flow's handshake is over and the rest is ciphertext.
func (w *worker) encrypted(st *flowState) bool {
	if st.app < 0 || !(st.parser == nil || st.parserDone) {
		return false
	}
	return w.e.encryptedApp[st.app]
}

// collectStream keeps the in-order bytes a TCP packet completed, for its
// inspection after dissection.
//
// The bytes go straight after the direction's tail in w.win (one copy);
// w.fresh is where they start.
func (w *worker) collectStream(st *flowState, dir dissect.Dir, b []byte) {
	if !w.collecting {
		w.collecting = true
		w.win = w.win[:0]
		if s := st.sig; s != nil {
			w.win = append(w.win, s.tail[dir]...)
		}
		w.fresh = len(w.win)
	}
	if room := maxStreamWindow - (len(w.win) - w.fresh); room > 0 {
		w.win = append(w.win, b[:min(room, len(b))]...)
	}
}

// inspectPacket runs the signatures over the current packet.
func (w *worker) inspectPacket(e *entry, st *flowState, dir dissect.Dir, p *decode.Packet) {
	sg := w.e.sigs()
	if sg == nil {
		return
	}
	m := sg.Matcher
	s := w.sig(st)
	if s.passed {
		return
	}
	tx := &w.mtx
	w.fillTx(tx, e, st, dir, p)
	tx.Context = match.CtxPacket
	skipIPOnly := s.seen[dir]
	s.seen[dir] = true
	if p.Proto == decode.ProtoTCP && !st.synSeen {
		// Picked up mid-stream: Suricata (stream.midstream off) tracks no
		// stream; the packet is inspected on its own.
		tx.Payload = p.Payload
		tx.PacketLen, tx.SkipIPOnly = len(p.Payload), skipIPOnly
	} else if p.Proto == decode.ProtoTCP {
		if w.collecting && len(w.win) > w.fresh {
			tx.Payload, tx.Stream, tx.Packet = w.win, true, p.Payload
			tx.PacketLen, tx.Fresh, tx.SkipIPOnly = len(p.Payload), w.fresh, skipIPOnly
			s.inspectd[dir] += uint64(len(w.win) - w.fresh)
			keep := min(len(w.win), m.MaxFastPatternLen())
			s.tail[dir] = append(s.tail[dir][:0], w.win[len(w.win)-keep:]...)
		} else {
			// Nothing new in order (out of order, retransmitted, no
			// payload): only flow:no_stream rules see this packet.
			tx.Payload, tx.Stream, tx.Packet = nil, true, p.Payload
			tx.PacketLen, tx.SkipIPOnly = len(p.Payload), skipIPOnly
		}
	} else {
		tx.Payload = p.Payload
		tx.PacketLen, tx.SkipIPOnly = len(p.Payload), skipIPOnly
		if w.encrypted(st) {
			tx.Payload = nil // QUIC after its handshake: track-only, as TLS
		}
	}
	w.runMatch(sg, e, st, s, dir, tx, 0, false, "", nil)
}

func (w *worker) fillTx(tx *match.Tx, e *entry, st *flowState, dir dissect.Dir, p *decode.Packet) {
	c, sv, cp, sp := endpoints(e, dir)
	*tx = match.Tx{
		Proto: e.Key.Proto, Src: c, Dst: sv, SrcPort: cp, DstPort: sp,
		ToServer:    dir == dissect.ToServer,
		Established: w.established(e, st),
		AppProto:    w.e.appProto(st),
		Flow:        &st.sig.fs,
		Time:        w.now,
	}
	if p != nil {
		tx.TCPFlags, tx.ICMPType, tx.ICMPCode = p.TCPFlags, p.ICMPType, p.ICMPCode
		tx.Fragmented = p.Fragmented
	}
	if st.app < 0 && st.probing {
		tx.AppProto = ""
	} else if tx.AppProto == "failed" {
		tx.AppProto, tx.AppFailed = "", true
	}
}

// established follows Suricata: TCP after the three-way handshake (or data
// both ways mid-stream); other protocols once both directions were seen.
func (w *worker) established(e *entry, st *flowState) bool {
	if e.Key.Proto == decode.ProtoTCP {
		if w.closing {
			return false // a FIN or RST came before this packet: closing
		}
		return st.synAck && st.pkts[0] > 0 && (st.pkts[0]+st.pkts[1] > 3 || !st.synSeen) || !st.synSeen && st.pkts[0] > 0 && st.pkts[1] > 0
	}
	return st.pkts[0] > 0 && st.pkts[1] > 0
}

// inspectTx runs the signatures over one app-layer transaction.
func (w *worker) inspectTx(e *entry, dir dissect.Dir, txID uint64, typ string, rec dissect.Record) {
	sg := w.e.sigs()
	st := &e.State
	if sg == nil {
		return
	}
	f, ok := rec.(dissect.Fields)
	if !ok {
		return
	}
	s := w.sig(st)
	if s.passed {
		return
	}
	w.bufs.reset()
	f.RuleFields(w.addBuf)
	w.bufs.build()
	tx := &w.mtx
	w.fillTx(tx, e, st, dir, w.cur)
	tx.Buf = w.bufFn
	tx.Context = match.CtxTx
	tx.SkipIPOnly = true
	if w.cur != nil {
		tx.Payload = w.cur.Payload
		tx.PacketLen = len(w.cur.Payload)
	}
	w.runMatch(sg, e, st, s, dir, tx, txID, true, typ, rec)
}

// runMatch matches tx and writes the alerts, honouring pass, drop and
// once-per-transaction.
func (w *worker) runMatch(sg *Signatures, e *entry, st *flowState, s *sigState, dir dissect.Dir, tx *match.Tx, txID uint64, isTx bool, typ string, rec dissect.Record) {
	w.hits = w.hits[:0]
	sg.Matcher.Match(tx, w.hitFn)
	if len(w.hits) == 0 {
		return
	}
	// Action scope, as Suricata's: a match on an app-layer transaction, on
	// a tracked TCP stream (the handshake was seen) or by an IP-only rule
	// applies its drop or pass to the whole flow; a match on a packet of
	// its own (UDP, ICMP, TCP picked up mid-stream) to that packet only.
	flowScope := isTx || (e.Key.Proto == decode.ProtoTCP && st.synSeen)
	// pass is first in Suricata's action order: nothing of this
	// inspection alerts, and a flow-scope pass ends the flow's inspection.
	for _, r := range w.hits {
		if r.Action == rules.ActionPass {
			if flowScope || r.IPOnly() {
				s.passed = true
			}
			w.stats.passes++
			return
		}
	}
	for _, r := range w.hits {
		if isTx {
			if s.hadTx(txID, r) {
				continue
			}
			s.addTx(txID, r)
		}
		blocking := w.e.cfg.RulesBlock && r.Action != rules.ActionAlert
		if blocking && !s.blocked && !w.sigDrop {
			a := policy.Drop
			if strings.HasPrefix(string(r.Action), "reject") {
				a = policy.Reject
			}
			if flowScope || r.IPOnly() {
				// The flow is dropped from this packet on, through the
				// policy fast path; reject answers like a policy reject.
				s.blocked = true
				st.pol.dec = policy.Decision{Action: a, Rule: sidName(r), Final: true}
				st.pol.decided, st.pol.blocked = true, true
				w.sigBlocked = true
			} else {
				w.sigDrop, w.sigDropDec = true, policy.Decision{Action: a, Rule: sidName(r), Final: true}
			}
			w.dropRule = r
		}
		s.alerts++
		w.stats.alerts++
		w.alertEvent(sg, e, st, dir, r, txID, isTx, typ, rec, blocking)
	}
}

// dropEvent writes an EVE drop event for the current packet (IPS mode):
// reason "rules" with the dropping rule's alert, or "flow drop" for the
// first packet dropped because its flow was.
func (w *worker) dropEvent(e *entry, st *flowState, dir dissect.Dir, p *decode.Packet, r *rules.Rule, reason string) {
	h := w.header(e, "drop", dir)
	ww := &w.w
	event.BeginEvent(ww, &h)
	ww.Key("drop")
	ww.ObjStart()
	ww.KUint("len", uint64(p.Length))
	ww.KUint("ttl", uint64(p.TTL))
	switch p.Proto {
	case decode.ProtoTCP:
		ww.KUint("tcpseq", uint64(p.Seq))
		ww.KUint("tcpack", uint64(p.Ack))
		ww.KUint("tcpwin", uint64(p.Window))
		f := p.TCPFlags
		ww.KBool("syn", f&decode.TCPSyn != 0)
		ww.KBool("ack", f&decode.TCPAck != 0)
		ww.KBool("psh", f&decode.TCPPsh != 0)
		ww.KBool("rst", f&decode.TCPRst != 0)
		ww.KBool("urg", f&decode.TCPUrg != 0)
		ww.KBool("fin", f&decode.TCPFin != 0)
	case decode.ProtoUDP:
		ww.KUint("udplen", uint64(len(p.Payload)+8))
	}
	ww.KString("reason", reason)
	ww.ObjEnd()
	w.writePacketMACs(p)
	if sg := w.e.sigs(); r != nil && sg != nil {
		writeAlert(ww, sg, r, true, &h)
	}
	w.finishEvent()
}

// Signatures is a compiled rule set with what its alerts need. Build it
// with NewSignatures; it is immutable and shared by all workers.
type Signatures struct {
	Matcher *match.Matcher
	// Classes maps classtypes to alert.category and the default severity.
	Classes map[string]rules.Classification
	// StreamDepth bounds the raw TCP stream bytes inspected per direction
	// (0: 1 MiB, Suricata's stream.reassembly.depth).
	StreamDepth int
}

// NewSignatures compiles rs.
func NewSignatures(rs *rules.RuleSet, classes map[string]rules.Classification) (*Signatures, error) {
	m, err := match.Compile(rs)
	if err != nil {
		return nil, err
	}
	return &Signatures{Matcher: m, Classes: classes}, nil
}

func (s *Signatures) depth() uint64 {
	if s.StreamDepth > 0 {
		return uint64(s.StreamDepth)
	}
	return defaultStreamDepth
}

func sidName(r *rules.Rule) string {
	return "sid:" + strconv.FormatUint(uint64(r.SID), 10)
}

func (s *sigState) hadTx(tx uint64, r *rules.Rule) bool {
	for _, h := range s.txHits {
		if h.tx == tx && h.sid == r.SID && h.gid == r.GID {
			return true
		}
	}
	return false
}

func (s *sigState) addTx(tx uint64, r *rules.Rule) {
	if len(s.txHits) >= maxTxHits {
		copy(s.txHits, s.txHits[1:])
		s.txHits = s.txHits[:len(s.txHits)-1]
	}
	s.txHits = append(s.txHits, txHit{tx, r.GID, r.SID})
}

// alertEvent writes an EVE alert event as Suricata does.
func (w *worker) alertEvent(sg *Signatures, e *entry, st *flowState, dir dissect.Dir, r *rules.Rule, txID uint64, isTx bool, typ string, rec dissect.Record, blocked bool) {
	h := w.header(e, "alert", dir)
	if st.app < 0 && st.probing {
		h.AppProto = "" // not known yet (Suricata omits it too)
	}
	ww := &w.w
	event.BeginEvent(ww, &h)
	ww.KString("pkt_src", "wire/pcap")
	if isTx {
		ww.KUint("tx_id", txID)
	}
	writeAlert(ww, sg, r, blocked, &h)
	if rec != nil && typ != "" {
		ww.Key(typ)
		rec.AppendEVE(ww)
	}
	w.writePacketMACs(w.cur)
	ww.KString("direction", dir.String())
	ww.Key("flow")
	ww.ObjStart()
	writeFlowCounters(ww, st)
	c, sv, cp, sp := endpoints(e, dissect.ToServer)
	ww.Key("src_ip")
	ww.Addr(c)
	ww.Key("dest_ip")
	ww.Addr(sv)
	if e.Key.Proto == decode.ProtoTCP || e.Key.Proto == decode.ProtoUDP || e.Key.Proto == decode.ProtoSCTP {
		ww.KUint("src_port", uint64(cp))
		ww.KUint("dest_port", uint64(sp))
	}
	ww.ObjEnd()
	w.finishEvent()
}

// writeAlert writes the alert object of alert and drop events: the rule,
// its classification and metadata, and for target: rules the source and
// target sides of the event h.
func writeAlert(ww *event.Writer, sg *Signatures, r *rules.Rule, blocked bool, h *event.Header) {
	ww.Key("alert")
	ww.ObjStart()
	if blocked {
		ww.KString("action", "blocked")
	} else {
		ww.KString("action", "allowed")
	}
	ww.KUint("gid", uint64(r.GID))
	ww.KUint("signature_id", uint64(r.SID))
	ww.KUint("rev", uint64(r.Rev))
	ww.KString("signature", r.Msg)
	cat, sev := sg.classify(r)
	ww.KString("category", cat)
	ww.KInt("severity", int64(sev))
	writeRuleMetadata(ww, r.Metadata)
	if r.Target != "" {
		// target: names which side is attacked; Suricata then writes
		// both sides as source and target.
		src, dst := endpointJSON{h.Src, h.SPort}, endpointJSON{h.Dst, h.DPort}
		if r.Target == "src_ip" {
			src, dst = dst, src
		}
		ports := h.Proto == decode.ProtoTCP || h.Proto == decode.ProtoUDP || h.Proto == decode.ProtoSCTP
		src.write(ww, "source", ports)
		dst.write(ww, "target", ports)
	}
	ww.ObjEnd()
}

type endpointJSON struct {
	ip   netip.Addr
	port uint16
}

func (ep endpointJSON) write(ww *event.Writer, key string, port bool) {
	ww.Key(key)
	ww.ObjStart()
	ww.Key("ip")
	ww.Addr(ep.ip)
	if port {
		ww.KUint("port", uint64(ep.port))
	}
	ww.ObjEnd()
}

// writeRuleMetadata writes metadata "key value" pairs as Suricata does:
// {"key": ["value", …]}, keys in first-seen order.
func writeRuleMetadata(ww *event.Writer, md []string) {
	if len(md) == 0 {
		return
	}
	ww.Key("metadata")
	ww.ObjStart()
	done := 0
	for i, kv := range md {
		k, _, _ := strings.Cut(strings.TrimSpace(kv), " ")
		seen := false
		for _, prev := range md[:i] {
			pk, _, _ := strings.Cut(strings.TrimSpace(prev), " ")
			if pk == k {
				seen = true
				break
			}
		}
		if seen || k == "" {
			continue
		}
		done++
		ww.Key(k)
		ww.ArrStart()
		for _, kv2 := range md[i:] {
			k2, v2, _ := strings.Cut(strings.TrimSpace(kv2), " ")
			if k2 == k {
				ww.String(strings.TrimSpace(v2))
			}
		}
		ww.ArrEnd()
	}
	ww.ObjEnd()
}

// classify returns alert.category and alert.severity: the rule's
// classtype description and priority (the rule's own priority wins); 3
// without either, as Suricata.
func (sg *Signatures) classify(r *rules.Rule) (string, int) {
	sev := r.Priority
	cat := ""
	if r.Classtype != "" {
		if c, ok := sg.Classes[r.Classtype]; ok {
			cat = c.Description
			if sev == 0 {
				sev = c.Priority
			}
		}
	}
	if sev == 0 {
		sev = 3
	}
	return cat, sev
}

// txBufs holds one transaction's sticky buffers, reused per worker: values
// are copied into one arena and grouped by name after collection (the
// arena may move while it grows).
type txBufs struct {
	arena []byte
	ents  []bufEnt
	names []string
	vals  [][][]byte
}

type bufEnt struct {
	name   string
	off, n int
}

func (b *txBufs) reset() {
	b.arena, b.ents = b.arena[:0], b.ents[:0]
	b.names = b.names[:0]
}

func (b *txBufs) add(name string, v []byte) {
	off := len(b.arena)
	b.arena = append(b.arena, v...)
	b.ents = append(b.ents, bufEnt{name, off, len(v)})
}

func (b *txBufs) build() {
	for _, en := range b.ents {
		i := 0
		for i < len(b.names) && b.names[i] != en.name {
			i++
		}
		if i == len(b.names) {
			b.names = append(b.names, en.name)
			if len(b.vals) < len(b.names) {
				b.vals = append(b.vals, nil)
			}
			b.vals[i] = b.vals[i][:0]
		}
		b.vals[i] = append(b.vals[i], b.arena[en.off:en.off+en.n])
	}
}

func (b *txBufs) get(name string) [][]byte {
	for i, n := range b.names {
		if n == name {
			return b.vals[i]
		}
	}
	// One buffer, two names (rules canonicalises to file.data).
	if name == "http.response_body" {
		return b.get("file.data")
	}
	return nil
}
