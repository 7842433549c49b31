// Package imap identifies IMAP4 (RFC 9051) by the server's untagged
// greeting "* OK" / "* PREAUTH" (or, on port 143, a tagged client command)
// and hands the flow to the TLS dissector after "<tag> STARTTLS" is
// answered "<tag> OK".
package imap

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is IMAP over TCP (nDPI "IMAP", Suricata "imap").
var Dissector = &dissect.Dissector{
	Name:      "imap",
	EVE:       "imap",
	Transport: dissect.TCP,
	Ports:     []uint16{143},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

const anomalyLong = "imap.line_too_long"

var commands = [...]string{"CAPABILITY", "LOGIN ", "STARTTLS", "AUTHENTICATE ", "NOOP", "ID "}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	i := bytes.IndexByte(data, '\n')
	if i < 0 {
		if len(data) >= 2 && dir == dissect.ToClient && string(data[:2]) != "* " {
			return dissect.NoMatch
		}
		if len(data) < 512 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	line := data[:i]
	if dir == dissect.ToClient {
		if hasPrefixFold(line, "* OK") || hasPrefixFold(line, "* PREAUTH") || hasPrefixFold(line, "* BYE") {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	if c.Server.Port() != 143 {
		return dissect.NoMatch
	}
	sp := bytes.IndexByte(line, ' ')
	if sp < 1 || sp > 32 {
		return dissect.NoMatch
	}
	for _, k := range commands {
		if hasPrefixFold(line[sp+1:], k) {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}

// parser watches for STARTTLS and its tagged OK.
type parser struct {
	l        [2]lines
	tag      [32]byte
	tagLen   int
	upgraded bool
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	p.l[dir].each(c, data, func(line []byte) bool {
		sp := bytes.IndexByte(line, ' ')
		if sp < 1 || sp > len(p.tag) {
			return true
		}
		if dir == dissect.ToServer {
			if hasPrefixFold(line[sp+1:], "STARTTLS") {
				p.tagLen = copy(p.tag[:], line[:sp])
			}
			return true
		}
		if p.tagLen > 0 && bytes.Equal(line[:sp], p.tag[:p.tagLen]) {
			p.tagLen = 0
			if hasPrefixFold(line[sp+1:], "OK") {
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
