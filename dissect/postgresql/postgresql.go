// Package postgresql dissects the start of PostgreSQL frontend/backend
// protocol sessions: the untyped StartupMessage (protocol 3.x), SSLRequest,
// GSSENCRequest and CancelRequest, and the server's one-byte answer to an
// encryption request.
package postgresql

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/netsift/netsift/event"

	"github.com/netsift/netsift/dissect"
)

// Dissector dissects PostgreSQL (nDPI "PostgreSQL", Suricata "pgsql").
var Dissector = &dissect.Dissector{
	Name:      "postgresql",
	EVE:       "pgsql",
	Transport: dissect.TCP,
	Ports:     []uint16{5432},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// Request codes of the untyped first message.
const (
	codeV3      = 196608   // protocol 3.0
	codeV32     = 196610   // protocol 3.2
	codeSSL     = 80877103 // SSLRequest
	codeGSSENC  = 80877104 // GSSENCRequest
	codeCancel  = 80877102 // CancelRequest
	maxStartup  = 10000    // the server's own limit on a startup packet
	defaultPort = 5432
)

func onPort(c *dissect.Ctx) bool {
	return c.Server.Port() == defaultPort || c.Client.Port() == defaultPort
}

// probe matches a client's first message by its length/code pair. Typed
// messages seen mid-session (a one-byte type and a length) are too weak on
// their own and are accepted only on port 5432.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 8 {
		if len(b) >= 1 && b[0] != 0 && !onPort(c) || c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	n := binary.BigEndian.Uint32(b)
	code := binary.BigEndian.Uint32(b[4:])
	if dir == dissect.ToServer {
		switch code {
		case codeSSL, codeGSSENC:
			if n == 8 {
				return dissect.Match
			}
		case codeCancel:
			if n == 16 {
				return dissect.Match
			}
		case codeV3, codeV32:
			if n >= 9 && n <= maxStartup && (len(b) == 8 || b[8] >= 'a' && b[8] <= 'z' || b[8] == '_' || n == 9 && b[8] == 0) {
				return dissect.Match
			}
		}
	}
	if onPort(c) && typedOK(b) {
		return dissect.Match
	}
	return dissect.NoMatch
}

// typedOK checks a typed message header (a frontend or backend type byte,
// length ≥ 4). Direction is not used: a capture that starts mid-session
// may have client and server swapped.
func typedOK(b []byte) bool {
	n := binary.BigEndian.Uint32(b[1:])
	if n < 4 || n > 1<<24 {
		return false
	}
	return strings.IndexByte("RSKZETDCIn1t23sAGHWcdNVQPBFfpX", b[0]) >= 0
}

// state of a session's opening.
const (
	stStartup = iota // waiting for the client's first message
	stEncReq         // client asked for SSL/GSS encryption; waiting for the answer
	stDone
)

type parser struct {
	st  uint8
	gss bool
	buf []byte
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	switch {
	case p.st == stEncReq && dir == dissect.ToClient:
		if len(data) == 0 {
			return dissect.Continue
		}
		switch data[0] {
		case 'S':
			c.Emit.Meta("pgsql.encryption", []byte("ssl"))
			c.Emit.Upgrade("tls")
			p.st = stDone
			return dissect.Done
		case 'G':
			c.Emit.Meta("pgsql.encryption", []byte("gss"))
			p.st = stDone
			return dissect.Done
		case 'N':
			p.st = stStartup
			return dissect.Continue
		}
		c.Emit.Anomaly("pgsql.bad_encryption_answer")
		return dissect.Fail
	case p.st != stStartup || dir != dissect.ToServer:
		return dissect.Continue
	}
	b := data
	if len(p.buf) > 0 {
		p.buf = append(p.buf, data...)
		b = p.buf
	}
	if len(b) < 8 {
		p.buf = append(p.buf[:0], b...)
		return dissect.Continue
	}
	n := int(binary.BigEndian.Uint32(b))
	if n < 8 || n > maxStartup {
		c.Emit.Anomaly("pgsql.bad_startup_length")
		return dissect.Fail
	}
	if len(b) < n {
		p.buf = append(p.buf[:0], b...)
		return dissect.Continue
	}
	code := binary.BigEndian.Uint32(b[4:])
	rest := b[n:]
	p.buf = p.buf[:0]
	switch code {
	case codeSSL, codeGSSENC:
		p.st = stEncReq
		if len(rest) > 0 {
			// Data right after the request without waiting for the answer
			// (direct SSL negotiation in PostgreSQL 17 sends a ClientHello).
			c.Emit.Anomaly("pgsql.data_after_encryption_request")
		}
		return dissect.Continue
	case codeCancel:
		c.Emit.Meta("pgsql.request", []byte("cancel"))
		p.st = stDone
		return dissect.Done
	case codeV3, codeV32:
		p.startup(c, code, b[8:n])
		p.st = stDone
		return dissect.Done
	}
	c.Emit.Anomaly("pgsql.unknown_startup_code")
	return dissect.Fail
}

// startup reports the interesting StartupMessage parameters (NUL-terminated
// name/value pairs ending with an empty name) as Meta and as a pgsql EVE
// event.
func (p *parser) startup(c *dissect.Ctx, code uint32, b []byte) {
	if startupOK(b) {
		c.Emit.Event(dissect.ToServer, "pgsql", startupRecord{minor: code & 0xffff, params: b})
	}
	for len(b) > 0 && b[0] != 0 {
		k, rest, ok := cstr(b)
		if !ok {
			c.Emit.Anomaly("pgsql.bad_startup_parameter")
			return
		}
		v, rest2, ok := cstr(rest)
		if !ok {
			c.Emit.Anomaly("pgsql.bad_startup_parameter")
			return
		}
		switch string(k) {
		case "user":
			c.Emit.Meta("pgsql.user", v)
		case "database":
			c.Emit.Meta("pgsql.database", v)
		case "application_name":
			c.Emit.Meta("pgsql.application_name", v)
		}
		b = rest2
	}
}

func cstr(b []byte) (s, rest []byte, ok bool) {
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return nil, nil, false
	}
	return b[:i], b[i+1:], true
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {
	if p.st == stStartup {
		p.st = stDone
	}
}

func (p *parser) Close(c *dissect.Ctx) {}

// startupOK reports whether b is a well-formed parameter list.
func startupOK(b []byte) bool {
	for len(b) > 0 && b[0] != 0 {
		var ok bool
		if _, b, ok = cstr(b); !ok {
			return false
		}
		if _, b, ok = cstr(b); !ok {
			return false
		}
	}
	return true
}

// startupRecord is the request of a StartupMessage in Suricata's pgsql
// layout: {"request":{"protocol_version":"3.0","startup_parameters":
// {"user":…,"optional_parameters":[{"database":…},…]}}}. params must be a
// list startupOK accepts and is only read during AppendEVE.
type startupRecord struct {
	minor  uint32
	params []byte
}

func (r startupRecord) AppendEVE(w *event.Writer) {
	w.ObjStart()
	w.Key("request")
	w.ObjStart()
	w.Key("protocol_version")
	var v [16]byte
	ver := strconv.AppendUint(append(v[:0], `"3.`...), uint64(r.minor), 10)
	w.Raw(append(ver, '"'))
	w.Key("startup_parameters")
	w.ObjStart()
	b := r.params
	opened := false
	for len(b) > 0 && b[0] != 0 {
		k, rest, _ := cstr(b)
		v, rest, _ := cstr(rest)
		b = rest
		if string(k) == "user" {
			continue
		}
		if !opened {
			w.Key("optional_parameters")
			w.ArrStart()
			opened = true
		}
		w.ObjStart()
		w.Key(string(k))
		w.Bytes(v)
		w.ObjEnd()
	}
	if opened {
		w.ArrEnd()
	}
	for b := r.params; len(b) > 0 && b[0] != 0; {
		k, rest, _ := cstr(b)
		v, rest, _ := cstr(rest)
		b = rest
		if string(k) == "user" {
			w.KBytes("user", v)
		}
	}
	w.ObjEnd()
	w.ObjEnd()
	w.ObjEnd()
}
