package decode

import (
	"fmt"
	"time"
)

// Config holds the decoder's limits. The zero value of each field selects
// its default; a Config is copied by NewDecoder and never changed after.
type Config struct {
	// MaxFragDatagrams bounds the IP datagrams (v4 and v6 together) being
	// reassembled at once. Default 1024. Each one holds a buffer that grows
	// to the datagram's size (at most 64 KiB), so the worst-case memory is
	// about MaxFragDatagrams × 64 KiB.
	MaxFragDatagrams int
	// FragTimeout is how long, in capture time, a datagram may stay
	// incomplete before its fragments are dropped. Default 30s.
	FragTimeout time.Duration
	// MaxTunnelDepth bounds nested tunnels (GRE, VXLAN, GTP-U, Teredo,
	// IP-in-IP, CAPWAP). Default 3. A deeper packet keeps the innermost
	// packet reached and reports AnomalyTunnelTooDeep in InnerAnomaly.
	MaxTunnelDepth int
	// SkipTunnels lists tunnel kinds not to decode: their packets stay
	// outer flows (the UDP, GRE or IP-in-IP packet that carries them), as
	// if the tunnel were unknown. For example nDPI's ndpiReader reports
	// Teredo as a UDP application protocol rather than decoding it; skip
	// TunnelTeredo to see the same flows. Default: decode all.
	SkipTunnels []Tunnel
}

// Default values for the Config fields left zero.
const (
	DefaultMaxFragDatagrams = 1024
	DefaultFragTimeout      = 30 * time.Second
	DefaultMaxTunnelDepth   = 3
)

// Upper bounds accepted by Validate; they keep a mistyped value from
// reserving absurd amounts of memory.
const (
	maxFragDatagramsLimit = 1 << 20
	maxTunnelDepthLimit   = 16
)

// Validate reports the first field whose value is out of range. Zero values
// are valid (they select the defaults).
func (c Config) Validate() error {
	if c.MaxFragDatagrams < 0 || c.MaxFragDatagrams > maxFragDatagramsLimit {
		return fmt.Errorf("decode: MaxFragDatagrams %d out of range (want 0 for the default %d, or 1..%d)",
			c.MaxFragDatagrams, DefaultMaxFragDatagrams, maxFragDatagramsLimit)
	}
	if c.FragTimeout < 0 {
		return fmt.Errorf("decode: FragTimeout %v is negative (want 0 for the default %v, or a positive duration)",
			c.FragTimeout, DefaultFragTimeout)
	}
	for _, t := range c.SkipTunnels {
		if t == TunnelNone || int(t) >= len(tunnelNames) {
			return fmt.Errorf("decode: SkipTunnels: unknown tunnel kind %d (want one of gre, vxlan, gtp, teredo, ipip, capwap)", t)
		}
	}
	if c.MaxTunnelDepth < 0 || c.MaxTunnelDepth > maxTunnelDepthLimit {
		return fmt.Errorf("decode: MaxTunnelDepth %d out of range (want 0 for the default %d, or 1..%d)",
			c.MaxTunnelDepth, DefaultMaxTunnelDepth, maxTunnelDepthLimit)
	}
	return nil
}

// withDefaults returns c with zero fields replaced by their defaults and
// out-of-range fields clamped, so a decoder built from an unvalidated
// Config still has sane limits.
func (c Config) withDefaults() Config {
	if c.MaxFragDatagrams <= 0 {
		c.MaxFragDatagrams = DefaultMaxFragDatagrams
	}
	if c.MaxFragDatagrams > maxFragDatagramsLimit {
		c.MaxFragDatagrams = maxFragDatagramsLimit
	}
	if c.FragTimeout <= 0 {
		c.FragTimeout = DefaultFragTimeout
	}
	if c.MaxTunnelDepth <= 0 {
		c.MaxTunnelDepth = DefaultMaxTunnelDepth
	}
	if c.MaxTunnelDepth > maxTunnelDepthLimit {
		c.MaxTunnelDepth = maxTunnelDepthLimit
	}
	return c
}
