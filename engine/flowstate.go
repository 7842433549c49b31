package engine

import (
	"time"

	"github.com/netsift/netsift/decode"
	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/stream"
)

// Confidence says how a flow's application was identified.
type Confidence uint8

const (
	ConfNone     Confidence = iota
	ConfDPI                 // a probe matched the payload
	ConfDNSCache            // named through an earlier DNS answer
	ConfPort                // guessed from a well-known port
	ConfGuess               // guessed from the IP protocol alone
)

var confNames = [...]string{"", "dpi", "dns-cache", "port", "guess"}

func (c Confidence) String() string { return confNames[c] }

// appNone marks an unidentified flow; IP-protocol apps (ICMP, ESP, …) use
// names, not registry indexes.
const appNone = -1

// flowState is the engine's per-flow state, stored inline in the flow
// table's entry (one allocation per flow, reused).
type flowState struct {
	id        uint64
	clientIsA bool // the client is the key's endpoint A
	start     time.Time
	seen      [2][2]time.Time // per direction: first, last packet
	pkts      [2]uint64       // by dissect.Dir
	bytes     [2]uint64
	payloadN  [2]uint32 // payload-carrying packets
	tcpFlags  [2]uint8
	ttl       [2][2]uint8 // per direction: min, max TTL / hop limit
	synSeen   bool
	synAck    bool
	finSeen   [2]bool
	rstSeen   bool
	tunnel    decode.Tunnel
	vlan      [2]uint16
	vlans     uint8

	app     int16  // registry index, or appNone
	ipApp   string // app named by IP protocol (icmp, esp, …)
	conf    Confidence
	probing bool   // still probing
	probes  uint16 // in-order payload deliveries probed so far
	failed  [dissect.MaxDissectors / 64]uint64
	probe   *probeBuf

	parser     dissect.Parser
	parserDone bool
	upgrade    int16 // pending Upgrade target, or appNone

	halves [2]stream.Half

	host      string
	service   string
	category  string
	meta      []metaKV
	anomalies uint32
	pol       polState
	sig       *sigState // signature state; nil without rules
	cid       string    // Community ID, when configured
	macs      *flowMACs // MAC addresses seen, when configured
	started   bool      // first packet processed (state initialised)
}

type metaKV struct{ k, v string }

// flowMACs are the MAC addresses seen on each side of a flow (client,
// server), at most maxMACs each.
type flowMACs struct {
	side [2][maxMACs][6]byte
	n    [2]uint8
}

const maxMACs = 4

func (m *flowMACs) add(side int, mac [6]byte) {
	for i := 0; i < int(m.n[side]); i++ {
		if m.side[side][i] == mac {
			return
		}
	}
	if m.n[side] < maxMACs {
		m.side[side][m.n[side]] = mac
		m.n[side]++
	}
}

// probeBuf keeps a TCP flow's first bytes per direction, and the order the
// chunks came in, so a parser created on a match sees the conversation as
// it happened. Pooled per worker.
type probeBuf struct {
	data   [2][]byte
	chunks []chunk
}

type chunk struct {
	dir dissect.Dir
	n   int
}

func (s *flowState) isFailed(i int) bool { return s.failed[i>>6]&(1<<(i&63)) != 0 }
func (s *flowState) setFailed(i int)     { s.failed[i>>6] |= 1 << (i & 63) }
