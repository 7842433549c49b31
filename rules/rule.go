package rules

// IPOnly reports whether the rule inspects nothing but the header
// addresses, ports and protocol, so it can be decided once per flow as
// Suricata does for IP-only rules.
func (r *Rule) IPOnly() bool {
	return len(r.Matches) == 0 && len(r.Flowbits) == 0 && r.Flow == (Flow{}) &&
		r.Dsize == nil && r.ICMPType == nil && r.ICMPCode == nil && r.TCPFlags == "" && r.TLSVersion == 0 &&
		r.AppLayerProtocol == nil && r.AppProto == "" && r.Threshold == nil && r.DetectionFilter == nil &&
		(r.Transport == "" || r.Proto == "tcp" || r.Proto == "udp" || r.Proto == "icmp")
}

// Buffers returns the buffers the rule inspects, in order of first use.
func (r *Rule) Buffers() []string {
	var bs []string
	for _, m := range r.Matches {
		if !contains(bs, m.Buffer) {
			bs = append(bs, m.Buffer)
		}
	}
	return bs
}

// Chain returns the rule's matches on buffer b, in rule order; relative
// modifiers in one element refer to the element before it.
func (r *Rule) Chain(b string) []*Match {
	var ms []*Match
	for _, m := range r.Matches {
		if m.Buffer == b {
			ms = append(ms, m)
		}
	}
	return ms
}

// FastPattern returns the content a multi-pattern prefilter should use and
// the bytes to search for: the content marked fast_pattern if any (with its
// offset,length slice), else the longest non-negated content, preferring
// app-layer buffers over the packet payload on equal length. nil when the
// rule has no usable content.
func (r *Rule) FastPattern() (*Match, []byte) {
	var best *Match
	for _, m := range r.Matches {
		if m.Kind != MatchContent {
			continue
		}
		c := m.Content
		if c.FastPattern {
			if c.FPLen > 0 {
				return m, c.Pattern[c.FPOffset : c.FPOffset+c.FPLen]
			}
			return m, c.Pattern
		}
		if c.Negated {
			continue
		}
		if best == nil || len(c.Pattern) > len(best.Content.Pattern) ||
			len(c.Pattern) == len(best.Content.Pattern) && best.Buffer == BufferPacket && m.Buffer != BufferPacket {
			best = m
		}
	}
	if best == nil {
		return nil, nil
	}
	return best, best.Content.Pattern
}
