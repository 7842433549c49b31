// Package smtp identifies SMTP (RFC 5321) by the server's 220 greeting and
// the client's EHLO/HELO, parses the command stream for the envelope
// (HELO, MAIL FROM, RCPT TO) and hands the flow to the TLS dissector after a
// successful STARTTLS.
package smtp

import (
	"bytes"
	"github.com/netsift/netsift/dissect/internal/textline"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
)

// Dissector is SMTP over TCP (nDPI "SMTP", Suricata "smtp").
var Dissector = &dissect.Dissector{
	Name:      "smtp",
	EVE:       "smtp",
	Transport: dissect.TCP,
	Ports:     []uint16{25, 587, 2525},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

var _ dissect.Parser = (*parser)(nil)

// probe: the server greeting "220" + SP/'-' decides when it names SMTP
// (or, lacking that, on a mail port); otherwise the client's first command
// must be EHLO or HELO. FTP greetings also start with 220, so "FTP" in the
// greeting is a NoMatch.
func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	i := bytes.IndexByte(data, '\n')
	if i < 0 && len(data) < 512 {
		if len(data) >= 4 && dir == dissect.ToClient && !(data[0] == '2' && data[1] == '2' && data[2] == '0') {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	line := data
	if i >= 0 {
		line = data[:i]
	}
	if dir == dissect.ToServer {
		if textline.HasPrefixFold(line, "EHLO ") || textline.HasPrefixFold(line, "HELO ") {
			return dissect.Match
		}
		// On the SMTP ports, other commands a session may be caught at
		// (the capture started late) identify it too, as Suricata's
		// probing does.
		switch c.Server.Port() {
		case 25, 587, 2525:
			for _, cmd := range [...]string{"QUIT", "MAIL FROM:", "RCPT TO:", "DATA", "RSET", "NOOP", "STARTTLS"} {
				if textline.HasPrefixFold(line, cmd) {
					return dissect.Match
				}
			}
		}
		return dissect.NoMatch
	}
	if len(line) < 4 || line[0] != '2' || line[1] != '2' || line[2] != '0' || (line[3] != ' ' && line[3] != '-') {
		return dissect.NoMatch
	}
	if textline.ContainsFold(line, "FTP") {
		return dissect.NoMatch
	}
	if textline.ContainsFold(line, "SMTP") || textline.ContainsFold(line, "MAIL") {
		return dissect.Match
	}
	switch c.Server.Port() {
	case 25, 587, 2525:
		return dissect.Match
	}
	// Let the client's command decide.
	return dissect.NeedMore
}

const (
	maxLine = 4096
	maxRcpt = 32
)

// parser keeps a line buffer per direction and the current transaction's
// envelope; one smtp event is written per transaction (at DATA/BDAT, RSET,
// QUIT or close).
type parser struct {
	line     [2][]byte
	helo     []byte
	from     []byte
	rcpt     [][]byte
	nrcpt    int
	inData   bool
	tlsAsked bool
	pending  bool // envelope has something not yet emitted
}

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			if len(p.line[dir])+len(data) > maxLine {
				c.Emit.Anomaly("smtp.line_too_long")
				p.line[dir] = p.line[dir][:0]
				return dissect.Continue
			}
			p.line[dir] = append(p.line[dir], data...)
			return dissect.Continue
		}
		var line []byte
		if len(p.line[dir]) > 0 {
			if len(p.line[dir])+i > maxLine {
				c.Emit.Anomaly("smtp.line_too_long")
				p.line[dir] = p.line[dir][:0]
				data = data[i+1:]
				continue
			}
			p.line[dir] = append(p.line[dir], data[:i]...)
			line = p.line[dir]
		} else {
			line = data[:i]
		}
		data = data[i+1:]
		line = bytes.TrimRight(line, "\r")
		st := p.onLine(c, dir, line)
		p.line[dir] = p.line[dir][:0]
		if st != dissect.Continue {
			return st
		}
	}
	return dissect.Continue
}

func (p *parser) onLine(c *dissect.Ctx, dir dissect.Dir, line []byte) dissect.Status {
	if dir == dissect.ToClient {
		if p.tlsAsked && len(line) >= 3 {
			p.tlsAsked = false
			if line[0] == '2' && line[1] == '2' && line[2] == '0' {
				p.flush(c)
				c.Emit.Upgrade("tls")
				return dissect.Done
			}
		}
		return dissect.Continue
	}
	if p.inData {
		if len(line) == 1 && line[0] == '.' {
			p.inData = false
		}
		return dissect.Continue
	}
	switch {
	case textline.HasPrefixFold(line, "EHLO ") || textline.HasPrefixFold(line, "HELO "):
		p.helo = append(p.helo[:0], bytes.TrimSpace(line[5:])...)
		c.Emit.Meta("smtp_helo", p.helo)
		p.pending = true
	case textline.HasPrefixFold(line, "MAIL FROM:"):
		p.from = append(p.from[:0], addr(line[10:])...)
		p.pending = true
	case textline.HasPrefixFold(line, "RCPT TO:"):
		if p.nrcpt < maxRcpt {
			if p.nrcpt == len(p.rcpt) {
				p.rcpt = append(p.rcpt, nil)
			}
			p.rcpt[p.nrcpt] = append(p.rcpt[p.nrcpt][:0], addr(line[8:])...)
			p.nrcpt++
		} else {
			c.Emit.Anomaly("smtp.too_many_recipients")
		}
		p.pending = true
	case textline.HasPrefixFold(line, "DATA") && len(line) == 4:
		p.flush(c)
		p.inData = true
	case textline.HasPrefixFold(line, "BDAT "):
		// BDAT chunks carry binary data we do not parse; stop here.
		p.flush(c)
		return dissect.Done
	case textline.HasPrefixFold(line, "RSET") || textline.HasPrefixFold(line, "QUIT"):
		p.flush(c)
	case textline.HasPrefixFold(line, "STARTTLS"):
		p.tlsAsked = true
	case textline.HasPrefixFold(line, "AUTH "):
		// AUTH exchanges carry base64 lines from the client; harmless here.
	}
	return dissect.Continue
}

// addr returns the path argument as Suricata logs it, "<…>" included,
// without ESMTP parameters (SIZE=…).
func addr(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if i := bytes.IndexByte(b, '<'); i >= 0 {
		if j := bytes.IndexByte(b[i:], '>'); j >= 0 {
			return b[i : i+j+1]
		}
	}
	if i := bytes.IndexByte(b, ' '); i >= 0 {
		b = b[:i]
	}
	return b
}

func (p *parser) flush(c *dissect.Ctx) {
	if !p.pending || (len(p.from) == 0 && p.nrcpt == 0 && len(p.helo) == 0) {
		return
	}
	p.pending = false
	c.Emit.Event(dissect.ToServer, "smtp", (*record)(p))
	p.from = p.from[:0]
	p.nrcpt = 0
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {
	p.line[dir] = p.line[dir][:0]
}

func (p *parser) Close(c *dissect.Ctx) { p.flush(c) }

type record parser

// AppendEVE writes Suricata's smtp object: helo, mail_from, rcpt_to.
func (r *record) AppendEVE(w *event.Writer) {
	w.ObjStart()
	if len(r.helo) > 0 {
		w.KBytes("helo", r.helo)
	}
	if len(r.from) > 0 {
		w.KBytes("mail_from", r.from)
	}
	if r.nrcpt > 0 {
		w.Key("rcpt_to")
		w.ArrStart()
		for _, a := range r.rcpt[:r.nrcpt] {
			w.Bytes(a)
		}
		w.ArrEnd()
	}
	w.ObjEnd()
}
