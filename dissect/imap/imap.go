// Package imap identifies IMAP4 (RFC 9051) by the server's untagged
// greeting "* OK" / "* PREAUTH" (or, on port 143, a tagged client command)
// and hands the flow to the TLS dissector after "<tag> STARTTLS" is
// answered "<tag> OK".
package imap

import (
	"bytes"
	"github.com/netsift/netsift/dissect/internal/textline"

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
		if textline.HasPrefixFold(line, "* OK") || textline.HasPrefixFold(line, "* PREAUTH") || textline.HasPrefixFold(line, "* BYE") {
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
		if textline.HasPrefixFold(line[sp+1:], k) {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}

// parser watches for STARTTLS and its tagged OK.
type parser struct {
	l        [2]textline.Lines
	tag      [32]byte
	tagLen   int
	upgraded bool
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	p.l[dir].Each(c, anomalyLong, data, func(line []byte) bool {
		sp := bytes.IndexByte(line, ' ')
		if sp < 1 || sp > len(p.tag) {
			return true
		}
		if dir == dissect.ToServer {
			if textline.HasPrefixFold(line[sp+1:], "STARTTLS") {
				p.tagLen = copy(p.tag[:], line[:sp])
			}
			return true
		}
		if p.tagLen > 0 && bytes.Equal(line[:sp], p.tag[:p.tagLen]) {
			p.tagLen = 0
			if textline.HasPrefixFold(line[sp+1:], "OK") {
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

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) { p.l[dir].Reset() }
func (p *parser) Close(c *dissect.Ctx)                       {}
