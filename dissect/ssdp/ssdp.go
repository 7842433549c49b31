// Package ssdp identifies the Simple Service Discovery Protocol (UPnP) on
// UDP: HTTP-over-UDP requests M-SEARCH and NOTIFY, and their HTTP/1.1
// responses. The HOST header is reported as the flow's host name, as nDPI
// does.
package ssdp

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is the SSDP dissector.
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "ssdp",
	Transport: dissect.UDP,
	Ports:     []uint16{1900},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

var (
	mSearch = []byte("M-SEARCH * HTTP/1.1\r\n")
	notify  = []byte("NOTIFY * HTTP/1.1\r\n")
	resp    = []byte("HTTP/1.1 200 OK\r\n")
)

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if bytes.HasPrefix(b, mSearch) || bytes.HasPrefix(b, notify) {
		return dissect.Match
	}
	// Responses look like plain HTTP (and go to the searcher's own port):
	// require the SSDP port or SSDP's USN and ST headers.
	if bytes.HasPrefix(b, resp) {
		if c.Client.Port() == 1900 || c.Server.Port() == 1900 {
			return dissect.Match
		}
		if _, ok := header(b, "usn"); ok {
			if _, ok := header(b, "st"); ok {
				return dissect.Match
			}
		}
	}
	return dissect.NoMatch
}

// parser reports the first HOST header of each direction.
type parser struct{ host [2]bool }

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Status {
	if p.host[dir] {
		return dissect.Continue
	}
	if v, ok := header(b, "host"); ok && len(v) > 0 {
		p.host[dir] = true
		c.Emit.Host(v)
	}
	if v, ok := header(b, "server"); ok && len(v) > 0 {
		c.Emit.Meta("ssdp_server", v)
	}
	if v, ok := header(b, "user-agent"); ok && len(v) > 0 {
		c.Emit.Meta("user_agent", v)
	}
	if p.host[0] && p.host[1] {
		return dissect.Done
	}
	return dissect.Continue
}

// header returns the trimmed value of the first header named name (lower
// case) in the HTTP-style message b.
func header(b []byte, name string) ([]byte, bool) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		line := b
		if i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			return nil, false
		}
		k, v, ok := bytes.Cut(line, []byte{':'})
		if ok && len(k) == len(name) && bytes.EqualFold(k, []byte(name)) {
			return bytes.TrimSpace(v), true
		}
	}
	return nil, false
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
