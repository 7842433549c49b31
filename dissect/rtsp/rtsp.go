// Package rtsp identifies RTSP (RFC 2326/7826) by a request line whose
// version is "RTSP/1.0" or "RTSP/2.0" (or whose URI is rtsp://), or by a
// response starting "RTSP/1.0 ". The parser reports the request URI's host.
package rtsp

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is RTSP over TCP (nDPI "RTSP").
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "rtsp",
	Transport: dissect.TCP,
	Ports:     []uint16{554, 8554},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

var methods = [...]string{"OPTIONS ", "DESCRIBE ", "SETUP ", "PLAY ", "PAUSE ", "TEARDOWN ", "ANNOUNCE ", "RECORD ", "GET_PARAMETER ", "SET_PARAMETER ", "REDIRECT "}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if bytes.HasPrefix(data, []byte("RTSP/1.0 ")) || bytes.HasPrefix(data, []byte("RTSP/2.0 ")) {
		return dissect.Match
	}
	m := -1
	for i, s := range methods {
		if len(data) < len(s) {
			if bytes.HasPrefix([]byte(s), data) {
				return dissect.NeedMore
			}
			continue
		}
		if string(data[:len(s)]) == s {
			m = i
			break
		}
	}
	if m < 0 {
		if len(data) < 9 && bytes.HasPrefix([]byte("RTSP/1.0 "), data) {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	line := data
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	} else if len(data) < 1024 {
		return dissect.NeedMore
	}
	if bytes.Contains(line, []byte(" RTSP/")) || bytes.Contains(line, []byte(" rtsp://")) || bytes.Contains(line, []byte(" rtsps://")) {
		return dissect.Match
	}
	return dissect.NoMatch
}

// parser emits the host of the first request's rtsp:// URI.
type parser struct{}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if dir != dissect.ToServer {
		return dissect.Continue
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		data = data[:i]
	}
	i := bytes.Index(data, []byte("://"))
	if i < 0 {
		return dissect.Done
	}
	h := data[i+3:]
	for j, b := range h {
		if b == '/' || b == ' ' || b == '\r' {
			h = h[:j]
			break
		}
	}
	if j := bytes.LastIndexByte(h, '@'); j >= 0 {
		h = h[j+1:]
	}
	if j := bytes.LastIndexByte(h, ':'); j >= 0 && bytes.IndexByte(h[j:], ']') < 0 {
		h = h[:j]
	}
	if len(h) > 0 {
		c.Emit.Host(h)
	}
	return dissect.Done
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
