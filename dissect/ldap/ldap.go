// Package ldap identifies LDAP (RFC 4511) over TCP and CLDAP over UDP by
// the BER framing of an LDAPMessage: SEQUENCE, messageID INTEGER (1–4
// bytes), then a protocolOp with an APPLICATION tag 0–25. After a
// successful StartTLS extended operation (OID 1.3.6.1.4.1.1466.20037) the
// flow is handed to the TLS dissector.
package ldap

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is LDAP over TCP and CLDAP over UDP (nDPI "LDAP", Suricata
// "ldap").
var Dissector = &dissect.Dissector{
	Name:      "ldap",
	EVE:       "ldap",
	Transport: dissect.Both,
	Ports:     []uint16{389, 3268},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// berLen reads a BER definite length at b: value, header bytes used; n is
// -1 when more bytes are needed, -2 when invalid.
func berLen(b []byte) (v, n int) {
	if len(b) == 0 {
		return 0, -1
	}
	if b[0] < 0x80 {
		return int(b[0]), 1
	}
	k := int(b[0] & 0x7f)
	if k == 0 || k > 4 {
		return 0, -2
	}
	if len(b) < 1+k {
		return 0, -1
	}
	for _, x := range b[1 : 1+k] {
		v = v<<8 | int(x)
	}
	if v < 0 || v > 1<<24 {
		return 0, -2
	}
	return v, 1 + k
}

// message checks an LDAPMessage head at b and returns the protocolOp's
// application number, or -1 when more bytes are needed, -2 when not LDAP.
func message(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	if b[0] != 0x30 {
		return -2
	}
	_, n := berLen(b[1:])
	if n < 0 {
		return n
	}
	b = b[1+n:]
	if len(b) < 2 {
		return -1
	}
	if b[0] != 0x02 || b[1] == 0 || b[1] > 4 {
		return -2
	}
	if len(b) < 2+int(b[1]) {
		return -1
	}
	b = b[2+int(b[1]):]
	if len(b) < 1 {
		return -1
	}
	t := b[0]
	if t&0xc0 != 0x40 {
		return -2
	}
	op := int(t & 0x1f)
	if op > 25 {
		return -2
	}
	// Constructed for all ops but unbind (2), delRequest (10) and
	// abandon (16), which are primitive.
	prim := op == 2 || op == 10 || op == 16
	if prim != (t&0x20 == 0) {
		return -2
	}
	return op
}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	switch op := message(data); {
	case op == -1:
		if c.Proto == 17 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	case op < 0:
		// Picked up mid-stream: let the other direction's first message
		// decide (bounded to two packets of this one).
		if c.Proto == 6 && c.Pkts[1-dir] == 0 && c.Pkts[dir] <= 2 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	case op == 0 || op == 3 || op == 23 || op == 2:
		// bindRequest, searchRequest, extendedRequest, unbind: usual openers.
		return dissect.Match
	case dir == dissect.ToClient && (op == 1 || op == 4 || op == 5 || op == 24):
		return dissect.Match
	case c.Server.Port() == 389 || c.Server.Port() == 3268:
		return dissect.Match
	}
	return dissect.NoMatch
}

var startTLS = []byte("1.3.6.1.4.1.1466.20037")

// parser watches for StartTLS: an extendedRequest naming its OID, then an
// extendedResponse with resultCode success (0).
type parser struct{ asked bool }

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if c.Proto != 6 {
		return dissect.Continue
	}
	op := message(data)
	if dir == dissect.ToServer && op == 23 && bytes.Contains(data, startTLS) {
		p.asked = true
		return dissect.Continue
	}
	if dir == dissect.ToClient && p.asked && op == 24 {
		p.asked = false
		// extendedResponse: [APPLICATION 24] len, ENUMERATED resultCode.
		i := bytes.IndexByte(data, 0x78)
		if i < 0 {
			return dissect.Continue
		}
		_, n := berLen(data[i+1:])
		if n > 0 && i+1+n+3 <= len(data) && data[i+1+n] == 0x0a && data[i+1+n+1] == 1 && data[i+1+n+2] == 0 {
			c.Emit.Upgrade("tls")
			return dissect.Done
		}
	}
	return dissect.Continue
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
