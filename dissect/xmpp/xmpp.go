// Package xmpp identifies XMPP/Jabber (RFC 6120, ports 5222/5269) by the
// opening "<stream:stream" element (optionally after an XML declaration),
// reports the stream's "to" domain as the host name, and hands the flow to
// the TLS dissector after <starttls/> is answered <proceed/>.
package xmpp

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is XMPP over TCP (nDPI "Jabber").
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "xmpp",
	Transport: dissect.TCP,
	Ports:     []uint16{5222, 5269},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

var (
	xmlDecl = []byte("<?xml")
	stream  = []byte("<stream:stream")
	stanzas = [...][]byte{[]byte("<iq "), []byte("<presence"), []byte("<message "), []byte("</stream:stream>"), []byte("<stream:features")}
)

func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\r' || b[0] == '\n' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	b := skipSpace(data)
	if p := c.Server.Port(); p == 5222 || p == 5269 {
		// Picked up after the stream header: stanzas only XMPP sends.
		for _, s := range stanzas {
			if bytes.HasPrefix(b, s) {
				return dissect.Match
			}
		}
	}
	if len(b) < len(xmlDecl) {
		if bytes.HasPrefix(xmlDecl, b) || bytes.HasPrefix(stream, b) {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if bytes.HasPrefix(b, xmlDecl) {
		end := bytes.Index(b, []byte("?>"))
		if end < 0 {
			if len(b) < 256 {
				return dissect.NeedMore
			}
			return dissect.NoMatch
		}
		b = skipSpace(b[end+2:])
	}
	if len(b) < len(stream) {
		if bytes.HasPrefix(stream, b) && c.Pkts[dir] < 4 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if bytes.HasPrefix(b, stream) {
		return dissect.Match
	}
	return dissect.NoMatch
}

const maxBuf = 16 << 10

// parser looks at the first few KiB of each direction for the stream
// header's to= attribute and the STARTTLS exchange.
type parser struct {
	buf      [2][]byte
	host     bool
	tlsAsked bool
	stop     [2]bool
}

var _ dissect.Parser = (*parser)(nil)

// toAttr returns the value of the to= attribute in a start tag (single or
// double quotes), or nil.
func toAttr(tag []byte) []byte {
	for _, pat := range [...]string{" to='", ` to="`} {
		i := bytes.Index(tag, []byte(pat))
		if i < 0 {
			continue
		}
		v := tag[i+len(pat):]
		if j := bytes.IndexByte(v, pat[len(pat)-1]); j >= 0 {
			return v[:j]
		}
	}
	return nil
}

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if p.stop[dir] {
		return dissect.Continue
	}
	if len(p.buf[dir])+len(data) > maxBuf {
		p.stop[dir] = true
		if p.stop[0] && p.stop[1] {
			return dissect.Done
		}
		return dissect.Continue
	}
	p.buf[dir] = append(p.buf[dir], data...)
	b := p.buf[dir]
	if dir == dissect.ToServer {
		if !p.host {
			if i := bytes.Index(b, stream); i >= 0 {
				if j := bytes.IndexByte(b[i:], '>'); j >= 0 {
					p.host = true
					if to := toAttr(b[i : i+j]); len(to) > 0 {
						c.Emit.Host(to)
					}
				}
			}
		}
		if bytes.Contains(b, []byte("<starttls")) {
			p.tlsAsked = true
		}
	} else if p.tlsAsked && bytes.Contains(b, []byte("<proceed")) {
		c.Emit.Upgrade("tls")
		return dissect.Done
	}
	return dissect.Continue
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) { p.stop[dir] = true }
func (p *parser) Close(c *dissect.Ctx)                       {}
