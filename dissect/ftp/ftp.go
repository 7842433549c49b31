// Package ftp identifies the FTP control connection (RFC 959) by a 220
// greeting that names FTP (or any 220 greeting on port 21, or the client's
// USER/AUTH on port 21) and hands the flow to the TLS dissector after
// "AUTH TLS"/"AUTH SSL" is answered 234 (RFC 4217). Data connections carry
// no signature and are not identified here.
package ftp

import (
	"bytes"
	"github.com/netsift/netsift/dissect/internal/textline"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
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
		if textline.ContainsFold(line, "SMTP") {
			return dissect.NoMatch
		}
		if textline.ContainsFold(line, "FTP") || onPort {
			return dissect.Match
		}
		// Let the client's first command decide.
		return dissect.NeedMore
	}
	if textline.HasPrefixFold(line, "USER ") || textline.HasPrefixFold(line, "AUTH TLS") || textline.HasPrefixFold(line, "AUTH SSL") || textline.HasPrefixFold(line, "FEAT") {
		if onPort || c.Pkts[dissect.ToClient] > 0 {
			return dissect.Match
		}
	}
	// On port 21, other commands a session may be caught at (the capture
	// started late) identify it too, as Suricata's probing does.
	if onPort {
		for _, cmd := range [...]string{"QUIT", "PASS ", "PORT ", "PASV", "EPSV", "EPRT ", "SYST", "TYPE ", "RETR ", "STOR ", "CWD ", "PWD", "LIST", "NLST"} {
			if textline.HasPrefixFold(line, cmd) {
				return dissect.Match
			}
		}
	}
	return dissect.NoMatch
}

// maxReplies bounds the reply lines kept for one command.
const maxReplies = 8

// parser writes one ftp event per command with its reply (Suricata's
// command, command_data, completion_code, reply, dynamic_port, mode,
// reply_received), watches for AUTH TLS and its 234 reply, and reports the
// user. Buffers are per flow and reused.
type parser struct {
	l        [2]textline.Lines
	tlsAsked bool
	upgraded bool

	pending  bool // a command awaits its reply
	cmd      []byte
	arg      []byte
	codes    [maxReplies][3]byte
	replies  [maxReplies][]byte
	nreply   int
	received bool
	port     int // dynamic data port from PASV/EPSV replies or PORT/EPRT
	passive  bool
}

// flush emits the pending command's event.
func (p *parser) flush(c *dissect.Ctx) {
	if !p.pending {
		return
	}
	c.Emit.Event(dissect.ToServer, "ftp", (*record)(p))
	p.pending, p.nreply, p.received, p.port = false, 0, false, 0
}

// command records a client command line.
func (p *parser) command(c *dissect.Ctx, line []byte) {
	p.flush(c)
	cmd, arg := line, []byte(nil)
	if i := bytes.IndexByte(line, ' '); i >= 0 {
		cmd, arg = line[:i], line[i+1:]
	}
	if len(cmd) == 0 || len(cmd) > 16 {
		c.Emit.Anomaly("ftp.invalid_command")
		return
	}
	p.cmd = append(p.cmd[:0], cmd...)
	for i, b := range p.cmd {
		p.cmd[i] = textline.Upper(b)
	}
	p.arg = append(p.arg[:0], arg...)
	p.pending = true
	switch string(p.cmd) {
	case "PORT":
		p.port, p.passive = portFromTuple(arg), false
	case "EPRT":
		p.port, p.passive = eprtPort(arg), false
	}
}

// portFromTuple reads the port from "h1,h2,h3,h4,p1,p2", starting at the
// first digit of b; 0 when b does not hold six numbers.
func portFromTuple(b []byte) int {
	i := 0
	for i < len(b) && (b[i] < '0' || b[i] > '9') {
		i++
	}
	var v [6]int
	for n := 0; n < 6; n++ {
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' && i-start < 3 {
			v[n] = v[n]*10 + int(b[i]-'0')
			i++
		}
		if i == start {
			return 0
		}
		if n < 5 {
			if i >= len(b) || b[i] != ',' {
				return 0
			}
			i++
		}
	}
	if v[4] > 255 || v[5] > 255 {
		return 0
	}
	return v[4]<<8 | v[5]
}

// eprtPort reads the port from EPRT's "|af|addr|port|" (any delimiter).
func eprtPort(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	d, f, v := b[0], 0, 0
	for _, x := range b[1:] {
		switch {
		case x == d:
			f++
			if f == 3 {
				return v
			}
		case f == 2 && x >= '0' && x <= '9' && v < 65536:
			v = v*10 + int(x-'0')
		}
	}
	return 0
}

// reply records a server reply line; a final line ("ddd ") ends it.
func (p *parser) reply(c *dissect.Ctx, line []byte) {
	if !p.pending {
		return // the greeting, or lines we have no command for
	}
	final := len(line) >= 4 && line[3] == ' ' && isCode(line)
	if isCode(line) && p.nreply < maxReplies && (len(line) == 3 || line[3] == ' ' || line[3] == '-') {
		k := p.nreply
		copy(p.codes[k][:], line[:3])
		text := line[3:]
		if len(text) > 0 {
			text = text[1:]
		}
		p.replies[k] = append(p.replies[k][:0], text...)
		p.nreply++
		switch string(line[:3]) {
		case "227": // Entering Passive Mode (h1,h2,h3,h4,p1,p2)
			if i := bytes.IndexByte(line, '('); i >= 0 {
				p.port, p.passive = portFromTuple(line[i+1:]), true
			} else {
				p.port, p.passive = portFromTuple(line[4:]), true
			}
		case "229": // Entering Extended Passive Mode (|||port|)
			if i := bytes.Index(line, []byte("|||")); i >= 0 {
				v := 0
				for _, x := range line[i+3:] {
					if x < '0' || x > '9' {
						break
					}
					v = v*10 + int(x-'0')
				}
				if v > 0 && v < 65536 {
					p.port, p.passive = v, true
				}
			}
		}
	}
	if final || len(line) == 3 && isCode(line) {
		p.received = true
		p.flush(c)
	}
}

func isCode(b []byte) bool {
	return len(b) >= 3 && b[0] >= '1' && b[0] <= '5' && b[1] >= '0' && b[1] <= '9' && b[2] >= '0' && b[2] <= '9'
}

type record parser

// AppendEVE writes Suricata's ftp object.
func (r *record) AppendEVE(w *event.Writer) {
	w.ObjStart()
	w.KBytes("command", r.cmd)
	if len(r.arg) > 0 {
		if string(r.cmd) == "PASS" {
			w.KString("command_data", "xxxxxxxx")
		} else {
			w.KBytes("command_data", r.arg)
		}
	}
	if r.nreply > 0 {
		w.Key("reply")
		w.ArrStart()
		for _, x := range r.replies[:r.nreply] {
			w.Bytes(x)
		}
		w.ArrEnd()
		w.Key("completion_code")
		w.ArrStart()
		for i := range r.codes[:r.nreply] {
			w.Bytes(r.codes[i][:])
		}
		w.ArrEnd()
	}
	if r.port > 0 {
		w.KInt("dynamic_port", int64(r.port))
		if r.passive {
			w.KString("mode", "passive")
		} else {
			w.KString("mode", "active")
		}
	}
	if r.received {
		w.KString("reply_received", "yes")
	} else {
		w.KString("reply_received", "no")
	}
	w.ObjEnd()
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	p.l[dir].Each(c, anomalyLong, data, func(line []byte) bool {
		if dir == dissect.ToServer {
			switch {
			case textline.HasPrefixFold(line, "AUTH TLS") || textline.HasPrefixFold(line, "AUTH SSL"):
				p.tlsAsked = true
			case textline.HasPrefixFold(line, "USER ") && len(line) > 5:
				c.Emit.Meta("ftp_user", line[5:])
			}
			p.command(c, line)
			return true
		}
		p.reply(c, line)
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

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) { p.l[dir].Reset() }
func (p *parser) Close(c *dissect.Ctx)                       { p.flush(c) }
