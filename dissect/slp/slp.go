// Package slp identifies the Service Location Protocol, version 2 (RFC 2608)
// and version 1 (RFC 2165), on UDP and TCP.
//
// Both versions carry the message length in the header, so the probe
// requires it to equal the datagram (UDP) or to fit the stream (TCP); with
// the version, function id, reserved flag bits and a printable language tag
// that makes the check strict enough to run on any port.
package slp

import (
	"github.com/netsift/netsift/dissect"
)

// Dissector is the SLP dissector. It has no EVE type of its own in
// Suricata.
var Dissector = &dissect.Dissector{
	Name:      "slp",
	Transport: dissect.Both,
	Ports:     []uint16{427},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// functionNames are the SLP function ids 1–11 (index = id).
var functionNames = [...]string{"", "SrvRqst", "SrvRply", "SrvReg", "SrvDeReg", "SrvAck",
	"AttrRqst", "AttrRply", "DAAdvert", "SrvTypeRqst", "SrvTypeRply", "SAAdvert"}

// header is the result of checking one SLP header.
type header struct {
	version  uint8
	function uint8
	length   int // whole message length, header included
	hdrLen   int // header length including the language tag
}

// parseHeader validates an SLP header at the start of b. ok is false when b
// is not SLP; short is true when b is too short to decide.
func parseHeader(b []byte) (h header, ok, short bool) {
	if len(b) < 2 {
		return h, false, true
	}
	h.version, h.function = b[0], b[1]
	if h.function < 1 || h.function > 11 {
		return h, false, false
	}
	switch h.version {
	case 2:
		// version, function, length(3), flags(2), next-ext(3), xid(2),
		// lang-len(2), lang.
		if len(b) < 16 {
			return h, false, true
		}
		h.length = int(b[2])<<16 | int(b[3])<<8 | int(b[4])
		// Only the O, F and R flag bits are defined; the rest must be 0.
		if b[5]&0x1f != 0 || b[6] != 0 {
			return h, false, false
		}
		langLen := int(b[12])<<8 | int(b[13])
		if langLen == 0 || langLen > 64 {
			return h, false, false
		}
		h.hdrLen = 14 + langLen
		if h.length < h.hdrLen {
			return h, false, false
		}
		if len(b) < h.hdrLen {
			return h, false, true
		}
		if !langTag(b[14:h.hdrLen]) {
			return h, false, false
		}
		next := int(b[7])<<16 | int(b[8])<<8 | int(b[9])
		if next != 0 && (next < h.hdrLen || next >= h.length) {
			return h, false, false
		}
		return h, true, false
	case 1:
		// version, function, length(2), flags(1), dialect(1),
		// language(2), char-encoding(2), xid(2).
		if len(b) < 12 {
			return h, false, true
		}
		h.length = int(b[2])<<8 | int(b[3])
		h.hdrLen = 12
		if h.length < 12 || b[4]&0x07 != 0 || b[5] != 0 {
			return h, false, false
		}
		if !langTag(b[6:8]) {
			return h, false, false
		}
		// Character encodings are IANA MIBenum values; RFC 2165 names
		// ASCII (3), UTF-8 (106), Unicode (1000) and a few others, all
		// below 2^11.
		enc := int(b[8])<<8 | int(b[9])
		if enc == 0 || enc > 2047 {
			return h, false, false
		}
		return h, true, false
	}
	return h, false, false
}

// langTag reports whether b looks like an RFC 1766 language tag.
func langTag(b []byte) bool {
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	h, ok, short := parseHeader(b)
	if short {
		if c.Proto == 6 && len(b) > 0 && (b[0] == 1 || b[0] == 2) && c.Pkts[dir] < 4 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if !ok {
		return dissect.NoMatch
	}
	if c.Proto == 17 {
		if h.length != len(b) {
			return dissect.NoMatch
		}
		return dissect.Match
	}
	if h.length > 1<<16 {
		return dissect.NoMatch
	}
	return dissect.Match
}

// parser reports each message's function and, for service requests and
// registrations, the service type or URL, as flow metadata. It looks only
// at the first message of each datagram / the start of each TCP stream
// direction, which is where SLP puts one message.
type parser struct {
	seen [2]int
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Status {
	if c.Proto == 6 && p.seen[dir] > 0 {
		return dissect.Continue
	}
	p.seen[dir]++
	h, ok, _ := parseHeader(b)
	if !ok {
		c.Emit.Anomaly("slp.bad_header")
		return dissect.Continue
	}
	if c.Proto == 17 && h.length != len(b) {
		c.Emit.Anomaly("slp.length_mismatch")
	}
	c.Emit.Meta("slp_function", []byte(functionNames[h.function]))
	body := b[min(h.hdrLen, len(b)):min(h.length, len(b))]
	if h.version != 2 {
		return dissect.Continue
	}
	switch h.function {
	case 1: // SrvRqst: PRList, service-type
		if pr, rest, ok := str16(body); ok {
			_ = pr
			if st, _, ok := str16(rest); ok && len(st) > 0 {
				c.Emit.Meta("slp_service", st)
			}
		}
	case 3: // SrvReg: URL entry (reserved, lifetime, url-len, url)
		if len(body) >= 5 {
			if u, _, ok := str16(body[3:]); ok && len(u) > 0 {
				c.Emit.Meta("slp_url", u)
			}
		}
	case 2: // SrvRply: error code, count, URL entries
		if len(body) >= 4+5 && body[2]|body[3] != 0 {
			if u, _, ok := str16(body[4+3:]); ok && len(u) > 0 {
				c.Emit.Meta("slp_url", u)
			}
		}
	}
	return dissect.Continue
}

// str16 splits a 2-byte length-prefixed string off b.
func str16(b []byte) (s, rest []byte, ok bool) {
	if len(b) < 2 {
		return nil, b, false
	}
	n := int(b[0])<<8 | int(b[1])
	if len(b) < 2+n {
		return nil, b, false
	}
	return b[2 : 2+n], b[2+n:], true
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
