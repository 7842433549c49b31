// Package dissect is the framework every protocol dissector plugs into. It
// holds no protocol code: each protocol lives in its own package
// dissect/<proto> and exports one Dissector value, listed once, in order, in
// dissect/all.
//
// Identification is split from parsing (STYLE.md §9). The engine calls a
// dissector's Probe on a flow's first payload bytes; Probe is cheap, bounded,
// and answers Match, NoMatch (never try this dissector on the flow again) or
// NeedMore. Ports are only hints that decide the order probes run in, and a
// last-resort guess when nothing matched. Once a dissector matches, the
// engine creates its Parser (if it has one) and feeds it the flow's payload
// in order, per direction, with gaps reported.
package dissect

import (
	"net/netip"

	"github.com/netsift/netsift/event"
)

// Dir is a direction within a flow.
type Dir uint8

const (
	// ToServer is client → server (the initiator's direction).
	ToServer Dir = 0
	// ToClient is server → client.
	ToClient Dir = 1
)

// String returns "to_server" or "to_client".
func (d Dir) String() string {
	if d == ToClient {
		return "to_client"
	}
	return "to_server"
}

// Transport says which L4 protocols a dissector handles.
type Transport uint8

const (
	TCP Transport = 1 << iota
	UDP
	// Both is TCP|UDP.
	Both = TCP | UDP
)

// Verdict is a probe's answer.
type Verdict uint8

const (
	// NoMatch: the flow is not this protocol; the probe is never called on
	// this flow again.
	NoMatch Verdict = iota
	// NeedMore: cannot tell yet; call again with the next payload.
	NeedMore
	// Match: the flow is this protocol.
	Match
)

// Status is a parser's answer to Feed.
type Status uint8

const (
	// Continue: keep feeding this parser.
	Continue Status = iota
	// Done: the parser has all it wants; stop feeding (the flow goes to the
	// fast path). Close is still called when the flow ends.
	Done
	// Fail: a protocol violation. The parser is dropped (its anomaly should
	// have been reported through Emitter.Anomaly); the flow keeps its
	// identification.
	Fail
)

// Ctx is what a probe or parser sees of the flow. The engine owns it; it is
// valid only during the call and must not be retained.
type Ctx struct {
	// Proto is the IP protocol number (6 TCP, 17 UDP).
	Proto uint8
	// Client and Server are the endpoints; the client initiated the flow.
	Client, Server netip.AddrPort
	// Pkts counts payload-carrying packets per direction so far, including
	// the current one. Probes use it to bound themselves.
	Pkts [2]uint32
	// Emit takes the parser's output. Probes must not use it.
	Emit Emitter
	// Inspecting says signatures are loaded: a parser keeps what only
	// Emitter.Inspect needs (message bodies) when it is set, and skips that
	// work when it is not.
	Inspecting bool
}

// Emitter receives what parsers extract. All byte slices passed in are
// copied by the engine if it keeps them: callers may reuse their memory as
// soon as the call returns.
type Emitter interface {
	// Host records the host name the identification used (TLS/QUIC SNI,
	// HTTP Host, DNS query name, NetBIOS/LLMNR name…). The first call wins
	// for service identification unless a later call comes from a stronger
	// source; calling it more than once is fine.
	Host(name []byte)
	// Event writes one EVE event of type typ ("tls", "http", "dns", "quic",
	// "ssh", …) for the current packet; the event's 5-tuple is oriented by
	// dir (ToServer: src = client). rec is encoded before Event returns.
	Event(dir Dir, typ string, rec Record)
	// ServerName reports a name the server presented for itself (a TLS
	// certificate's subject CN or subjectAltName). It is not the flow's
	// host; it names the flow's service when no host name did.
	ServerName(name []byte)
	// Resolved tells the engine a DNS answer mapped name to addr, so later
	// flows towards addr can be named (and given a service) even when they
	// show no name themselves.
	Resolved(name []byte, addr netip.Addr)
	// Anomaly counts a protocol anomaly of a named kind
	// ("tls.record_too_long"). kind must be a constant string.
	Anomaly(kind string)
	// Meta attaches a flow-level fact (e.g. "ja4", "user_agent") that the
	// engine keeps with the flow; key must be a constant string. The last
	// value for a key wins.
	Meta(key string, value []byte)
	// Upgrade asks the engine to hand the rest of this flow to the dissector
	// named proto (SMTP/IMAP/POP3/FTP after STARTTLS → "tls"). The current
	// parser is closed; the flow keeps its application name.
	Upgrade(proto string)
	// Inspect offers transaction tx of this flow (a request, a response, a
	// handshake message, a DNS message), as it stands now, to the signature
	// engine: rec must implement Fields. Call it when a request or response
	// is complete, so that a drop rule acts on the packet that completed it.
	// A signature alerts at most once per (flow, tx); tx numbers start at 0
	// and grow within the flow. Alerts carry rec's EVE under typ ("http",
	// "tls", "dns"…), encoded only when one fires. It costs nothing when no
	// rules are loaded.
	Inspect(dir Dir, tx uint64, typ string, rec Record)
}

// Fields is implemented by Records that carry Suricata sticky buffers.
type Fields interface {
	// RuleFields calls add once per buffer value the record holds, named as
	// in Suricata rules ("http.uri", "http.uri.raw", "http.host",
	// "tls.sni", "tls.certs", "ja3.hash", "dns.query", "ssh.software"…; the
	// names in rules/keywords.go). Multi-buffers (tls.certs, dns.query with
	// several questions) call add once per value. Values are valid only
	// during the call; add copies what it keeps.
	RuleFields(add func(buffer string, value []byte))
}

// Record is a parsed protocol record that encodes itself as the JSON value
// (an object) under its event type's key, e.g. the "tls" object of a tls
// event. AppendEVE must write exactly one value.
type Record interface {
	AppendEVE(w *event.Writer)
}

// Parser parses one flow of one protocol. The engine creates one per flow
// with Dissector.New and calls it from one goroutine only.
type Parser interface {
	// Feed gives in-order payload of direction dir: for TCP the next bytes
	// of the reassembled stream (a record may be split over calls: buffer
	// what you need, within a bounded size); for UDP exactly one datagram.
	// data is valid only during the call.
	Feed(c *Ctx, dir Dir, data []byte) Status
	// Gap says n bytes are missing in dir before the next Feed.
	Gap(c *Ctx, dir Dir, n int)
	// Close says the flow has ended (FIN/RST, timeout, or end of input).
	// Emit anything still pending.
	Close(c *Ctx)
}

// Dissector describes one protocol. Values are immutable after
// registration.
type Dissector struct {
	// Name is netsift's protocol name: lower case, stable, used in EVE
	// (netsift.app), in policy files and in rules ("tls", "dns", "slp").
	Name string
	// EVE is Suricata's app_proto name when Suricata knows the protocol
	// ("tls", "http", "dns", "smb", "krb5", …); empty when it does not, in
	// which case app_proto carries Name.
	EVE string
	// Transport says which L4 protocols to probe.
	Transport Transport
	// Ports are well-known ports (either endpoint). They order the probes
	// and give a low-confidence guess for flows nothing identified.
	Ports []uint16
	// Probe looks at the first payload bytes of a flow in either direction.
	// For TCP, data is everything received in order in dir so far (up to a
	// few KiB), so a probe sees a split first message whole; for UDP it is
	// one datagram. It must be cheap, must not allocate, and must not keep
	// data.
	Probe func(c *Ctx, dir Dir, data []byte) Verdict
	// New creates the parser for a matched flow; nil when identification is
	// all this dissector does.
	New func() Parser
	// Hosts says the protocol's parser names flows (Emitter.Host: SNI,
	// HTTP Host, DNS query…). A policy with host rules waits for that name
	// on such flows; on others it decides as soon as the flow is identified.
	Hosts bool
	// Carrier marks a protocol that only sets a flow up for another (STUN
	// before DTLS or SRTP): when its parser calls Emitter.Upgrade, the flow
	// takes the new protocol's name. Without it the flow keeps its name
	// (SMTP stays SMTP after STARTTLS).
	Carrier bool
}

// Registry is an ordered, read-only set of dissectors.
type Registry struct {
	list   []*Dissector
	byName map[string]int
}

// NewRegistry builds a registry; it panics on duplicate or empty names or a
// nil Probe, since the list is fixed at compile time.
func NewRegistry(ds ...*Dissector) *Registry {
	r := &Registry{byName: make(map[string]int, len(ds))}
	for _, d := range ds {
		if d.Name == "" || d.Probe == nil || d.Transport == 0 {
			panic("dissect: incomplete dissector " + d.Name)
		}
		if _, dup := r.byName[d.Name]; dup {
			panic("dissect: duplicate dissector " + d.Name)
		}
		r.byName[d.Name] = len(r.list)
		r.list = append(r.list, d)
	}
	if len(r.list) > MaxDissectors {
		panic("dissect: too many dissectors")
	}
	return r
}

// MaxDissectors bounds the registry so per-flow "already failed" sets fit
// in a fixed bitmap.
const MaxDissectors = 256

// Len returns the number of dissectors.
func (r *Registry) Len() int { return len(r.list) }

// At returns the i-th dissector (0 ≤ i < Len).
func (r *Registry) At(i int) *Dissector { return r.list[i] }

// Index returns the position of the named dissector, or -1.
func (r *Registry) Index(name string) int {
	if i, ok := r.byName[name]; ok {
		return i
	}
	return -1
}

// Names returns the names in registration order.
func (r *Registry) Names() []string {
	out := make([]string, len(r.list))
	for i, d := range r.list {
		out[i] = d.Name
	}
	return out
}
