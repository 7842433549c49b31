// Package ftp identifies the FTP control connection (RFC 959) by a 220
// greeting that names FTP (or any 220 greeting on port 21, or the client's
// USER/AUTH on port 21) and hands the flow to the TLS dissector after
// "AUTH TLS"/"AUTH SSL" is answered 234 (RFC 4217). Data connections carry
// no signature and are not identified here.
package ftp

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is the FTP control connection over TCP (nDPI "FTP_CONTROL",
// Suricata "ftp").
var Dissector = &dissect.Dissector{
	Name:      "ftp",
	EVE:       "ftp",
	Transport: dissect.TCP,
	Ports:     []uint16{21},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

const anomalyLong = "ftp.line_too_long"

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	i := bytes.IndexByte(data, '\n')
	if i < 0 {
		if len(data) >= 3 && dir == dissect.ToClient && string(data[:3]) != "220" {
			return dissect.NoMatch
		}
		if len(data) < 512 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	line := data[:i]
	onPort := c.Server.Port() == 21
	if dir == dissect.ToClient {
		if len(line) < 4 || string(line[:3]) != "220" || (line[3] != ' ' && line[3] != '-') {
			return dissect.NoMatch
		}
		if containsFold(line, "SMTP") {
			return dissect.NoMatch
		}
		if containsFold(line, "FTP") || onPort {
			return dissect.Match
		}
		// Let the client's first command decide.
		return dissect.NeedMore
	}
	if hasPrefixFold(line, "USER ") || hasPrefixFold(line, "AUTH TLS") || hasPrefixFold(line, "AUTH SSL") || hasPrefixFold(line, "FEAT") {
		if onPort || c.Pkts[dissect.ToClient] > 0 {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}

// parser watches for AUTH TLS and its 234 reply, and reports the user.
type parser struct {
	l        [2]lines
	tlsAsked bool
	upgraded bool
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	p.l[dir].each(c, data, func(line []byte) bool {
		if dir == dissect.ToServer {
			switch {
			case hasPrefixFold(line, "AUTH TLS") || hasPrefixFold(line, "AUTH SSL"):
				p.tlsAsked = true
			case hasPrefixFold(line, "USER ") && len(line) > 5:
				c.Emit.Meta("ftp_user", line[5:])
			}
			return true
		}
		if p.tlsAsked && len(line) >= 3 {
			p.tlsAsked = false
			if string(line[:3]) == "234" {
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
