// Package policy loads an operator's policy file (named lists of addresses,
// domains and applications; ordered rules; a default action) and decides,
// for what is known about a flow, what to do with it and why.
//
// The format and the semantics are documented in README.md next to this
// file. A Policy is immutable after Load/Parse: any number of goroutines may
// call Decide on it at once, and a reload builds a new Policy.
package policy

import (
	"net/netip"
	"strings"
)

// Action is what a decision does with a flow.
type Action uint8

// The actions. Log never appears in a Decision: a log rule records its id in
// Decision.Logged and evaluation continues.
const (
	Allow Action = iota
	Drop
	Reject
	Sinkhole
	Notice
	Log
)

var actionNames = [...]string{"allow", "drop", "reject", "sinkhole", "notice", "log"}

// String returns the action's name as written in a policy file.
func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "action(" + itoa(int(a)) + ")"
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// Facts are what is known about a flow when Decide is called, oriented
// client → server.
type Facts struct {
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16
	Proto            uint8  // 6 tcp, 17 udp, 1/58 icmp
	App              string // netsift app name ("tls","dns","http","bittorrent"…); "" not known yet
	Host             string // lower-case host name (SNI, HTTP Host, QUIC SNI, DNS query name), no trailing dot; "" not known yet
	Service          string // service name ("YouTube"); "" not known
	Complete         bool   // identification is over: an empty App/Host/Service now means "none", not "not yet"
}

// Decision is the outcome of Decide, with its explanation.
//
// Strings and the Logged slice refer to the Policy's (or the Facts') memory:
// they are immutable and stay valid as long as those do; do not modify Logged.
type Decision struct {
	Action Action
	Rule   string   // id of the deciding rule; "default" for the default action
	List   string   // name of the list whose entry matched ("" when the rule matched by an inline value)
	Entry  string   // the matching entry: "192.0.2.0/24", "example.com", "bittorrent", or the inline value
	Final  bool     // false: an earlier rule still depends on facts not known yet (host/app/service) — ask again when they are
	Logged []string // ids of `log` rules that matched before the decision (log = record and continue)
	// SinkholeA and SinkholeAAAA are the answers of a sinkhole (Action == Sinkhole).
	SinkholeA, SinkholeAAAA netip.Addr
	// Notice is the text of a notice (Action == Notice).
	Notice string
}

// DefaultRule is Decision.Rule when no rule decided.
const DefaultRule = "default"

// Policy is a loaded policy. It is immutable after Load/Parse and safe for
// concurrent Decide.
type Policy struct {
	name    string
	rules   []rule
	logIDs  []string // ids of the log rules, in rule order (Decision.Logged slices it)
	def     actionSpec
	lists   []*list // in file order
	ruleIDs []string
}

// actionSpec is an action with its parameters.
type actionSpec struct {
	act          Action
	sinkA, sinkQ netip.Addr
	notice       string
}

// ListStat describes one loaded list.
type ListStat struct {
	Name, Type, File string   // File: the resolved path of the list file, "" for items only
	Entries, Skipped int      // distinct entries loaded; list-file lines skipped
	SkippedLines     []string // "file:line: reason", the first 20
}

// maxSkippedLines bounds ListStat.SkippedLines.
const maxSkippedLines = 20

// Rules returns the rule ids in order (a fresh slice).
func (p *Policy) Rules() []string { return append([]string(nil), p.ruleIDs...) }

// Name returns the name the policy was parsed under (its path for Load).
func (p *Policy) Name() string { return p.name }

// ListStats returns, per list in file order, what was loaded and skipped.
func (p *Policy) ListStats() []ListStat {
	out := make([]ListStat, 0, len(p.lists))
	for _, l := range p.lists {
		out = append(out, ListStat{
			Name: l.name, Type: l.kind.String(), File: l.file,
			Entries: l.entries(), Skipped: l.skipped,
			SkippedLines: append([]string(nil), l.skippedLines...),
		})
	}
	return out
}

// matchState is the outcome of matching one rule.
type matchState uint8

const (
	noMatch matchState = iota
	matched
	pending // every known key matched; a key needs a fact not known yet
)

// Decide evaluates the rules in order against f (non-nil) and returns the
// first match's decision, or the default.
//
// A rule whose known keys all match but which needs a fact not known yet
// (App, Host or Service empty while !f.Complete) stops the evaluation: the
// result is the default action with Final false, and the caller asks again
// when it knows more. Log rules that match add their id to Logged and
// evaluation continues. Decide does not allocate unless log rules match in a
// non-contiguous pattern (log rules that match with a non-log rule between
// them that does not match are contiguous in logIDs, so that too is free).
func (p *Policy) Decide(f *Facts) Decision {
	lo, hi := 0, 0     // p.logIDs[lo:hi] are the log rules matched so far …
	var extra []string // … unless they are not contiguous in logIDs
	for i := range p.rules {
		r := &p.rules[i]
		st, lst, ent := r.match(f)
		switch st {
		case noMatch:
			continue
		case pending:
			d := p.decision(&p.def, DefaultRule, "", "", logged(p.logIDs, lo, hi, extra))
			d.Final = false
			return d
		}
		if r.act.act == Log {
			k := r.logIdx
			switch {
			case extra != nil:
				extra = append(extra, r.id)
			case hi == lo:
				lo, hi = k, k+1
			case k == hi:
				hi++
			default:
				extra = append(append(make([]string, 0, hi-lo+4), p.logIDs[lo:hi]...), r.id)
			}
			continue
		}
		return p.decision(&r.act, r.id, lst, ent, logged(p.logIDs, lo, hi, extra))
	}
	return p.decision(&p.def, DefaultRule, "", "", logged(p.logIDs, lo, hi, extra))
}

func logged(ids []string, lo, hi int, extra []string) []string {
	if extra != nil {
		return extra
	}
	if hi > lo {
		return ids[lo:hi:hi]
	}
	return nil
}

func (p *Policy) decision(a *actionSpec, rule, lst, ent string, lg []string) Decision {
	d := Decision{Action: a.act, Rule: rule, List: lst, Entry: ent, Final: true, Logged: lg}
	switch a.act {
	case Sinkhole:
		d.SinkholeA, d.SinkholeAAAA = a.sinkA, a.sinkQ
	case Notice:
		d.Notice = a.notice
	}
	return d
}

// rule is a compiled rule: conditions in evaluation order (facts always
// known first, so a rule that fails on an address never reports pending).
type rule struct {
	id     string
	line   int
	act    actionSpec
	logIdx int // index in Policy.logIDs for log rules
	conds  []cond
}

// match reports whether r matches f, and the list and entry of the
// condition with the best explanation (lowest prio).
func (r *rule) match(f *Facts) (matchState, string, string) {
	isPending := false
	var lst, ent string
	best := uint8(255)
	for i := range r.conds {
		c := &r.conds[i]
		ok, unknown, e := c.eval(f)
		if unknown {
			isPending = true
			continue
		}
		if !ok {
			return noMatch, "", ""
		}
		if c.prio < best {
			best, lst, ent = c.prio, c.listName(e), e.entry
		}
	}
	if isPending {
		return pending, "", ""
	}
	return matched, lst, ent
}

// keyKind is a match key.
type keyKind uint8

const (
	keyProto keyKind = iota
	keyDstPort
	keySrcPort
	keySrc
	keyDst
	keySrcList
	keyDstList
	keyApp
	keyAppList
	keyService
	keyHost
	keyHostList
)

// hit is one matched value: the set it came from (nil for inline values of
// scalar kinds) and the entry text.
type hit struct {
	set   string
	entry string
}

// cond is one match key of a rule. Exactly the fields of its kind are set;
// a key's values are OR-ed, a rule's keys AND-ed.
type cond struct {
	kind     keyKind
	prio     uint8 // explanation priority: list keys first, then host, app, …
	cidrs    []*cidrSet
	domains  []*domainSet
	apps     []*nameSet
	services []string
	ports    []portRange
	protos   []protoItem
}

func (c *cond) listName(h hit) string { return h.set }

// eval matches c against f: ok, or unknown when c needs a fact f does not
// have yet.
func (c *cond) eval(f *Facts) (ok, unknown bool, h hit) {
	switch c.kind {
	case keyProto:
		for i := range c.protos {
			p := &c.protos[i]
			if f.Proto == p.num || (p.alt != 0 && f.Proto == p.alt) {
				return true, false, hit{entry: p.text}
			}
		}
	case keyDstPort, keySrcPort:
		port := f.DstPort
		if c.kind == keySrcPort {
			port = f.SrcPort
		}
		for i := range c.ports {
			r := &c.ports[i]
			if port >= r.lo && port <= r.hi {
				return true, false, hit{entry: r.text}
			}
		}
	case keySrc, keyDst, keySrcList, keyDstList:
		a := f.Dst
		if c.kind == keySrc || c.kind == keySrcList {
			a = f.Src
		}
		if !a.IsValid() {
			return false, false, hit{}
		}
		a = a.Unmap()
		for _, s := range c.cidrs {
			if e, ok := s.lookup(a); ok {
				return true, false, hit{set: s.name, entry: e}
			}
		}
	case keyApp, keyAppList:
		if f.App == "" {
			return false, !f.Complete, hit{}
		}
		for _, s := range c.apps {
			if e, ok := s.lookup(f.App); ok {
				return true, false, hit{set: s.name, entry: e}
			}
		}
	case keyService:
		if f.Service == "" {
			return false, !f.Complete, hit{}
		}
		for _, s := range c.services {
			if strings.EqualFold(s, f.Service) {
				return true, false, hit{entry: s}
			}
		}
	case keyHost, keyHostList:
		h := f.Host
		if h == "" {
			return false, !f.Complete, hit{}
		}
		if h[len(h)-1] == '.' {
			h = h[:len(h)-1]
		}
		for _, s := range c.domains {
			if e, ok := s.lookup(h); ok {
				return true, false, hit{set: s.name, entry: e}
			}
		}
	}
	return false, false, hit{}
}

// portRange is an inclusive range of ports; text is how it was written.
type portRange struct {
	lo, hi uint16
	text   string
}

// protoItem is an IP protocol number; icmp also matches ipv6-icmp (alt).
type protoItem struct {
	num, alt uint8
	text     string
}
