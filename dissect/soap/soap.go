// Package soap identifies SOAP web-service calls: an HTTP POST that carries
// a SOAPAction header or a SOAP 1.2 content type, or a bare XML document
// whose root is a SOAP Envelope. It must be registered before HTTP, which
// would otherwise take the POST.
package soap

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies SOAP (nDPI "SOAP") on TCP.
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "soap",
	Transport: dissect.TCP,
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

const maxHead = 4096

// hasFold reports whether b contains s, ASCII case-insensitively; s must be
// lower case.
func hasFold(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		j := 0
		for ; j < len(s); j++ {
			x := b[i+j]
			if x >= 'A' && x <= 'Z' {
				x += 'a' - 'A'
			}
			if x != s[j] {
				break
			}
		}
		if j == len(s) {
			return true
		}
	}
	return false
}

// probe: for "POST " requests it looks through the header block (up to 4
// KiB) for "SOAPAction:" or "application/soap+xml"; a complete header block
// without either is not SOAP. An XML prolog or a prefixed Envelope element
// must be followed by an Envelope element within the first KiB.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	const post = "POST "
	k := min(len(b), len(post))
	if string(b[:k]) == post[:k] {
		if k < len(post) {
			return dissect.NeedMore
		}
		h := b[:min(len(b), maxHead)]
		end := bytes.Index(h, []byte("\r\n\r\n"))
		if end >= 0 {
			h = h[:end]
		}
		if hasFold(h, "\nsoapaction:") || hasFold(h, "application/soap+xml") {
			return dissect.Match
		}
		if end >= 0 || len(b) >= maxHead || c.Pkts[dir] > 4 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	if len(b) > 0 && b[0] == '<' {
		if len(b) < 6 {
			return dissect.NeedMore
		}
		if string(b[:5]) != "<?xml" && !hasFold(b[:min(len(b), 32)], ":envelope") {
			return dissect.NoMatch
		}
		if hasFold(b[:min(len(b), 1024)], ":envelope") || hasFold(b[:min(len(b), 1024)], "<envelope") {
			return dissect.Match
		}
		if len(b) >= 1024 || c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	return dissect.NoMatch
}

// parser reports the Host header of the first request.
type parser struct{}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if dir != dissect.ToServer {
		return dissect.Continue
	}
	h := data[:min(len(data), maxHead)]
	if end := bytes.Index(h, []byte("\r\n\r\n")); end >= 0 {
		h = h[:end]
	}
	for len(h) > 0 {
		line := h
		if i := bytes.IndexByte(h, '\n'); i >= 0 {
			line, h = h[:i], h[i+1:]
		} else {
			h = nil
		}
		if len(line) > 5 && hasFold(line[:5], "host:") {
			v := bytes.TrimSpace(line[5:])
			if i := bytes.LastIndexByte(v, ':'); i > 0 && bytes.IndexByte(v, ']') < i && bytes.Count(v, []byte(":")) == 1 {
				v = v[:i]
			}
			if len(v) > 0 && len(v) <= 253 {
				c.Emit.Host(v)
			}
			break
		}
	}
	return dissect.Done
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
