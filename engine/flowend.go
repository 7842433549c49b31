package engine

import (
	"net/netip"
	"time"

	"github.com/netsift/netsift/decode"
	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
	"github.com/netsift/netsift/flow"
)

// endpoints returns flow e's source and destination for direction dir
// (ToServer: the client's side first).
func endpoints(e *entry, dir dissect.Dir) (src, dst netip.Addr, sp, dp uint16) {
	src, dst = addrOf(&e.Key.A, e.Key.V6), addrOf(&e.Key.B, e.Key.V6)
	sp, dp = e.Key.PA, e.Key.PB
	if e.State.clientIsA == (dir == dissect.ToClient) {
		src, dst, sp, dp = dst, src, dp, sp
	}
	return
}

// header builds an event header for flow e, oriented by dir.
func (w *worker) header(e *entry, typ string, dir dissect.Dir) event.Header {
	st := &e.State
	a, b, pa, pb := endpoints(e, dir)
	h := event.Header{Time: w.now, FlowID: st.id, PcapCnt: w.frame, Type: typ, Src: a, Dst: b, SPort: pa, DPort: pb, Proto: e.Key.Proto}
	if st.vlans > 0 {
		h.VLAN = st.vlan[:st.vlans]
	}
	h.AppProto = w.e.appProto(st)
	if w.e.cfg.CommunityID {
		if st.cid == "" {
			ka, kb := addrOf(&e.Key.A, e.Key.V6), addrOf(&e.Key.B, e.Key.V6)
			st.cid = event.CommunityID(w.e.cfg.CommunityIDSeed, ka, kb, e.Key.PA, e.Key.PB, e.Key.Proto)
		}
		h.CommunityID = st.cid
	}
	return h
}

// appName is netsift's name for the flow's application ("" if unknown).
func (e *Engine) appName(st *flowState) string {
	if st.app >= 0 {
		return e.cfg.Registry.At(int(st.app)).Name
	}
	return st.ipApp
}

// appProto is EVE's app_proto: Suricata's name where it has one.
func (e *Engine) appProto(st *flowState) string {
	if st.app >= 0 && st.conf == ConfPort {
		// A port guess is netsift's (netsift.app, confidence "port"); EVE's
		// app_proto says what detection found, as Suricata's: nothing.
		return "failed"
	}
	if st.app >= 0 {
		d := e.cfg.Registry.At(int(st.app))
		if d.EVE != "" {
			return d.EVE
		}
		return d.Name
	}
	if st.ipApp != "" {
		return ""
	}
	return "failed"
}

// flowEnd runs when a flow leaves the table: parsers are closed, the
// service is settled and the flow event written.
func (w *worker) flowEnd(e *entry, why flow.End) {
	st := &e.State
	w.setCtx(e, st)
	// Out-of-order data still held is delivered with its holes as gaps.
	for d := range st.halves {
		if st.halves[d].Pending() > 0 && (st.probing || (st.parser != nil && !st.parserDone)) {
			w.sink.e, w.sink.dir = e, dissect.Dir(d)
			st.halves[d].Flush(&w.sink)
		}
	}
	if st.parser != nil {
		w.setCtx(e, st)
		st.parser.Close(&w.ctx)
		st.parser = nil
	}
	w.releaseProbe(st)
	if st.app < 0 && st.ipApp == "" {
		if i := w.e.guessByPort(e.Key.Proto, e.Key.PA, e.Key.PB); i >= 0 {
			st.app, st.conf = int16(i), ConfPort
		}
	}
	server := addrOf(&e.Key.B, e.Key.V6)
	client := addrOf(&e.Key.A, e.Key.V6)
	if !st.clientIsA {
		server, client = client, server
	}
	if st.host == "" {
		if name, ok := w.e.dns.get(server); ok {
			st.host = name
			if st.conf == ConfNone {
				st.conf = ConfDNSCache
			}
			if s := w.e.cfg.Services; s != nil {
				if n, c, ok := s.ByHost([]byte(name)); ok {
					st.service, st.category = n, c
				}
			}
		}
	}
	if st.service == "" && w.e.cfg.Services != nil {
		if n, c, ok := w.e.cfg.Services.ByAddr(server); ok {
			st.service, st.category = n, c
		} else if n, c, ok := w.e.cfg.Services.ByAddr(client); ok {
			st.service, st.category = n, c
		}
	}
	w.stats.addFlow(w.e.appName(st), w.e.appProto(st), e.Key.Proto, st)
	if st.pol.decided {
		w.stats.addRuleFlow(st.pol.dec.Rule, st.pol.dec.Action.String(), st)
	}
	if !w.e.cfg.NoFlowEvents {
		w.flowEvent(e, why)
	}
	if w.e.cfg.Netflow {
		w.netflowEvent(e, dissect.ToServer)
		w.netflowEvent(e, dissect.ToClient)
	}
	w.releaseSig(st)
	w.flushOut(false)
}

// netflowEvent writes Suricata's netflow record of one direction of a
// flow (nothing when the direction carried no packet).
func (w *worker) netflowEvent(e *entry, dir dissect.Dir) {
	st := &e.State
	if st.pkts[dir] == 0 {
		return
	}
	h := w.header(e, "netflow", dir)
	h.Time, h.PcapCnt = st.seen[dir][0], 0
	ww := &w.w
	event.BeginEvent(ww, &h)
	ww.Key("netflow")
	ww.ObjStart()
	ww.KUint("pkts", st.pkts[dir])
	ww.KUint("bytes", st.bytes[dir])
	ww.Key("start")
	ww.Time(st.seen[dir][0])
	ww.Key("end")
	ww.Time(st.seen[dir][1])
	ww.KInt("age", int64(st.seen[dir][1].Sub(st.seen[dir][0])/time.Second))
	ww.KUint("min_ttl", uint64(st.ttl[dir][0]))
	ww.KUint("max_ttl", uint64(st.ttl[dir][1]))
	ww.ObjEnd()
	w.finishEvent()
}

// writeFlowCounters writes the members flow and alert events share: the
// packets and bytes of each direction so far, and the start.
func writeFlowCounters(ww *event.Writer, st *flowState) {
	ww.KUint("pkts_toserver", st.pkts[0])
	ww.KUint("pkts_toclient", st.pkts[1])
	ww.KUint("bytes_toserver", st.bytes[0])
	ww.KUint("bytes_toclient", st.bytes[1])
	ww.Key("start")
	ww.Time(st.start)
}

func appendMAC(dst []byte, m [6]byte) []byte {
	const hexd = "0123456789abcdef"
	for i, b := range m {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = append(dst, hexd[b>>4], hexd[b&15])
	}
	return dst
}

// writePacketMACs writes the current packet's ether object.
func (w *worker) writePacketMACs(p *decode.Packet) {
	if !w.e.cfg.Ethernet || p == nil || !p.HasMAC {
		return
	}
	ww := &w.w
	ww.Key("ether")
	ww.ObjStart()
	ww.KBytes("src_mac", appendMAC(w.macBuf[:0], p.SrcMAC))
	ww.KBytes("dest_mac", appendMAC(w.macBuf[:0], p.DstMAC))
	ww.ObjEnd()
}

func tcpFlagsHex(f uint8, dst []byte) []byte {
	const hexd = "0123456789abcdef"
	return append(dst, hexd[f>>4], hexd[f&15])
}

func (w *worker) flowEvent(e *entry, why flow.End) {
	st := &e.State
	h := w.header(e, "flow", dissect.ToServer)
	h.Time, h.PcapCnt = st.start, 0
	ww := &w.w
	event.BeginEvent(ww, &h)
	ww.Key("flow")
	ww.ObjStart()
	writeFlowCounters(ww, st)
	ww.Key("end")
	ww.Time(e.Last)
	ww.KInt("age", int64(e.Last.Sub(st.start)/time.Second))
	state := "new"
	if e.Key.Proto == decode.ProtoTCP {
		switch {
		case st.rstSeen || (st.finSeen[0] && st.finSeen[1]):
			state = "closed"
		case st.synAck || (st.pkts[0] > 0 && st.pkts[1] > 0):
			state = "established"
		}
	} else if st.pkts[0] > 0 && st.pkts[1] > 0 {
		state = "established"
	}
	ww.KString("state", state)
	ww.KString("reason", why.String())
	ww.KBool("alerted", st.sig != nil && st.sig.alerts > 0)
	if st.sig != nil && st.sig.blocked {
		ww.KString("action", "drop")
	} else if st.sig != nil && st.sig.passed {
		ww.KString("action", "pass")
	}
	ww.ObjEnd()
	if m := st.macs; m != nil {
		ww.Key("ether")
		ww.ObjStart()
		for side, key := range [2]string{"src_macs", "dest_macs"} {
			if m.n[side] == 0 {
				continue
			}
			ww.Key(key)
			ww.ArrStart()
			for i := 0; i < int(m.n[side]); i++ {
				ww.Bytes(appendMAC(w.macBuf[:0], m.side[side][i]))
			}
			ww.ArrEnd()
		}
		ww.ObjEnd()
	}
	if e.Key.Proto == decode.ProtoTCP {
		ww.Key("tcp")
		ww.ObjStart()
		var hb [2]byte
		ww.KBytes("tcp_flags", tcpFlagsHex(st.tcpFlags[0]|st.tcpFlags[1], hb[:0]))
		ww.KBytes("tcp_flags_ts", tcpFlagsHex(st.tcpFlags[0], hb[:0]))
		ww.KBytes("tcp_flags_tc", tcpFlagsHex(st.tcpFlags[1], hb[:0]))
		all := st.tcpFlags[0] | st.tcpFlags[1]
		flagNames := [...]struct {
			bit  uint8
			name string
		}{{decode.TCPSyn, "syn"}, {decode.TCPFin, "fin"}, {decode.TCPRst, "rst"}, {decode.TCPPsh, "psh"}, {decode.TCPAck, "ack"}, {decode.TCPUrg, "urg"}}
		for _, f := range flagNames {
			if all&f.bit != 0 {
				ww.KBool(f.name, true)
			}
		}
		if state == "closed" {
			ww.KString("state", "closed")
		} else {
			ww.KString("state", "established")
		}
		ww.ObjEnd()
	}
	w.netsiftObject(e)
	w.finishEvent()
}

func (w *worker) netsiftObject(e *entry) {
	st := &e.State
	ww := &w.w
	ww.Key("netsift")
	ww.ObjStart()
	if app := w.e.appName(st); app != "" {
		ww.KString("app", app)
	} else {
		ww.KString("app", "unknown")
	}
	if st.service != "" {
		ww.KString("service", st.service)
		ww.KString("category", st.category)
	}
	if st.host != "" {
		ww.KString("host", st.host)
	}
	if st.conf != ConfNone {
		ww.KString("confidence", st.conf.String())
	}
	if st.tunnel != decode.TunnelNone {
		ww.KString("tunnel", st.tunnel.String())
	}
	if st.anomalies > 0 {
		ww.KUint("anomalies", uint64(st.anomalies))
	}
	for d, name := range [2]string{"toserver", "toclient"} {
		if st.pkts[d] == 0 {
			continue
		}
		ww.Key(name)
		ww.ObjStart()
		ww.Key("first")
		ww.Time(st.seen[d][0])
		ww.Key("last")
		ww.Time(st.seen[d][1])
		ww.ObjEnd()
	}
	for _, m := range st.meta {
		ww.KString(m.k, m.v)
	}
	if st.pol.decided {
		ww.Key("policy")
		writeDecision(ww, &st.pol.dec)
	}
	ww.ObjEnd()
}
