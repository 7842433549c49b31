// Package pop3 identifies POP3 (RFC 1939) by the server's "+OK" greeting
// (or, on port 110, the client's first command) and hands the flow to the
// TLS dissector after "STLS" is answered "+OK" (RFC 2595).
package pop3

import (
	"bytes"
	"github.com/netsift/netsift/dissect/internal/textline"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
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
		if textline.HasPrefixFold(line, "+OK") && (len(line) == 3 || line[3] == ' ' || line[3] == '\r') {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	// The client speaking first: only on the POP3 port, with a POP3 verb.
	if c.Server.Port() != 110 {
		return dissect.NoMatch
	}
	for _, k := range commands {
		if textline.HasPrefixFold(line, k) {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}

const maxArgs = 4

// masked replaces PASS arguments in events.
var masked = []byte("xxxxxxxx")

// parser writes one pop3 event per command and its response (Suricata's
// request {command, args} and response {success, status, header}), skips
// multi-line response bodies, reports the user, and hands the flow to TLS
// after STLS is answered +OK. Buffers are per flow and reused.
type parser struct {
	l        [2]textline.Lines
	tlsAsked bool
	upgraded bool

	hasCmd    bool
	cmd       []byte
	args      [maxArgs][]byte
	nargs     int
	multiline bool // the pending command's +OK starts a dot-terminated body
	inBody    bool
	success   bool
	header    []byte
	answered  bool
	sasl      bool // the server sent a "+ " challenge: the next client line is SASL data
}

var _ dissect.Parser = (*parser)(nil)

// multi reports whether a successful answer to cmd (with nargs arguments)
// is a multi-line body (RFC 1939, RFC 2449 CAPA).
func multi(cmd []byte, nargs int) bool {
	switch string(cmd) {
	case "CAPA", "RETR", "TOP":
		return true
	case "LIST", "UIDL":
		return nargs == 0
	}
	return false
}

func (p *parser) flush(c *dissect.Ctx) {
	if p.hasCmd || p.answered {
		c.Emit.Event(dissect.ToServer, "pop3", (*record)(p))
	}
	p.hasCmd, p.answered, p.nargs, p.multiline = false, false, 0, false
}

func (p *parser) request(c *dissect.Ctx, line []byte) {
	if p.sasl {
		p.sasl = false
		return
	}
	if p.hasCmd {
		p.flush(c) // pipelined: the previous command's answer was not seen
	}
	f := line
	cmd := f
	if i := bytes.IndexByte(f, ' '); i >= 0 {
		cmd, f = f[:i], f[i+1:]
	} else {
		f = nil
	}
	if len(cmd) == 0 || len(cmd) > 8 {
		c.Emit.Anomaly("pop3.invalid_command")
		return
	}
	p.cmd = append(p.cmd[:0], cmd...)
	for i, x := range p.cmd {
		p.cmd[i] = textline.Upper(x)
	}
	for len(f) > 0 && p.nargs < maxArgs {
		a := f
		if i := bytes.IndexByte(f, ' '); i >= 0 {
			a, f = f[:i], f[i+1:]
		} else {
			f = nil
		}
		if string(p.cmd) == "PASS" {
			a = masked
		}
		p.args[p.nargs] = append(p.args[p.nargs][:0], a...)
		p.nargs++
	}
	p.hasCmd = true
	p.multiline = multi(p.cmd, p.nargs)
	switch {
	case string(p.cmd) == "STLS":
		p.tlsAsked = true
	case string(p.cmd) == "USER" && p.nargs > 0:
		c.Emit.Meta("pop3_user", p.args[0])
	}
}

// response handles a server line; it returns false after an upgrade.
func (p *parser) response(c *dissect.Ctx, line []byte) bool {
	if p.inBody {
		if len(line) == 1 && line[0] == '.' {
			p.inBody = false
		}
		return true
	}
	ok := textline.HasPrefixFold(line, "+OK")
	if !ok && !textline.HasPrefixFold(line, "-ERR") {
		// "+ <challenge>" during AUTH (RFC 5034): the answer is SASL data.
		p.sasl = len(line) > 0 && line[0] == '+'
		return true
	}
	p.sasl = false
	p.success, p.answered = ok, true
	p.header = append(p.header[:0], line...)
	body := ok && p.hasCmd && p.multiline
	p.flush(c)
	p.inBody = body
	if p.tlsAsked {
		p.tlsAsked = false
		if ok {
			p.upgraded = true
			c.Emit.Upgrade("tls")
			return false
		}
	}
	return true
}

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	p.l[dir].Each(c, anomalyLong, data, func(line []byte) bool {
		if dir == dissect.ToServer {
			p.request(c, line)
			return true
		}
		return p.response(c, line)
	})
	if p.upgraded {
		return dissect.Done
	}
	return dissect.Continue
}

type record parser

// AppendEVE writes the pop3 object of the shared EVE schema.
func (r *record) AppendEVE(w *event.Writer) {
	w.ObjStart()
	if r.hasCmd {
		w.Key("request")
		w.ObjStart()
		w.KBytes("command", r.cmd)
		w.Key("args")
		w.ArrStart()
		for _, a := range r.args[:r.nargs] {
			w.Bytes(a)
		}
		w.ArrEnd()
		w.ObjEnd()
	}
	if r.answered {
		w.Key("response")
		w.ObjStart()
		w.KBool("success", r.success)
		if r.success {
			w.KString("status", "+OK")
		} else {
			w.KString("status", "-ERR")
		}
		w.KBytes("header", r.header)
		w.ObjEnd()
	}
	w.ObjEnd()
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) { p.l[dir].Reset() }
func (p *parser) Close(c *dissect.Ctx)                       { p.flush(c) }
