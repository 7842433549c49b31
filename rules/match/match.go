// Package match compiles a parsed rules.RuleSet into a Matcher that decides
// which signatures match one inspection (a packet payload or stream chunk
// plus the app-layer buffers of one transaction).
//
// Matching runs in two stages, as in Suricata: a multi-pattern prefilter
// (Aho-Corasick over each buffer's fast_pattern contents, case-folded) picks
// the candidate rules, then each candidate is evaluated in full — header,
// flow, flowbits, and one keyword chain per buffer with Suricata's relative
// positions and backtracking. Rules without a usable fast pattern are on an
// always-evaluate list, bucketed by transport protocol.
package match

import (
	"fmt"
	"math/bits"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dlclark/regexp2"

	"github.com/netsift/netsift/rules"
)

// Tx is what one inspection sees: the packet/stream payload and the
// app-layer buffers of one transaction. The Matcher reads it only during
// Match and keeps no reference to it or its slices. The zero value of every
// field added after the first version keeps the old behaviour.
type Tx struct {
	Proto            uint8 // IP protocol: 6 tcp, 17 udp, 1 icmp, 58 icmpv6
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16 // packet orientation
	ToServer         bool   // packet goes from the flow's client to its server
	Established      bool
	// AppProto is the flow's app-layer protocol under its netsift name
	// ("http", "tls", "dns", "kerberos", "postgresql", …; "" while unknown).
	// Rules' Suricata names are mapped onto it (see appMatch).
	AppProto string
	// AppFailed says protocol detection gave up on the flow: it makes
	// app-layer-protocol:failed match (Suricata's ALPROTO_FAILED).
	AppFailed bool
	// Payload is the packet payload or reassembled stream chunk (pkt_data).
	Payload []byte
	// PacketLen is the length of the packet's own payload, which dsize
	// tests; 0 means len(Payload). Set it when Payload is a reassembled
	// stream window larger than the packet.
	PacketLen int
	// Fresh is, for stream inspection, the offset in Payload where data not
	// inspected before starts (Payload = tail of inspected data + new data).
	// A pkt_data chain then only counts when its last matched content or
	// pcre ends beyond Fresh, so a match lying wholly in old data does not
	// alert again; the evaluator backtracks to find such a match. 0 disables
	// the check. Chains without content or pcre are not affected.
	Fresh int
	// Stream says Payload is a reassembled TCP stream window (not one
	// packet's payload): flow:only_stream rules need it; flow:no_stream
	// rules then inspect Packet, the packet's own payload, instead.
	Stream bool
	Packet []byte
	// Fragmented says the packet was reassembled from IP fragments
	// (flow:only_frag, flow:no_frag).
	Fragmented bool
	// Context says what is inspected, so that rules that cannot apply are
	// neither prefiltered nor evaluated: CtxAny (every rule), CtxPacket (a
	// packet or stream chunk: rules without sticky buffers) or CtxTx (an
	// app-layer transaction: rules with a sticky buffer, or with an
	// app-layer protocol in the header and no payload keyword).
	Context Context
	// SkipIPOnly skips the IP-only rules (rules.Rule.IPOnly: header and meta
	// only), which Suricata decides once per flow direction: the engine sets
	// it on every packet after the first of each direction.
	SkipIPOnly bool
	// TCPFlags are the TCP header flags (FIN 0x01 … CWR 0x80) for the flags
	// keyword; ICMPType and ICMPCode are the ICMP header fields for itype and
	// icode (only consulted when Proto is 1 or 58).
	TCPFlags           uint8
	ICMPType, ICMPCode uint8
	// Buf returns the values of a sticky buffer (rules.Match.Buffer names,
	// e.g. "http.uri", "tls.certs") for this transaction: nil or empty when
	// absent, several values for multi-buffers. May be nil (no app-layer
	// buffers). The slices must stay valid during Match.
	Buf func(name string) [][]byte
	// Flow holds flowbits; the engine keeps one per flow and passes the same
	// one for every Tx of the flow. nil means no flow state (flowbits isset
	// fails, set is dropped).
	Flow *FlowState
	// Time is the packet time; threshold and detection_filter windows use it.
	Time time.Time
}

// FlowState is the per-flow state rules keep: flowbits. The zero value is
// ready. It is not safe for concurrent use; the engine owns one per flow and
// inspects a flow from one goroutine at a time.
type FlowState struct {
	bits map[string]struct{}
}

// IsSet reports whether flowbit name is set.
func (f *FlowState) IsSet(name string) bool {
	if f == nil {
		return false
	}
	_, ok := f.bits[name]
	return ok
}

func (f *FlowState) set(name string) {
	if f.bits == nil {
		f.bits = make(map[string]struct{}, 4)
	}
	f.bits[name] = struct{}{}
}

func (f *FlowState) unset(name string) { delete(f.bits, name) }

// Context is an inspection context (Tx.Context).
type Context uint8

const (
	CtxAny Context = iota
	CtxPacket
	CtxTx
)

// RuleContext returns the context a rule is inspected in: CtxTx for rules
// with a sticky buffer, or with an app-layer protocol in the header and
// neither payload keyword nor dsize; CtxPacket otherwise.
func RuleContext(r *rules.Rule) Context {
	bufs := r.Buffers()
	for _, b := range bufs {
		if b != rules.BufferPacket {
			return CtxTx
		}
	}
	if len(bufs) == 0 && r.AppProto != "" && r.Dsize == nil {
		return CtxTx
	}
	return CtxPacket
}

// Matcher is a compiled rule set. It is immutable after Compile except for
// threshold state (guarded by a mutex), so one Matcher serves all workers.
type Matcher struct {
	rules  []*crule      // sorted by (sid, gid): index = evaluation tie-break and hit order
	list   []*rules.Rule // the same order, for Rules
	groups []*bufGroup   // one per (buffer, transforms), sorted by key
	always [2][5][]int32 // [ipOnly][protoClass]: rules to evaluate on every Tx
	// alwaysC is always with each rule's header inline: ET's always-rules
	// are port-specific scan rules (flags:S to 22, 1433…), so most Txs
	// drop them here without loading the rule.
	alwaysC [2][5][]candRef
	// refs is every rule as a candidate (crule.ref), by index: the address
	// index marks through it.
	refs   []candRef
	addrIx [2]addrIndex // [ipOnly]: rules without fast pattern found through a narrow address group
	pool   sync.Pool    // *scratch
	thr    thresholdTab // threshold / detection_filter state
	maxPat int          // MaxPatternLen
	maxFP  int          // MaxFastPatternLen
	ports  [1]*portPart // partDst; nil when empty
	// addrSets and portSets are the distinct address and port sets rules
	// use (the parser shares one set per expression: ET Open's 14,887
	// rules use a few hundred), so a Tx tests each at most once.
	addrSets []*rules.AddrSet
	portSets []*rules.PortSet
	common   *bufGroup // the common packet group (pkt_data, packet context)
	// byCtx lists the groups of each context (CtxPacket, CtxTx; CtxAny:
	// all), so a Tx walks only its own.
	byCtx  [3][]*bufGroup
	nTrans int      // transformed (buffer, transforms) keys
	nPats  int      // most patterns in one group
	transK []string // transformed keys, by index

	Stats Stats
}

// Stats describe a compiled Matcher.
type Stats struct {
	Rules       int // rules compiled
	Prefiltered int // rules behind a fast pattern
	Always      int // rules evaluated on every Tx of their protocol
	AddrIndexed int // rules without fast pattern found through their address group
	PortGroups  int // prefilter groups of the port partitions
	IPOnly      int // IP-only rules (a subset of Always and AddrIndexed), skipped with Tx.SkipIPOnly
	Patterns    int // distinct prefilter patterns over all buffers
	Groups      int // prefilter groups (buffer × transforms)
}

// proto classes for the always lists.
const (
	pcAny = iota
	pcTCP
	pcUDP
	pcICMP
	pcOther
)

func protoClass(p uint8) int {
	switch p {
	case 6:
		return pcTCP
	case 17:
		return pcUDP
	case 1, 58:
		return pcICMP
	}
	return pcOther
}

// bufGroup is the prefilter of one buffer under one transform list.
type bufGroup struct {
	key        string // buffer + "|" + transforms joined by ","
	buffer     string
	transforms []string
	trans      int // index in the scratch transformed-buffer cache, -1 = none
	mpm        *mpm
	patRules   [][]int32 // pattern id → rules
	// cands is patRules with each rule's header (protocol, address and
	// port sets) inline: a pattern found marks only the rules whose header
	// the Tx satisfies, without touching the rules themselves. On the bench
	// capture's payloads with ET Open 98% of the prefilter's candidates
	// failed their header, and loading each rule to find out was a quarter
	// of the time (a profile of TestMatchCorpusCPU's loop).
	cands [][]candRef
	// apps are the app-layer protocols the group's rules require (every
	// rule requires one of them); nil when some rule requires none. A Tx
	// of another protocol cannot alert on these rules, so the group is not
	// scanned (nor its buffer asked for): for a DNS query this skips 30 of
	// ET's 34 groups.
	apps []string
	// dirs: bit 0 set when some rule can match to_server, bit 1 to_client
	// (flow:to_server / to_client); a Tx of the other direction skips the
	// group.
	dirs uint8
	// ctx is the inspection context of the group's rules (groups are split
	// by context: a packet never scans transaction rules' patterns).
	ctx Context
}

// crule is one compiled rule.
type crule struct {
	r   *rules.Rule
	ctx Context // RuleContext
	// ids of the rule's Src, Dst (Matcher.addrSets) and SrcPorts, DstPorts
	// (Matcher.portSets); -1 for none or any.
	src, dst, sp, dp int16
	// recheck: a set has no id (more sets than ids): candidates of this
	// rule were not header-checked exactly, eval checks again.
	recheck  bool
	idx      int32
	proto    uint8 // required IP protocol, 0 any; 1 means icmp or icmpv6
	reads    bool  // has flowbit isset/isnotset: evaluated after rules that only write
	ipOnly   bool  // rules.Rule.IPOnly
	chains   []chain
	hasB64   bool
	thrLimit bool // has threshold or detection_filter
	flags    tcpFlags
}

// chain is the keyword list of one rule on one buffer.
type chain struct {
	buffer     string
	transforms []string
	group      int // index in scratch transformed-buffer cache, -1 = none needed
	steps      []step
	relAfter   []bool // relAfter[i]: a relative step follows i (backtracking matters)
	lastIdx    int    // last non-negated content/pcre step, -1 none (Tx.Fresh)
}

// step is one compiled keyword.
type step struct {
	m   *rules.Match
	pat []byte // content pattern, lower-cased when nocase
	re  *regexp2.Regexp
}

// pcreTimeout bounds one regexp2 match (pathological patterns × hostile
// payloads, what PCRE's match limit does in Suricata). A timeout fails the
// chain on that value without retries, so a hostile value costs a rule at
// most one timeout.
const pcreTimeout = 20 * time.Millisecond

// maxPatternCap bounds MaxPatternLen.
const maxPatternCap = 1024

// Compile builds a Matcher. It is deterministic: the same RuleSet gives the
// same prefilters and evaluation order. A rule whose pcre or flags cannot be
// compiled (the parser already rejects those) makes Compile fail with its
// file:line.
func Compile(rs *rules.RuleSet) (*Matcher, error) {
	m := &Matcher{}
	rl := slices.Clone(rs.Rules)
	sort.SliceStable(rl, func(i, j int) bool {
		if rl[i].SID != rl[j].SID {
			return rl[i].SID < rl[j].SID
		}
		return rl[i].GID < rl[j].GID
	})
	gb := map[string]*gbuild{}
	var portEnts [1][]portEnt
	transIdx := map[string]int{}
	transKey := func(b string, tr []string) int {
		k := groupKey(b, tr)
		ti, ok := transIdx[k]
		if !ok {
			ti = len(m.transK)
			transIdx[k] = ti
			m.transK = append(m.transK, k)
		}
		return ti
	}
	addrID, portID := map[*rules.AddrSet]int16{}, map[*rules.PortSet]int16{}
	aid := func(a *rules.AddrSet) int16 {
		if a == nil || a.IsAny() {
			return -1
		}
		id, ok := addrID[a]
		if !ok && len(m.addrSets) < 1<<15-1 {
			id = int16(len(m.addrSets))
			addrID[a] = id
			m.addrSets = append(m.addrSets, a)
		} else if !ok {
			return -2 // too many sets to memoise: test directly
		}
		return id
	}
	pid := func(p *rules.PortSet) int16 {
		if p == nil || p.IsAny() {
			return -1
		}
		id, ok := portID[p]
		if !ok && len(m.portSets) < 1<<15-1 {
			id = int16(len(m.portSets))
			portID[p] = id
			m.portSets = append(m.portSets, p)
		} else if !ok {
			return -2
		}
		return id
	}
	for i, r := range rl {
		cr := &crule{r: r, idx: int32(i), thrLimit: r.Threshold != nil || r.DetectionFilter != nil, ipOnly: ipOnly(r), ctx: RuleContext(r)}
		cr.src, cr.dst, cr.sp, cr.dp = aid(r.Src), aid(r.Dst), pid(r.SrcPorts), pid(r.DstPorts)
		cr.recheck = cr.src == -2 || cr.dst == -2 || cr.sp == -2 || cr.dp == -2
		switch r.Transport {
		case "tcp":
			cr.proto = 6
		case "udp":
			cr.proto = 17
		case "icmp", "icmpv6":
			cr.proto = 1
		case "sctp":
			cr.proto = 132
		}
		if r.TCPFlags != "" {
			f, err := parseTCPFlags(r.TCPFlags)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: sid %d: flags %q: %v (fix or disable the rule)", r.File, r.Line, r.SID, r.TCPFlags, err)
			}
			cr.flags = f
		}
		for _, fb := range r.Flowbits {
			if fb.Cmd == rules.FlowbitIsset || fb.Cmd == rules.FlowbitIsnotset {
				cr.reads = true
			}
		}
		for _, b := range r.Buffers() {
			ms := r.Chain(b)
			ch := chain{buffer: b, group: -1, transforms: ms[0].Transforms, lastIdx: -1}
			if len(ch.transforms) > 0 {
				ch.group = transKey(b, ch.transforms)
			}
			for j, mm := range ms {
				st := step{m: mm}
				switch mm.Kind {
				case rules.MatchContent:
					st.pat = mm.Content.Pattern
					if mm.Content.Nocase {
						st.pat = lower(st.pat)
					}
					if !mm.Content.Negated {
						ch.lastIdx = j
					}
					if b == rules.BufferPacket {
						m.maxPat = max(m.maxPat, min(len(st.pat), maxPatternCap))
					}
				case rules.MatchPCRE:
					re, err := compilePCRE(mm.PCRE)
					if err != nil {
						return nil, fmt.Errorf("%s:%d: sid %d: pcre %q: %v (fix or disable the rule)", r.File, r.Line, r.SID, mm.PCRE.Pattern, err)
					}
					st.re = re
					if !mm.PCRE.Negated {
						ch.lastIdx = j
					}
				case rules.MatchBase64Decode:
					cr.hasB64 = true
				}
				ch.steps = append(ch.steps, st)
			}
			ch.relAfter = make([]bool, len(ch.steps))
			rel := false
			for j := len(ch.steps) - 1; j >= 0; j-- {
				ch.relAfter[j] = rel
				if isRelative(ch.steps[j].m) {
					rel = true
				}
			}
			cr.chains = append(cr.chains, ch)
		}
		// base64_data must be evaluated after the chain holding base64_decode.
		if cr.hasB64 {
			sort.SliceStable(cr.chains, func(a, b int) bool {
				return cr.chains[a].buffer != "base64_data" && cr.chains[b].buffer == "base64_data"
			})
		}
		m.rules = append(m.rules, cr)
		m.list = append(m.list, r)
		ipo := 0
		if cr.ipOnly {
			ipo = 1
			m.Stats.IPOnly++
		}

		fm, pat := r.FastPattern()
		// base64_data is produced during evaluation, not by the Tx.
		if fm == nil || fm.Content.Negated || len(pat) == 0 || fm.Buffer == "base64_data" {
			if narrow(r.Src) {
				m.addrIx[ipo].add(r.Src, int32(i))
				m.Stats.AddrIndexed++
				continue
			}
			if narrow(r.Dst) {
				m.addrIx[ipo].add(r.Dst, int32(i))
				m.Stats.AddrIndexed++
				continue
			}
			pc := pcAny
			switch cr.proto {
			case 6:
				pc = pcTCP
			case 17:
				pc = pcUDP
			case 1:
				pc = pcICMP
			case 0:
			default:
				pc = pcOther
			}
			m.always[ipo][pc] = append(m.always[ipo][pc], int32(i))
			m.Stats.Always++
			continue
		}
		m.Stats.Prefiltered++
		if fm.Buffer == rules.BufferPacket {
			m.maxFP = max(m.maxFP, min(len(pat), maxPatternCap))
		}
		if part, ports := portPartition(cr, fm); part >= 0 {
			// Packet rules bound to ports are prefiltered by port (see
			// portPart): a packet scans only the patterns of rules its
			// ports can match.
			portEnts[part] = append(portEnts[part], portEnt{rule: int32(i), pat: pat, ports: ports})
			continue
		}
		k := groupKey(fm.Buffer, fm.Transforms)
		if cr.ctx == CtxTx && fm.Buffer == rules.BufferPacket {
			// Transaction rules whose fast pattern is in the payload have
			// their own group, which packets do not scan.
			k += "|tx"
		}
		g := gb[k]
		if g == nil {
			g = newGbuild(k, fm.Buffer, fm.Transforms, cr.ctx)
			if len(fm.Transforms) > 0 {
				g.g.trans = transKey(fm.Buffer, fm.Transforms)
			}
			gb[k] = g
		}
		g.add(cr, pat)
	}
	keys := make([]string, 0, len(gb))
	for k := range gb {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		g := m.finish(gb[k])
		if k == rules.BufferPacket {
			m.common = g
		}
		m.groups = append(m.groups, g)
	}
	// Each port group also holds the common packet group's patterns, so a
	// packet's payload is scanned once: by its port's group, or by the
	// common group when no port-specific rule names its port.
	var common *gbuild
	if g := gb[rules.BufferPacket]; g != nil {
		common = g
	}
	m.ports[partDst] = m.buildPortPart(portEnts[partDst], common)
	m.byCtx[CtxAny] = m.groups
	for _, g := range m.groups {
		m.byCtx[g.ctx] = append(m.byCtx[g.ctx], g)
	}
	m.addrIx[0].build()
	m.addrIx[1].build()
	m.Stats.Rules = len(m.rules)
	m.Stats.Groups = len(m.groups)
	m.nTrans = len(m.transK)
	m.refs = make([]candRef, len(m.rules))
	for i, cr := range m.rules {
		m.refs[i] = cr.ref()
	}
	for k := range m.always {
		for pc := range m.always[k] {
			for _, ri := range m.always[k][pc] {
				m.alwaysC[k][pc] = append(m.alwaysC[k][pc], m.rules[ri].ref())
			}
		}
	}
	nRules, nTrans, nPats := len(m.rules), m.nTrans, m.nPats
	nAddr, nPort := len(m.addrSets), len(m.portSets)
	m.pool.New = func() any { return newScratch(nRules, nTrans, nPats, nAddr, nPort) }
	m.thr.init()
	return m, nil
}

// gbuild collects one prefilter group's patterns while compiling.
type gbuild struct {
	g      *bufGroup
	pats   map[string]int
	list   [][]byte
	anyApp bool
}

func newGbuild(key, buffer string, transforms []string, ctx Context) *gbuild {
	return &gbuild{g: &bufGroup{key: key, buffer: buffer, transforms: transforms, trans: -1, ctx: ctx}, pats: map[string]int{}}
}

// add files rule cr under its fast pattern pat.
func (g *gbuild) add(cr *crule, pat []byte) {
	r := cr.r
	lp := string(lower(pat))
	id, ok := g.pats[lp]
	if !ok {
		id = len(g.list)
		g.pats[lp] = id
		g.list = append(g.list, []byte(lp))
		g.g.patRules = append(g.g.patRules, nil)
	}
	g.g.patRules[id] = append(g.g.patRules[id], cr.idx)
	if len(g.g.cands) <= id {
		g.g.cands = append(g.g.cands, nil)
	}
	g.g.cands[id] = append(g.g.cands[id], cr.ref())
	switch {
	case r.Flow.ToServer && !r.Flow.ToClient:
		g.g.dirs |= 1
	case r.Flow.ToClient && !r.Flow.ToServer:
		g.g.dirs |= 2
	default:
		g.g.dirs |= 3
	}
	if r.AppProto == "" {
		g.anyApp = true
	} else if !slices.Contains(g.g.apps, r.AppProto) {
		g.g.apps = append(g.g.apps, r.AppProto)
	}
}

// finish builds the group's automaton.
func (m *Matcher) finish(g *gbuild) *bufGroup {
	g.g.mpm = newMPM(g.list)
	if g.anyApp {
		g.g.apps = nil
	} else {
		slices.Sort(g.g.apps)
	}
	m.Stats.Patterns += len(g.list)
	m.nPats = max(m.nPats, len(g.list))
	return g.g
}

// Port partitions. Most payload rules name ports ($HTTP_PORTS, 445, 1433…),
// as Suricata's port-based signature groups exploit: a packet to port 5353
// need not look for the patterns of SMB rules. Packet-context pkt_data
// rules whose destination ports are specific are filed by destination
// port, those with only source ports specific by source port; the rest
// (any ports, "<>") stay in the common pkt_data group. Each partition maps
// every port to the group of exactly the rules whose port set holds it;
// ports with the same rules share the group.
//
// Measured on bench/rules.sh's capture with ET Open (380 MB, CPU time of
// one run on a loaded 2-core machine): one common packet group 4.27–4.58 s;
// port groups scanned in addition to the common one 6.3–6.9 s (two passes
// over every payload); port groups holding the common patterns, one pass
// 3.9–4.3 s. ET Open gives 207 distinct destination-port groups.
type portPart struct {
	byPort [65536]uint16 // group index + 1; 0: no rule for the port
	groups []*portGroup
	ents   []portEnt
	common *gbuild // the common packet group's patterns, added to each
	m      *Matcher
}

type portEnt struct {
	rule  int32
	pat   []byte
	ports *rules.PortSet
}

const partDst = 0

// portPartition says whether cr goes to a port partition (partDst,
// partSrc) and with which port set; -1 when it stays in a common group.
func portPartition(cr *crule, fm *rules.Match) (int, *rules.PortSet) {
	r := cr.r
	if cr.ctx != CtxPacket || fm.Buffer != rules.BufferPacket || len(fm.Transforms) > 0 || r.Bidirectional || (cr.proto != 6 && cr.proto != 17) {
		return -1, nil
	}
	if r.DstPorts != nil && !r.DstPorts.IsAny() {
		return partDst, r.DstPorts
	}
	return -1, nil
}

func (m *Matcher) buildPortPart(ents []portEnt, common *gbuild) *portPart {
	if len(ents) == 0 {
		return nil
	}
	pp := &portPart{ents: ents, common: common, m: m}
	// Port intervals over which membership is constant.
	cuts := []int{0, 65536}
	for _, e := range ents {
		e.ports.Ranges(func(lo, hi uint16) bool {
			cuts = append(cuts, int(lo), int(hi)+1)
			return true
		})
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	byKey := map[string]int{}
	var members []int32
	var key []byte
	nCommon := 0
	if common != nil {
		nCommon = len(common.list)
	}
	for i := 0; i+1 < len(cuts) && cuts[i] < 65536; i++ {
		lo, hi := cuts[i], cuts[i+1]-1
		members, key = members[:0], key[:0]
		for j, e := range ents {
			if e.ports.Contains(uint16(lo)) {
				members = append(members, int32(j))
				key = fmt.Appendf(key, "%d,", j)
			}
		}
		if len(members) == 0 {
			continue
		}
		gi, ok := byKey[string(key)]
		if !ok {
			gi = len(pp.groups)
			byKey[string(key)] = gi
			pp.groups = append(pp.groups, &portGroup{lo: lo, members: slices.Clone(members)})
			// Scratch bitsets are sized for the largest group: an upper
			// bound, since the group is built on first use.
			m.nPats = max(m.nPats, len(members)+nCommon)
		}
		for p := lo; p <= hi; p++ {
			pp.byPort[p] = uint16(gi + 1)
		}
	}
	m.Stats.PortGroups += len(pp.groups)
	return pp
}

// portGroup is one port group, built on first use: most ports of a
// capture never carry payload, and building all of ET Open's 207 groups
// up front was most of Compile's time.
type portGroup struct {
	once    sync.Once
	g       *bufGroup
	lo      int
	members []int32 // indices into portPart.ents
}

// group returns port group gi, building it on first use (safe for
// concurrent use).
func (pp *portPart) group(gi int) *bufGroup {
	pg := pp.groups[gi]
	pg.once.Do(func() {
		g := newGbuild(fmt.Sprintf("%s|dport:%d", rules.BufferPacket, pg.lo), rules.BufferPacket, nil, CtxPacket)
		for _, j := range pg.members {
			g.add(pp.m.rules[pp.ents[j].rule], pp.ents[j].pat)
		}
		if c := pp.common; c != nil {
			for id, p := range c.list {
				for _, ri := range c.g.patRules[id] {
					g.add(pp.m.rules[ri], p)
				}
			}
		}
		g.g.mpm = newMPM(g.list)
		if g.anyApp {
			g.g.apps = nil
		} else {
			slices.Sort(g.g.apps)
		}
		pg.g = g.g
	})
	return pg.g
}

// ipOnly is rules.Rule.IPOnly except that threshold and detection_filter
// are allowed, as in Suricata, whose IP-only engine applies them (ET's
// CINS/botcc/drop lists are threshold-limited IP-only rules).
func ipOnly(r *rules.Rule) bool {
	c := *r
	c.Threshold, c.DetectionFilter = nil, nil
	return c.IPOnly()
}

// Rules returns the compiled rules in evaluation (sid, gid) order. The slice
// is shared: callers must not modify it.
func (m *Matcher) Rules() []*rules.Rule { return m.list }

// MaxPatternLen is the longest content pattern of any pkt_data chain, capped
// at 1024 bytes: a stream inspector that keeps this many already-inspected
// bytes before new data (Tx.Fresh) finds every content that straddles the
// boundary.
func (m *Matcher) MaxPatternLen() int { return m.maxPat }

// MaxFastPatternLen is the longest fast pattern of the pkt_data prefilter
// groups: keeping this many already-inspected bytes before new data is
// enough for the prefilter to find every fast pattern that straddles the
// boundary (ET Open: 156 bytes, against 516 for MaxPatternLen; on
// bench/rules.sh's capture the 516-byte overlap was 71 MB of the 152 MB of
// TCP stream windows scanned). A rule whose matching contents start further
// back than that before the boundary is not found, as with any finite
// overlap.
func (m *Matcher) MaxFastPatternLen() int { return m.maxFP }

func groupKey(buf string, tr []string) string {
	if len(tr) == 0 {
		return buf
	}
	return buf + "|" + strings.Join(tr, ",")
}

func isRelative(m *rules.Match) bool {
	switch m.Kind {
	case rules.MatchContent:
		return m.Content.Relative()
	case rules.MatchPCRE:
		return m.PCRE.Relative
	case rules.MatchByteTest, rules.MatchByteJump, rules.MatchByteExtract:
		return m.Byte.Relative
	case rules.MatchIsDataAt:
		return m.IsDataAt.Relative
	case rules.MatchBase64Decode:
		return m.Base64.Relative
	}
	return false
}

func compilePCRE(p *rules.PCRE) (*regexp2.Regexp, error) {
	if re := p.Compiled(); re != nil {
		re.MatchTimeout = pcreTimeout
		return re, nil
	}
	re, err := regexp2.Compile(p.MatcherPattern(), p.Regexp2Options())
	if err != nil {
		return nil, err
	}
	re.MatchTimeout = pcreTimeout
	return re, nil
}

var lowerTab = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if i >= 'A' && i <= 'Z' {
			t[i] = byte(i) + 32
		}
	}
	return
}()

func lower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = lowerTab[c]
	}
	return out
}

// scratch is the per-call working memory, pooled so Match allocates
// nothing after warm-up (regexp2 still allocates when a pcre runs).
type scratch struct {
	cand    []uint64 // candidate bitset over rule indices
	dirty   []int32  // indices of the non-zero words of cand
	list    []int32  // candidate rule indices
	hits    []int32
	seen    []uint64   // prefilter: patterns already reported in this group
	pids    []int32    // prefilter: patterns found
	trans   [][][]byte // transformed buffer values per transform key (valid when transOK)
	transOK []bool
	arena   []byte // transformed bytes of this Tx
	tmp     [2][]byte
	pkt     [1][]byte
	b64v    [1][]byte
	runes   []rune
	vars    []varVal
	b64     []byte
	hasB64  bool
	budget  int
	fresh   int    // Tx.Fresh while evaluating a pkt_data chain, else 0
	scan    []byte // the pkt_data the prefilter scans (Payload, or Packet)
	all     bool   // match(all=true): candidates not header-checked
	tx      *Tx
	app     string // canonApp(tx.AppProto)
	// Set-membership memo (inAddr, inPort): per set and Tx address or port
	// (×2: source, destination), 1 when contained, valid when the gen
	// entry equals cur (bumped per Tx instead of clearing).
	addrMemo, portMemo []uint8
	addrGen, portGen   []uint32
	cur                uint32
}

type varVal struct {
	name string
	val  int64
}

func newScratch(nRules, nTrans, nPats, nAddr, nPort int) *scratch {
	return &scratch{
		cand:     make([]uint64, (nRules+63)/64),
		seen:     make([]uint64, (nPats+63)/64),
		trans:    make([][][]byte, nTrans),
		transOK:  make([]bool, nTrans),
		addrMemo: make([]uint8, 2*nAddr),
		addrGen:  make([]uint32, 2*nAddr),
		portMemo: make([]uint8, 2*nPort),
		portGen:  make([]uint32, 2*nPort),
	}
}

// mark makes rule i a candidate. Words of cand that become non-zero are
// listed in dirty, so collecting the candidates costs per candidate, not
// per rule (walking all 233 words of ET Open's bitset cost ~0.1 µs a Tx).
func (s *scratch) mark(i int32) {
	w := i >> 6
	if s.cand[w] == 0 {
		s.dirty = append(s.dirty, w)
	}
	s.cand[w] |= uint64(1) << (i & 63)
}

// Match evaluates tx and calls hit for every rule that matches and alerts
// (not noalert, not suppressed by threshold/detection_filter), in sid order.
// Flowbit commands of matching rules (noalert ones too) update tx.Flow; as
// in Suricata, rules that only write flowbits are evaluated before rules
// that test them, so a set and an isset in one Tx see each other. Match is
// safe for concurrent use with different Flows. After warm-up it allocates
// nothing unless a pcre is evaluated, a flowbit is first set on a Flow, or a
// threshold entry is created.
func (m *Matcher) Match(tx *Tx, hit func(r *rules.Rule)) { m.match(tx, hit, false) }

// match is Match; all skips the prefilter and evaluates every rule (the
// slow reference the tests compare the prefilter against).
func (m *Matcher) match(tx *Tx, hit func(r *rules.Rule), all bool) {
	s := m.pool.Get().(*scratch)
	s.tx = tx
	if s.cur++; s.cur == 0 { // wrapped: old generations could collide
		clear(s.addrGen)
		clear(s.portGen)
		s.cur = 1
	}
	s.app = canonApp(tx.AppProto)
	s.list = s.list[:0]
	s.hits = s.hits[:0]
	s.dirty = s.dirty[:0]
	s.arena = s.arena[:0]
	for i := range s.transOK {
		s.transOK[i] = false
	}
	// Prefilter.
	dir := uint8(2)
	if tx.ToServer {
		dir = 1
	}
	// A packet without payload has nothing to prefilter (a pure ACK: a
	// third of TCP packets; skipping the group walk for them saved ~10% of
	// a run with ET Open on bench/rules.sh's capture).
	// The payload the prefilter scans: a stream Tx with no new stream data
	// still carries its packet for flow:no_stream rules.
	s.scan = tx.Payload
	if len(s.scan) == 0 && tx.Stream {
		s.scan = tx.Packet
	}
	if tx.Context != CtxPacket || len(s.scan) > 0 {
		// The packet group of the destination port, when there is one,
		// replaces the common packet group (it holds its patterns too).
		var portG *bufGroup
		if pp := m.ports[partDst]; pp != nil && (tx.Proto == 6 || tx.Proto == 17) {
			if gi := pp.byPort[tx.DstPort]; gi != 0 {
				portG = pp.group(int(gi) - 1)
				s.scanGroup(m, portG, dir)
			}
		}
		for _, g := range m.byCtx[tx.Context] {
			if portG != nil && g == m.common {
				continue
			}
			s.scanGroup(m, g, dir)
		}
	}
	ipo := 1
	if tx.SkipIPOnly {
		ipo = 0
	}
	pc := protoClass(tx.Proto)
	for k := 0; k <= ipo; k++ {
		for i := range m.alwaysC[k][pcAny] {
			if c := &m.alwaysC[k][pcAny][i]; s.headerOK(m, c) {
				s.mark(c.rule)
			}
		}
		if pc != pcAny {
			for i := range m.alwaysC[k][pc] {
				if c := &m.alwaysC[k][pc][i]; s.headerOK(m, c) {
					s.mark(c.rule)
				}
			}
		}
		if ix := &m.addrIx[k]; len(ix.all) > 0 {
			ix.query(tx.Src, s, m)
			ix.query(tx.Dst, s, m)
		}
	}
	s.all = all
	if all {
		for i, cr := range m.rules {
			if !cr.ipOnly || !tx.SkipIPOnly {
				s.mark(int32(i))
			}
		}
	}
	// The bitset gives the candidates in index (= sid) order.
	slices.Sort(s.dirty)
	for _, w := range s.dirty {
		word := s.cand[w]
		s.cand[w] = 0
		for word != 0 {
			s.list = append(s.list, w<<6+int32(bits.TrailingZeros64(word)))
			word &= word - 1
		}
	}
	// Writers first, then readers, each in sid order.
	for pass := 0; pass < 2; pass++ {
		for _, ri := range s.list {
			cr := m.rules[ri]
			if cr.reads != (pass == 1) {
				continue
			}
			if m.eval(cr, s) {
				s.hits = append(s.hits, ri)
			}
		}
	}
	slices.Sort(s.hits)
	s.tx = nil
	for _, ri := range s.hits {
		hit(m.rules[ri].r)
	}
	m.pool.Put(s)
}

// bufValues returns the values of buffer name in the Tx.
func (s *scratch) bufValues(name string) [][]byte {
	tx := s.tx
	if name == rules.BufferPacket {
		if len(s.scan) == 0 {
			return nil
		}
		s.pkt[0] = s.scan
		return s.pkt[:]
	}
	if tx.Buf == nil {
		return nil
	}
	return tx.Buf(name)
}

// transformed returns the values of buffer under transforms tr, computed
// once per Tx into the scratch arena (cache slot ti).
func (s *scratch) transformed(ti int, buffer string, tr []string) [][]byte {
	if s.transOK[ti] {
		return s.trans[ti]
	}
	s.trans[ti] = s.transformAll(s.trans[ti][:0], s.bufValues(buffer), tr)
	s.transOK[ti] = true
	return s.trans[ti]
}

// transformAll appends to out each value of vals with the transforms
// applied, the bytes living in the scratch arena until the next Tx.
func (s *scratch) transformAll(out, vals [][]byte, tr []string) [][]byte {
	for _, v := range vals {
		for j, t := range tr {
			s.tmp[j&1] = appendTransform(s.tmp[j&1][:0], v, t)
			v = s.tmp[j&1]
		}
		// The arena may move when it grows: earlier values keep the old
		// array alive, so slices handed out stay valid.
		st := len(s.arena)
		s.arena = append(s.arena, v...)
		out = append(out, s.arena[st:len(s.arena):len(s.arena)])
	}
	return out
}

// eval runs the full check of one candidate and applies its flowbit
// commands. It reports whether the rule should alert.
func (m *Matcher) eval(cr *crule, s *scratch) bool {
	r, tx := cr.r, s.tx
	if cr.ipOnly && tx.SkipIPOnly || tx.Context != CtxAny && cr.ctx != tx.Context {
		return false
	}
	// Every marking path (prefilter, always lists, address index) has
	// checked the header already (headerOK); the all-rules reference has
	// not.
	if (s.all || cr.recheck) && !headerMatch(cr, tx) {
		return false
	}
	payload, fresh := tx.Payload, tx.Fresh
	if f := r.Flow; f != (rules.Flow{}) {
		if f.Established && !tx.Established || f.NotEstablished && tx.Established ||
			f.ToServer && !tx.ToServer || f.ToClient && tx.ToServer ||
			f.OnlyStream && !tx.Stream || f.OnlyFrag && !tx.Fragmented || f.NoFrag && tx.Fragmented {
			return false
		}
		if f.NoStream && tx.Stream {
			// The packet's own payload, not the stream window.
			payload, fresh = tx.Packet, 0
		}
	}
	if r.AppProto != "" && !appMatch(r.AppProto, s.app) {
		return false
	}
	if v := r.TLSVersion; v != 0 {
		vals := s.bufValues("tls.version")
		if len(vals) == 0 || len(vals[0]) != 2 || uint16(vals[0][0])<<8|uint16(vals[0][1]) != v {
			return false
		}
	}
	if a := r.AppLayerProtocol; a != nil && !appLayerProtocol(a, tx, s.app) {
		return false
	}
	if r.Dsize != nil {
		n := tx.PacketLen
		if n <= 0 {
			n = len(tx.Payload)
		}
		if !intMatch(r.Dsize, uint64(n)) {
			return false
		}
	}
	if r.TCPFlags != "" && (tx.Proto != 6 || !cr.flags.match(tx.TCPFlags)) {
		return false
	}
	if r.ICMPType != nil || r.ICMPCode != nil {
		if tx.Proto != 1 && tx.Proto != 58 {
			return false
		}
		if r.ICMPType != nil && !intMatch(r.ICMPType, uint64(tx.ICMPType)) ||
			r.ICMPCode != nil && !intMatch(r.ICMPCode, uint64(tx.ICMPCode)) {
			return false
		}
	}
	for _, fb := range r.Flowbits {
		switch fb.Cmd {
		case rules.FlowbitIsset:
			if !flowbitsTest(tx.Flow, fb, true) {
				return false
			}
		case rules.FlowbitIsnotset:
			if !flowbitsTest(tx.Flow, fb, false) {
				return false
			}
		}
	}
	s.vars = s.vars[:0]
	s.hasB64 = false
	for i := range cr.chains {
		ch := &cr.chains[i]
		var vals [][]byte
		switch {
		case ch.buffer == "base64_data":
			if !s.hasB64 {
				return false
			}
			s.b64v[0] = s.b64
			vals = s.b64v[:]
			if ch.group >= 0 {
				vals = s.transformAll(nil, vals, ch.transforms)
			}
		case ch.group >= 0:
			vals = s.transformed(ch.group, ch.buffer, ch.transforms)
		case ch.buffer == rules.BufferPacket:
			if len(payload) > 0 {
				s.pkt[0] = payload
				vals = s.pkt[:]
			}
		default:
			vals = s.bufValues(ch.buffer)
		}
		s.fresh = 0
		if ch.buffer == rules.BufferPacket && ch.lastIdx >= 0 {
			s.fresh = fresh
		}
		ok := false
		for _, v := range vals {
			s.runes = s.runes[:0]
			s.budget = recursionLimit
			if s.chainMatch(ch, 0, v, 0, -1) {
				ok = true
				break
			}
		}
		s.fresh = 0
		if !ok {
			return false
		}
	}
	// The rule matched: flowbit writes happen even when it does not alert.
	if tx.Flow != nil {
		for _, fb := range r.Flowbits {
			for _, n := range fb.Names {
				switch fb.Cmd {
				case rules.FlowbitSet:
					tx.Flow.set(n)
				case rules.FlowbitUnset:
					tx.Flow.unset(n)
				case rules.FlowbitToggle:
					if tx.Flow.IsSet(n) {
						tx.Flow.unset(n)
					} else {
						tx.Flow.set(n)
					}
				}
			}
		}
	}
	if r.Noalert {
		return false
	}
	if cr.thrLimit && !m.thr.allow(cr, tx) {
		return false
	}
	return true
}

func flowbitsTest(f *FlowState, fb rules.Flowbit, want bool) bool {
	if fb.Or {
		for _, n := range fb.Names {
			if f.IsSet(n) == want {
				return true
			}
		}
		return false
	}
	for _, n := range fb.Names {
		if f.IsSet(n) != want {
			return false
		}
	}
	return true
}

// canonApp maps a netsift app-layer name to the Suricata name rules use
// where they differ ("http1" stays distinct from "http2"); other names are
// the same in both. A switch, not a map: it runs for every Tx.
func canonApp(n string) string {
	switch n {
	case "http1":
		return "http"
	case "kerberos":
		return "krb5"
	case "postgresql":
		return "pgsql"
	case "smb1", "smb2":
		return "smb"
	case "ikev2":
		return "ike"
	}
	return n
}

// appMatch reports whether the Tx's app-layer protocol, canonicalized by
// canonApp (got), is the rule's Suricata name want: "http" covers HTTP/1
// and HTTP/2 as in Suricata, "http1" only HTTP/1, the rest must be equal.
// An unknown protocol ("") matches nothing.
func appMatch(want, got string) bool {
	if got == "" {
		return false
	}
	return want == got || want == "http" && got == "http2" || want == "http1" && got == "http"
}

// anyApp reports whether appMatch(a, got) holds for some a in apps.
func anyApp(apps []string, got string) bool {
	if got == "" {
		return false
	}
	for _, a := range apps {
		if appMatch(a, got) {
			return true
		}
	}
	return false
}

// appLayerProtocol is app-layer-protocol:[!]name with Suricata's meaning:
// nothing matches (negated or not) while the protocol is not yet known;
// "failed" matches flows whose detection failed (Tx.AppFailed), which
// "!name" also matches; "unknown" matches while no protocol is known.
func appLayerProtocol(a *rules.AppLayerProtocol, tx *Tx, got string) bool {
	switch {
	case a.Name == "unknown":
		return (tx.AppProto == "" && !tx.AppFailed) != a.Negated
	case tx.AppFailed && tx.AppProto == "":
		return (a.Name == "failed") != a.Negated
	case tx.AppProto == "":
		return false
	case a.Name == "failed":
		return a.Negated
	}
	return appMatch(a.Name, got) != a.Negated
}

// tcpFlags is a compiled flags: keyword (Suricata's semantics): exact match
// by default, '+' the flags and any others, '*' any of the flags, '!' not
// all of the flags; bits after the comma are ignored.
type tcpFlags struct {
	mod          byte // 0, '+', '*', '!'
	want, ignore uint8
}

func parseTCPFlags(v string) (tcpFlags, error) {
	var f tcpFlags
	set, ign, _ := strings.Cut(v, ",")
	set = strings.TrimSpace(set)
	bit := func(c rune) (uint8, bool) {
		switch c {
		case 'F':
			return 0x01, true
		case 'S':
			return 0x02, true
		case 'R':
			return 0x04, true
		case 'P':
			return 0x08, true
		case 'A':
			return 0x10, true
		case 'U':
			return 0x20, true
		case 'E', '2':
			return 0x40, true
		case 'C', '1':
			return 0x80, true
		case '0', 'N':
			return 0, true
		}
		return 0, false
	}
	for _, c := range set {
		switch c {
		case '+', '*', '!':
			f.mod = byte(c)
			continue
		case '=':
			continue
		}
		b, ok := bit(c)
		if !ok {
			return f, fmt.Errorf("bad flag %q", c)
		}
		f.want |= b
	}
	for _, c := range strings.TrimSpace(ign) {
		b, ok := bit(c)
		if !ok {
			return f, fmt.Errorf("bad ignored flag %q", c)
		}
		f.ignore |= b
	}
	return f, nil
}

func (f tcpFlags) match(got uint8) bool {
	got &^= f.ignore
	switch f.mod {
	case '+':
		return got&f.want == f.want
	case '*':
		return got&f.want != 0 || f.want == 0
	case '!':
		return got&f.want != f.want
	}
	return got == f.want
}

func headerMatch(cr *crule, tx *Tx) bool {
	switch cr.proto {
	case 0:
	case 1:
		if tx.Proto != 1 && tx.Proto != 58 {
			return false
		}
	default:
		if tx.Proto != cr.proto {
			return false
		}
	}
	r := cr.r
	if dirMatch(r, tx.Src, tx.SrcPort, tx.Dst, tx.DstPort) {
		return true
	}
	return r.Bidirectional && dirMatch(r, tx.Dst, tx.DstPort, tx.Src, tx.SrcPort)
}

func dirMatch(r *rules.Rule, src netip.Addr, sp uint16, dst netip.Addr, dp uint16) bool {
	return (r.SrcPorts == nil || r.SrcPorts.Contains(sp)) && (r.DstPorts == nil || r.DstPorts.Contains(dp)) &&
		(r.Src == nil || r.Src.Contains(src)) && (r.Dst == nil || r.Dst.Contains(dst))
}

func intMatch(im *rules.IntMatch, v uint64) bool {
	switch im.Op {
	case "=", "":
		return v == im.Val
	case "!=":
		return v != im.Val
	case "<":
		return v < im.Val
	case ">":
		return v > im.Val
	case "<=":
		return v <= im.Val
	case ">=":
		return v >= im.Val
	case "<>":
		return v > im.Val && v < im.Max
	}
	return false
}

// ref is the rule as a candidate: its index and header.
func (cr *crule) ref() candRef {
	return candRef{rule: cr.idx, proto: cr.proto, bidir: cr.r.Bidirectional, src: cr.src, dst: cr.dst, sp: cr.sp, dp: cr.dp}
}

// markRef marks rule ri when the Tx satisfies its header.
func (s *scratch) markRef(m *Matcher, ri int32) {
	if s.headerOK(m, &m.refs[ri]) {
		s.mark(ri)
	}
}

// candRef is a prefilter candidate with its rule's header.
type candRef struct {
	rule             int32
	proto            uint8 // crule.proto
	bidir            bool
	src, dst, sp, dp int16 // crule set ids
}

// headerOK is headerMatch on a candRef, with the set tests memoised for
// the Tx.
func (s *scratch) headerOK(m *Matcher, c *candRef) bool {
	tx := s.tx
	switch c.proto {
	case 0:
	case 1:
		if tx.Proto != 1 && tx.Proto != 58 {
			return false
		}
	default:
		if tx.Proto != c.proto {
			return false
		}
	}
	if s.inPort(m, c.sp, 0) && s.inPort(m, c.dp, 1) && s.inAddr(m, c.src, 0) && s.inAddr(m, c.dst, 1) {
		return true
	}
	return c.bidir && s.inPort(m, c.sp, 1) && s.inPort(m, c.dp, 0) && s.inAddr(m, c.src, 1) && s.inAddr(m, c.dst, 0)
}

// inAddr reports whether address set id holds the Tx's source (which 0)
// or destination (which 1) address, memoised per Tx. -1 is any; -2 (more
// sets than the memo holds) answers true and leaves it to headerMatch.
func (s *scratch) inAddr(m *Matcher, id int16, which int) bool {
	if id < 0 {
		return true
	}
	k := int(id)*2 + which
	if s.addrGen[k] != s.cur {
		a := s.tx.Src
		if which == 1 {
			a = s.tx.Dst
		}
		s.addrGen[k], s.addrMemo[k] = s.cur, 0
		if m.addrSets[id].Contains(a) {
			s.addrMemo[k] = 1
		}
	}
	return s.addrMemo[k] == 1
}

// inPort is inAddr for port sets and the Tx's ports.
func (s *scratch) inPort(m *Matcher, id int16, which int) bool {
	if id < 0 {
		return true
	}
	k := int(id)*2 + which
	if s.portGen[k] != s.cur {
		p := s.tx.SrcPort
		if which == 1 {
			p = s.tx.DstPort
		}
		s.portGen[k], s.portMemo[k] = s.cur, 0
		if m.portSets[id].Contains(p) {
			s.portMemo[k] = 1
		}
	}
	return s.portMemo[k] == 1
}

// scanGroup runs group g's prefilter over its buffer and marks the rules of
// the patterns found. dir is 1 for to_server, 2 for to_client.
func (s *scratch) scanGroup(m *Matcher, g *bufGroup, dir uint8) {
	tx := s.tx
	if g.apps != nil && !anyApp(g.apps, s.app) || g.dirs&dir == 0 || tx.Context != CtxAny && g.ctx != tx.Context {
		return
	}
	var vals [][]byte
	if g.trans >= 0 {
		vals = s.transformed(g.trans, g.buffer, g.transforms)
	} else {
		vals = s.bufValues(g.buffer)
	}
	for _, v := range vals {
		if len(v) == 0 {
			continue
		}
		s.pids = g.mpm.scan(v, s.seen, s.pids[:0])
		for _, id := range s.pids {
			s.seen[id>>6] = 0
			for i := range g.cands[id] {
				if c := &g.cands[id][i]; s.headerOK(m, c) {
					s.mark(c.rule)
				}
			}
		}
	}
}
