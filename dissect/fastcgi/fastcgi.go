// Package fastcgi identifies FastCGI: a stream of records, each with an
// 8-byte header (version 1, type 1..11, request id, content length,
// padding length, reserved) followed by content and padding.
package fastcgi

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies FastCGI (nDPI "FastCGI") on TCP. Its parser reads
// the first request's FCGI_PARAMS and reports the HTTP_HOST parameter (or
// SERVER_NAME when there is none) as the flow's host, and HTTP_USER_AGENT
// as "user_agent" metadata.
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "fastcgi",
	Transport: dissect.TCP,
	Ports:     []uint16{9000},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// Record types the parser cares about.
const (
	typeParams = 4
	typeStdin  = 5
)

// Parser bounds: bytes buffered for an incomplete record, bytes of
// FCGI_PARAMS content kept, and client packets looked at.
const (
	maxBuf       = 64 << 10
	maxParams    = 16 << 10
	maxParsePkts = 16
)

// parser reassembles the client's records until the end of the first
// request's parameter stream (an empty FCGI_PARAMS record, or the first
// FCGI_STDIN record), then decodes the name-value pairs.
type parser struct {
	buf    []byte
	params []byte
	done   bool
}

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if dir != dissect.ToServer || p.done {
		return dissect.Continue
	}
	if len(p.buf)+len(data) > maxBuf {
		c.Emit.Anomaly("fastcgi.record_too_long")
		return p.finish(c)
	}
	p.buf = append(p.buf, data...)
	b := p.buf
	for len(b) >= 8 {
		if b[0] != 1 {
			c.Emit.Anomaly("fastcgi.bad_version")
			return p.finish(c)
		}
		cl := int(binary.BigEndian.Uint16(b[4:]))
		n := 8 + cl + int(b[6])
		if n > len(b) {
			break
		}
		switch b[1] {
		case typeParams:
			if cl == 0 {
				return p.finish(c)
			}
			if len(p.params)+cl > maxParams {
				c.Emit.Anomaly("fastcgi.params_too_long")
				return p.finish(c)
			}
			p.params = append(p.params, b[8:8+cl]...)
		case typeStdin:
			return p.finish(c)
		}
		b = b[n:]
	}
	p.buf = p.buf[:copy(p.buf, b)]
	if c.Pkts[dissect.ToServer] >= maxParsePkts {
		return p.finish(c)
	}
	return dissect.Continue
}

// nvLen decodes a name-value pair length (FastCGI §3.4: one byte below
// 128, else four bytes with the top bit set) and returns it with the bytes
// used, or -1 when b is too short.
func nvLen(b []byte) (int, int) {
	if len(b) == 0 {
		return -1, 0
	}
	if b[0] < 0x80 {
		return int(b[0]), 1
	}
	if len(b) < 4 {
		return -1, 0
	}
	return int(binary.BigEndian.Uint32(b) & 0x7fffffff), 4
}

// finish decodes the collected parameters, emits what it found and ends
// parsing.
func (p *parser) finish(c *dissect.Ctx) dissect.Status {
	if p.done {
		return dissect.Done
	}
	p.done = true
	var host, server []byte
	for b := p.params; len(b) > 0; {
		nl, i := nvLen(b)
		if nl < 0 {
			break
		}
		vl, j := nvLen(b[i:])
		if vl < 0 || i+j+nl+vl > len(b) || i+j+nl+vl < 0 {
			c.Emit.Anomaly("fastcgi.param_truncated")
			break
		}
		name, val := b[i+j:i+j+nl], b[i+j+nl:i+j+nl+vl]
		switch string(name) {
		case "HTTP_HOST":
			host = val
		case "SERVER_NAME":
			server = val
		case "HTTP_USER_AGENT":
			c.Emit.Meta("user_agent", val)
		}
		b = b[i+j+nl+vl:]
	}
	if host == nil {
		host = server
	}
	if i := lastColon(host); i >= 0 {
		host = host[:i]
	}
	if len(host) > 0 && len(host) <= 255 {
		c.Emit.Host(host)
	}
	p.buf, p.params = nil, nil
	return dissect.Done
}

// lastColon returns the index of a ":port" suffix in a host value, or -1
// (a bracketed IPv6 literal keeps its inner colons).
func lastColon(h []byte) int {
	for i := len(h) - 1; i >= 0; i-- {
		switch h[i] {
		case ':':
			return i
		case ']':
			return -1
		}
		if h[i] < '0' || h[i] > '9' {
			return -1
		}
	}
	return -1
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {
	if dir == dissect.ToServer && !p.done {
		c.Emit.Anomaly("fastcgi.gap")
		p.finish(c)
	}
}

func (p *parser) Close(c *dissect.Ctx) {
	if !p.done {
		p.finish(c)
	}
}

// probe walks the records in b. A BEGIN_REQUEST record (content length 8,
// role 1..3, reserved bytes zero) is enough on its own; otherwise at least
// two complete well-formed records are needed, or one that fills the data
// exactly on port 9000.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	whole := 0
	for i := 0; i < len(b); {
		r := b[i:]
		if r[0] != 1 || len(r) >= 2 && (r[1] == 0 || r[1] > 11) {
			return dissect.NoMatch
		}
		if len(r) < 8 {
			break
		}
		if r[7] != 0 {
			return dissect.NoMatch
		}
		cl := int(binary.BigEndian.Uint16(r[4:]))
		n := 8 + cl + int(r[6])
		if r[1] == 1 { // BEGIN_REQUEST
			if cl != 8 || len(r) >= 16 && (r[8] != 0 || r[9] == 0 || r[9] > 3 || r[10]&^1 != 0) {
				return dissect.NoMatch
			}
			if len(r) >= 16 {
				return dissect.Match
			}
		}
		if n > len(r) {
			break
		}
		whole++
		i += n
		if whole >= 2 {
			return dissect.Match
		}
	}
	if whole == 1 && (c.Server.Port() == 9000 || c.Client.Port() == 9000) {
		return dissect.Match
	}
	if c.Pkts[dir] > 3 {
		return dissect.NoMatch
	}
	return dissect.NeedMore
}
