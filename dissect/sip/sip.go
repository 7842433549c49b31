// Package sip identifies the Session Initiation Protocol (RFC 3261) over UDP
// and TCP and writes one Suricata-style "sip" EVE event per message.
//
// The probe requires a complete SIP start line: either a request line
// "METHOD SP Request-URI SP SIP/2.0" with an upper-case method token and a
// sip:/sips:/tel: URI, or a status line "SIP/2.0 SP 3DIGIT SP reason". The
// only port-bound shortcut is the NAT keep-alive ("hello" or bare CRLFs) that
// user agents send on 5060/5061 and that nDPI also calls SIP.
package sip

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
)

// Dissector is the SIP dissector; Suricata's app_proto is "sip".
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "sip",
	EVE:       "sip",
	Transport: dissect.Both,
	Ports:     []uint16{5060, 5061},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

const (
	// maxLine bounds the start line the probe and parser accept.
	maxLine = 2048
	// maxBuf caps the per-direction TCP buffer (a message's headers plus
	// body must fit).
	maxBuf = 64 << 10
)

var (
	sipVersion = []byte("SIP/2.0")
	crlf       = []byte("\r\n")
)

// startLine is a parsed SIP start line; its slices point into the message.
type startLine struct {
	request bool
	method  []byte
	uri     []byte
	version []byte
	code    []byte
	reason  []byte
	line    []byte
}

// parseStart parses the start line in line (without CRLF).
func parseStart(line []byte) (s startLine, ok bool) {
	s.line = line
	if bytes.HasPrefix(line, sipVersion) {
		// SIP/2.0 SP 3DIGIT SP reason
		if len(line) < 11 || line[7] != ' ' || line[11-1] < '0' || line[11-1] > '9' {
			return s, false
		}
		for _, c := range line[8:11] {
			if c < '0' || c > '9' {
				return s, false
			}
		}
		if line[8] < '1' || line[8] > '6' {
			return s, false
		}
		if len(line) > 11 && line[11] != ' ' {
			return s, false
		}
		s.version, s.code = line[:7], line[8:11]
		if len(line) > 12 {
			s.reason = line[12:]
		}
		return s, true
	}
	sp := bytes.IndexByte(line, ' ')
	if sp < 2 || sp > 16 {
		return s, false
	}
	for _, c := range line[:sp] {
		if c < 'A' || c > 'Z' {
			return s, false
		}
	}
	if len(line) < sp+1+8 || !bytes.HasSuffix(line, []byte(" SIP/2.0")) {
		return s, false
	}
	uri := line[sp+1 : len(line)-8]
	if !(bytes.HasPrefix(uri, []byte("sip:")) || bytes.HasPrefix(uri, []byte("sips:")) || bytes.HasPrefix(uri, []byte("tel:")) ||
		bytes.HasPrefix(uri, []byte("SIP:")) || bytes.HasPrefix(uri, []byte("urn:"))) {
		return s, false
	}
	if bytes.IndexByte(uri, ' ') >= 0 {
		return s, false
	}
	s.request, s.method, s.uri, s.version = true, line[:sp], uri, line[len(line)-7:]
	return s, true
}

// onPort reports whether either endpoint uses a SIP port.
func onPort(c *dissect.Ctx) bool {
	for _, p := range [...]uint16{c.Client.Port(), c.Server.Port()} {
		if p == 5060 || p == 5061 {
			return true
		}
	}
	return false
}

// keepAlive reports whether b is a SIP NAT keep-alive (RFC 5626 CRLF, or the
// "hello" some user agents send).
func keepAlive(b []byte) bool {
	if string(b) == "hello" || string(b) == "\r\n" || string(b) == "\r\n\r\n" {
		return true
	}
	return false
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) == 0 {
		return dissect.NeedMore
	}
	if c.Proto == 17 && keepAlive(b) && onPort(c) {
		return dissect.Match
	}
	i := bytes.Index(b, crlf)
	if i < 0 {
		// TCP may split the start line; a start line begins with an
		// upper-case letter.
		if c.Proto == 6 && len(b) < maxLine && b[0] >= 'A' && b[0] <= 'Z' && c.Pkts[dir] < 4 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if i > maxLine {
		return dissect.NoMatch
	}
	if _, ok := parseStart(b[:i]); ok {
		return dissect.Match
	}
	return dissect.NoMatch
}

// Record is one SIP message as Suricata's "sip" EVE object. Slices point
// into the parser's buffer and are valid only during Emitter.Event.
type Record struct {
	s startLine
}

// AppendEVE writes the sip object with Suricata's field names.
func (r *Record) AppendEVE(w *event.Writer) {
	w.ObjStart()
	if r.s.request {
		w.KBytes("method", r.s.method)
		w.KBytes("uri", r.s.uri)
		w.KBytes("version", r.s.version)
		w.KBytes("request_line", r.s.line)
	} else {
		w.KBytes("version", r.s.version)
		w.KBytes("code", r.s.code)
		w.KBytes("reason", r.s.reason)
		w.KBytes("response_line", r.s.line)
	}
	w.ObjEnd()
}

// parser emits an event per SIP message. UDP datagrams carry one message
// each; TCP streams are split on the header end and Content-Length.
type parser struct {
	buf     [2][]byte
	skip    [2]int // TCP body bytes still to discard
	rec     Record
	hostSet bool
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if c.Proto != 6 {
		p.message(c, dir, data)
		return dissect.Continue
	}
	if p.skip[dir] > 0 {
		n := min(p.skip[dir], len(data))
		p.skip[dir] -= n
		data = data[n:]
	}
	if len(p.buf[dir])+len(data) > maxBuf {
		c.Emit.Anomaly("sip.message_too_long")
		p.buf[dir] = p.buf[dir][:0]
		return dissect.Continue
	}
	p.buf[dir] = append(p.buf[dir], data...)
	b := p.buf[dir]
	for {
		// Skip keep-alive CRLFs between messages.
		for len(b) >= 2 && b[0] == '\r' && b[1] == '\n' {
			b = b[2:]
		}
		end := bytes.Index(b, []byte("\r\n\r\n"))
		if end < 0 {
			break
		}
		hdr := b[:end+4]
		body := contentLength(hdr)
		p.message(c, dir, hdr)
		b = b[end+4:]
		if body > len(b) {
			p.skip[dir] = body - len(b)
			b = b[len(b):]
			break
		}
		b = b[body:]
	}
	n := copy(p.buf[dir], b)
	p.buf[dir] = p.buf[dir][:n]
	return dissect.Continue
}

// contentLength returns the Content-Length (or compact "l") header value of
// the header block hdr, 0 when absent or malformed.
func contentLength(hdr []byte) int {
	for len(hdr) > 0 {
		i := bytes.Index(hdr, crlf)
		if i < 0 {
			i = len(hdr)
		}
		line := hdr[:i]
		hdr = hdr[min(i+2, len(hdr)):]
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			continue
		}
		name := bytes.TrimSpace(line[:colon])
		if !bytes.EqualFold(name, []byte("Content-Length")) && !bytes.EqualFold(name, []byte("l")) {
			continue
		}
		n := 0
		for _, c := range bytes.TrimSpace(line[colon+1:]) {
			if c < '0' || c > '9' || n > maxBuf {
				return 0
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	return 0
}

// message handles one message (or a keep-alive) starting at b.
func (p *parser) message(c *dissect.Ctx, dir dissect.Dir, b []byte) {
	if keepAlive(b) || len(b) == 0 {
		return
	}
	i := bytes.Index(b, crlf)
	if i < 0 || i > maxLine {
		c.Emit.Anomaly("sip.bad_start_line")
		return
	}
	s, ok := parseStart(b[:i])
	if !ok {
		c.Emit.Anomaly("sip.bad_start_line")
		return
	}
	if s.request && !p.hostSet {
		if h := uriHost(s.uri); len(h) > 0 {
			c.Emit.Host(h)
			p.hostSet = true
		}
	}
	p.rec.s = s
	c.Emit.Event(dir, "sip", &p.rec)
}

// uriHost returns the host part of a sip:/sips: URI: after the optional
// "user@", before any port, parameters or headers.
func uriHost(uri []byte) []byte {
	switch {
	case bytes.HasPrefix(uri, []byte("sip:")), bytes.HasPrefix(uri, []byte("SIP:")):
		uri = uri[4:]
	case bytes.HasPrefix(uri, []byte("sips:")):
		uri = uri[5:]
	default:
		return nil
	}
	if at := bytes.IndexByte(uri, '@'); at >= 0 {
		uri = uri[at+1:]
	}
	if len(uri) > 0 && uri[0] == '[' {
		if e := bytes.IndexByte(uri, ']'); e > 0 {
			return uri[1:e]
		}
		return nil
	}
	if e := bytes.IndexAny(uri, ":;?>"); e >= 0 {
		uri = uri[:e]
	}
	return uri
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {
	p.buf[dir] = p.buf[dir][:0]
	p.skip[dir] = 0
}

func (p *parser) Close(c *dissect.Ctx) {}
