// Package pop3 identifies POP3 (RFC 1939) by the server's "+OK" greeting
// (or, on port 110, the client's first command) and hands the flow to the
// TLS dissector after "STLS" is answered "+OK" (RFC 2595).
package pop3

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is POP3 over TCP (nDPI "POP3", Suricata "pop3").
var Dissector = &dissect.Dissector{
	Name:      "pop3",
	EVE:       "pop3",
	Transport: dissect.TCP,
	Ports:     []uint16{110},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

const anomalyLong = "pop3.line_too_long"

var commands = [...]string{"USER ", "PASS ", "APOP ", "CAPA", "STLS", "AUTH", "STAT", "LIST", "UIDL", "RETR ", "QUIT"}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	i := bytes.IndexByte(data, '\n')
	if i < 0 {
		if len(data) >= 3 && dir == dissect.ToClient && string(data[:3]) != "+OK" {
			return dissect.NoMatch
		}
		if len(data) < 512 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	line := data[:i]
	if dir == dissect.ToClient {
		if hasPrefixFold(line, "+OK") && (len(line) == 3 || line[3] == ' ' || line[3] == '\r') {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	// The client speaking first: only on the POP3 port, with a POP3 verb.
	if c.Server.Port() != 110 {
		return dissect.NoMatch
	}
	for _, k := range commands {
		if hasPrefixFold(line, k) {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}

// parser watches for STLS and its +OK.
type parser struct {
	l        [2]lines
	tlsAsked bool
	upgraded bool
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	p.l[dir].each(c, data, func(line []byte) bool {
		if dir == dissect.ToServer {
			if hasPrefixFold(line, "STLS") {
				p.tlsAsked = true
			} else if hasPrefixFold(line, "USER ") && len(line) > 5 {
				c.Emit.Meta("pop3_user", line[5:])
			}
			return true
		}
		if p.tlsAsked {
			p.tlsAsked = false
			if hasPrefixFold(line, "+OK") {
				p.upgraded = true
				c.Emit.Upgrade("tls")
				return false
			}
		}
		return true
	})
	if p.upgraded {
		return dissect.Done
	}
	return dissect.Continue
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) { p.l[dir].buf = p.l[dir].buf[:0] }
func (p *parser) Close(c *dissect.Ctx)                       {}

// lines splits one direction's byte stream into lines (without CR LF),
// buffering a partial line up to maxLine bytes.
type lines struct{ buf []byte }

const maxLine = 4096

// each calls fn for every complete line in data; fn returns false to stop.
// It reports false when fn stopped.
func (l *lines) each(c *dissect.Ctx, data []byte, fn func(line []byte) bool) bool {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			if len(l.buf)+len(data) > maxLine {
				c.Emit.Anomaly(anomalyLong)
				l.buf = l.buf[:0]
			} else {
				l.buf = append(l.buf, data...)
			}
			return true
		}
		line := data[:i]
		if len(l.buf) > 0 {
			if len(l.buf)+i > maxLine {
				c.Emit.Anomaly(anomalyLong)
				l.buf = l.buf[:0]
				data = data[i+1:]
				continue
			}
			l.buf = append(l.buf, line...)
			line = l.buf
		}
		data = data[i+1:]
		ok := fn(bytes.TrimRight(line, "\r"))
		l.buf = l.buf[:0]
		if !ok {
			return false
		}
	}
	return true
}

func upper(b byte) byte {
	if b >= 'a' && b <= 'z' {
		return b - 32
	}
	return b
}

// hasPrefixFold reports whether s starts with p (p upper-case ASCII).
func hasPrefixFold(s []byte, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if upper(s[i]) != p[i] {
			return false
		}
	}
	return true
}

func containsFold(s []byte, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if hasPrefixFold(s[i:], sub) {
			return true
		}
	}
	return false
}
