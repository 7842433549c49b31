package engine

import (
	"time"

	"github.com/netsift/netsift/decode"
	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
	"github.com/netsift/netsift/policy"
)

// Verdict is the engine's answer for one packet when a policy is set.
type Verdict struct {
	// Action for this packet: Allow passes it; anything else drops it
	// (Reject, Sinkhole and Notice also answer it when Deciding).
	Action policy.Action
	// Deciding is set on the packet that carried the deciding fact: the
	// one to answer with a reset, a sinkhole answer or a notice.
	Deciding bool
	// Final says the flow's verdict will not change: an allowed flow can be
	// offloaded (no more packets need to reach the engine).
	Final bool
	// Decision explains Action; valid until the next packet.
	Decision *policy.Decision
	// Proto and App describe the flow, for choosing how to answer.
	Proto uint8
	App   string
}

// polState is the per-flow policy state.
type polState struct {
	dec      policy.Decision
	decided  bool // dec is final for the flow
	addrOnly bool // decided before any host or app was known
	blocked  bool // a final non-allow verdict: later packets are dropped unseen
	hostNew  bool // the current packet named a (new) host: DNS queries are decided one by one
	curHost  string
	evented  bool
}

// policyOn reports whether a policy is configured.
func (e *Engine) policy() *policy.Policy {
	if e.cfg.Policy == nil {
		return nil
	}
	return e.cfg.Policy()
}

// facts builds the policy facts of flow e.
func (w *worker) facts(e *entry, st *flowState, f *policy.Facts) {
	c, s, cp, sp := endpoints(e, dissect.ToServer)
	f.Src, f.Dst, f.SrcPort, f.DstPort, f.Proto = c, s, cp, sp, e.Key.Proto
	f.App = w.e.appName(st)
	f.Host = st.pol.curHost
	if f.Host == "" {
		f.Host = st.host
	}
	f.Service = st.service
	f.Complete = w.e.identComplete(st)
}

// identComplete: identification can add nothing more the policy could use.
func (e *Engine) identComplete(st *flowState) bool {
	if st.ipApp != "" {
		return true
	}
	if st.app < 0 {
		return !st.probing
	}
	if !e.cfg.Registry.At(int(st.app)).Hosts {
		return true // a protocol that names no hosts: nothing more to wait for
	}
	// Identified: complete once a name is known, the parser is finished, or
	// the client has sent a few packets without naming one (a ClientHello
	// without SNI); QUIC's ClientHello spans two datagrams, hence not 1.
	return st.host != "" || st.parser == nil || st.parserDone || st.payloadN[dissect.ToServer] >= 3
}

// isDNSApp: flows whose every transaction names its own host.
func isDNSApp(name string) bool { return name == "dns" || name == "mdns" || name == "llmnr" }

// decide evaluates the policy for flow e after the current packet's DPI and
// fills v.
func (w *worker) decide(e *entry, st *flowState, v *Verdict) {
	p := w.e.policy()
	if p == nil {
		return
	}
	ps := &st.pol
	app := w.e.appName(st)
	v.Proto, v.App = e.Key.Proto, app
	if ps.decided && !(isDNSApp(app) && ps.hostNew && !ps.addrOnly) {
		v.Action, v.Final, v.Decision = ps.dec.Action, true, &ps.dec
		if ps.blocked {
			v.Action = policy.Drop
		}
		return
	}
	var f policy.Facts
	w.facts(e, st, &f)
	d := p.Decide(&f)
	v.Decision = &ps.dec
	if !d.Final {
		// Waiting for a fact: this packet passes.
		v.Action = policy.Allow
		return
	}
	prev := ps.dec
	ps.dec = d
	if !ps.decided {
		ps.addrOnly = f.App == "" && f.Host == ""
	}
	ps.decided = true
	v.Action, v.Final, v.Deciding = d.Action, true, true
	dnsTxn := isDNSApp(app) && !ps.addrOnly
	if d.Action != policy.Allow && d.Action != policy.Log && !dnsTxn {
		ps.blocked = true
	}
	if d.Action == policy.Log {
		v.Action = policy.Allow
	}
	if d.Action != policy.Allow || len(d.Logged) > 0 {
		if !ps.evented || dnsTxn || prev.Rule != d.Rule {
			w.policyEvent(e, st, &d, &f)
			ps.evented = true
		}
	}
	w.stats.addDecision(&d)
}

// policyEvent writes a netsift "policy" event for a non-allow decision.
func (w *worker) policyEvent(e *entry, st *flowState, d *policy.Decision, f *policy.Facts) {
	h := w.header(e, "policy", dissect.ToServer)
	ww := &w.w
	event.BeginEvent(ww, &h)
	ww.Key("netsift")
	ww.ObjStart()
	ww.Key("policy")
	writeDecision(ww, d)
	if f.App != "" {
		ww.KString("app", f.App)
	}
	if f.Host != "" {
		ww.KString("host", f.Host)
	}
	if st.service != "" {
		ww.KString("service", st.service)
	}
	ww.ObjEnd()
	w.finishEvent()
}

func writeDecision(ww *event.Writer, d *policy.Decision) {
	ww.ObjStart()
	ww.KString("action", d.Action.String())
	ww.KString("rule", d.Rule)
	if d.List != "" {
		ww.KString("list", d.List)
	}
	if d.Entry != "" {
		ww.KString("entry", d.Entry)
	}
	if len(d.Logged) > 0 {
		ww.Key("logged")
		ww.ArrStart()
		for _, r := range d.Logged {
			ww.String(r)
		}
		ww.ArrEnd()
	}
	ww.ObjEnd()
}

// Process runs one frame through the pipeline and returns its verdict. It
// is the inline path: call it from one goroutine, on an Engine with one
// worker (run one Engine per queue).
func (e *Engine) Process(link int, frame []byte, ts time.Time) Verdict {
	var ci = captureInfo(link, frame, ts)
	if !e.decodeFrame(frame, &ci) {
		// Not trackable (non-IP, pending fragment, malformed): pass; the
		// kernel reassembles fragments itself before the queue sees them.
		return Verdict{Action: policy.Allow}
	}
	return e.workers[0].handle(&e.pkt)
}

var _ = decode.ProtoTCP
