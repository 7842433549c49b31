// Package tinc identifies the tinc VPN meta protocol (TCP, default port
// 655): each side opens with an ID request line "0 <name> 17[.<minor>]\n"
// (request 0 = ID, a node name of letters, digits and underscores,
// protocol major version 17), then exchanges METAKEY / CHALLENGE lines
// ("1 …", "2 …") or, with protocol 17.x, SPTPS. The whole first line is
// checked, so the probe is strict on any port. tinc's UDP data channel is
// encrypted and not identifiable on its own.
package tinc

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is the tinc dissector (no Suricata app_proto).
var Dissector = &dissect.Dissector{
	Name:      "tinc",
	Transport: dissect.TCP,
	Ports:     []uint16{655},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// maxLine bounds the ID line (tinc limits node names; 256 is generous).
const maxLine = 256

// idLine parses "0 name 17[.minor]" (no newline) and returns the name.
func idLine(l []byte) (name []byte, ok bool) {
	if len(l) < 6 || l[0] != '0' || l[1] != ' ' {
		return nil, false
	}
	l = l[2:]
	sp := bytes.IndexByte(l, ' ')
	if sp < 1 {
		return nil, false
	}
	name = l[:sp]
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return nil, false
		}
	}
	v := l[sp+1:]
	if !bytes.HasPrefix(v, []byte("17")) {
		return nil, false
	}
	v = v[2:]
	if len(v) > 0 {
		if v[0] != '.' || len(v) < 2 || len(v) > 4 {
			return nil, false
		}
		for _, c := range v[1:] {
			if c < '0' || c > '9' {
				return nil, false
			}
		}
	}
	return name, true
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) == 0 {
		return dissect.NeedMore
	}
	if b[0] != '0' || len(b) > 1 && b[1] != ' ' {
		return dissect.NoMatch
	}
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		if len(b) < maxLine && c.Pkts[dir] < 4 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if _, ok := idLine(b[:i]); ok {
		return dissect.Match
	}
	return dissect.NoMatch
}

// parser reports each side's node name from its ID line.
type parser struct {
	buf  [2][]byte
	done [2]bool
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if p.done[dir] {
		return p.status()
	}
	n := min(len(data), maxLine-len(p.buf[dir]))
	p.buf[dir] = append(p.buf[dir], data[:n]...)
	b := p.buf[dir]
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		if len(b) >= maxLine {
			c.Emit.Anomaly("tinc.id_line_too_long")
			p.done[dir] = true
		}
		return p.status()
	}
	p.done[dir] = true
	name, ok := idLine(b[:i])
	if !ok {
		c.Emit.Anomaly("tinc.bad_id_line")
		return p.status()
	}
	if dir == dissect.ToServer {
		c.Emit.Meta("tinc_client_name", name)
	} else {
		c.Emit.Meta("tinc_server_name", name)
	}
	return p.status()
}

func (p *parser) status() dissect.Status {
	if p.done[0] && p.done[1] {
		return dissect.Done
	}
	return dissect.Continue
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) { p.done[dir] = true }
func (p *parser) Close(c *dissect.Ctx)                       {}
