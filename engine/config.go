// Package engine wires the pipeline — decode → flow → stream → dissect →
// events → output — once per worker, and runs it over a capture source.
// It is the only package (with cmd) that imports everything.
package engine

import (
	"errors"
	"io"
	"net/netip"

	"github.com/netsift/netsift/decode"
	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/flow"
	"github.com/netsift/netsift/policy"
	"github.com/netsift/netsift/stream"
)

// Services names the service behind a host name or an address.
type Services interface {
	ByHost(host []byte) (name, category string, ok bool)
	ByAddr(a netip.Addr) (name, category string, ok bool)
}

// Config configures an Engine. It is read by New and never changed after.
type Config struct {
	// Workers is the number of pipeline goroutines; flows are spread over
	// them by a symmetric hash of their key (default 1).
	Workers int
	// Registry lists the dissectors, in probe order. Required.
	Registry *dissect.Registry
	// Services, when set, names services by host and address.
	Services Services
	// Output receives complete EVE JSON lines (each ending in '\n'), in
	// batches. It must be safe for concurrent use when Workers > 1.
	Output io.Writer
	// Decode, Flow and Stream configure those stages.
	Decode decode.Config
	Flow   flow.Config
	Stream stream.Config
	// MaxProbePackets is how many payload packets of a flow are probed
	// before it is declared unknown (default 24).
	MaxProbePackets int
	// ProbeBuffer bounds the per-direction bytes kept for TCP probes
	// (default 4096).
	ProbeBuffer int
	// DNSCacheSize bounds the address → name cache fed by DNS answers
	// (default 65536 addresses).
	DNSCacheSize int
	// NoFlowEvents suppresses flow events (other events are still written).
	NoFlowEvents bool
	// Policy, when set, returns the policy in force; it is called for every
	// decision, so a reload (an atomic swap behind it) applies to the next
	// decision while flows already decided keep their verdict.
	Policy func() *policy.Policy
	// Rules, when set, returns the signature set in force (swapped
	// atomically on reload, like Policy).
	Rules func() *Signatures
	// Ethernet adds MAC addresses to events (Suricata's eve-log
	// "ethernet: yes"): the packet's on alert and drop events, the flow's
	// (up to 4 per side) on flow events.
	Ethernet bool
	// Netflow writes, when a flow ends, one netflow event per direction
	// that carried packets (Suricata's netflow log type).
	Netflow bool
	// CommunityID adds each flow's Community ID (community_id, computed
	// with CommunityIDSeed) to its events, as Suricata's eve-log option.
	CommunityID     bool
	CommunityIDSeed uint16
	// RulesBlock makes drop and reject signatures act (inline): the packet
	// and the rest of its flow are dropped, alerts say "blocked". Without
	// it they alert only, as Suricata does in IDS mode.
	RulesBlock bool
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	if c.Registry == nil {
		return errors.New("engine: no dissector registry")
	}
	if c.Workers < 0 || c.Workers > 256 {
		return errors.New("engine: workers must be between 1 and 256")
	}
	if err := c.Flow.Validate(); err != nil {
		return err
	}
	return c.Decode.Validate()
}

func (c *Config) defaults() {
	if c.Workers == 0 {
		c.Workers = 1
	}
	if c.MaxProbePackets == 0 {
		c.MaxProbePackets = 24
	}
	if c.ProbeBuffer == 0 {
		c.ProbeBuffer = 4096
	}
	if c.DNSCacheSize == 0 {
		c.DNSCacheSize = 65536
	}
	c.Stream = c.Stream.WithDefaults()
	if c.Output == nil {
		c.Output = io.Discard
	}
}
