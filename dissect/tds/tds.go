// Package tds identifies Microsoft SQL Server's Tabular Data Stream (TDS,
// [MS-TDS]). Every TDS packet starts with an 8-byte header: type, status,
// length (big endian, including the header), SPID, packet id and window (0).
package tds

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies TDS (nDPI "MsSQL-TDS") on TCP.
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "tds",
	Transport: dissect.TCP,
	Ports:     []uint16{1433, 1434},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// Packet types ([MS-TDS] 2.2.3.1.1).
const (
	typSQLBatch  = 0x01
	typPreTDS7   = 0x02
	typRPC       = 0x03
	typResponse  = 0x04
	typAttention = 0x06
	typBulk      = 0x07
	typFedAuth   = 0x08
	typTxMgr     = 0x0e
	typLogin7    = 0x10
	typSSPI      = 0x11
	typPreLogin  = 0x12
)

func validType(t byte) bool {
	switch t {
	case typSQLBatch, typPreTDS7, typRPC, typResponse, typAttention, typBulk,
		typFedAuth, typTxMgr, typLogin7, typSSPI, typPreLogin:
		return true
	}
	return false
}

func onPort(c *dissect.Ctx) bool {
	s, cl := c.Server.Port(), c.Client.Port()
	return s == 1433 || cl == 1433 || s == 1434 || cl == 1434
}

// probe validates the packet header, then the body where it has structure
// of its own (pre-login option table, LOGIN7 length and version,
// ALL_HEADERS). A bare valid header is accepted only on the SQL Server
// ports, because 8 bytes with a few constrained values are a weak signal.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) > 0 && !validType(b[0]) {
		return dissect.NoMatch
	}
	if len(b) < 8 {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	typ, st := b[0], b[1]
	ln := int(binary.BigEndian.Uint16(b[2:]))
	if st&0xe0 != 0 || ln < 8 || b[7] != 0 {
		return dissect.NoMatch
	}
	body := b[8:min(len(b), ln)]
	switch typ {
	case typPreLogin, typResponse:
		if preLoginOK(body, ln-8) {
			return dissect.Match
		}
		if typ == typPreLogin && len(body) >= 3 && body[0] == 0x16 && body[1] == 3 {
			// TLS handshake carried in pre-login packets.
			return dissect.Match
		}
	case typLogin7:
		if len(body) >= 8 && int(binary.LittleEndian.Uint32(body)) == ln-8 && body[7]>>4 == 7 {
			return dissect.Match
		}
	case typSQLBatch, typRPC, typTxMgr:
		if allHeadersOK(body) {
			return dissect.Match
		}
	}
	if onPort(c) {
		return dissect.Match
	}
	return dissect.NoMatch
}

// preLoginOK checks a PRELOGIN option table: tokens (0..8) with big-endian
// offset and length pointing inside the body, ending with 0xFF. The first
// option must be VERSION (0).
func preLoginOK(body []byte, bodyLen int) bool {
	if len(body) < 6 || body[0] != 0 {
		return false
	}
	for i := 0; i < len(body) && i < 64; i += 5 {
		t := body[i]
		if t == 0xff {
			return i > 0
		}
		if t > 8 || i+5 > len(body) {
			return false
		}
		off := int(binary.BigEndian.Uint16(body[i+1:]))
		n := int(binary.BigEndian.Uint16(body[i+3:]))
		if off+n > bodyLen {
			return false
		}
	}
	return false
}

// allHeadersOK checks the ALL_HEADERS block of SQL batch, RPC and
// transaction-manager requests: a total length, then headers of type 1..3
// whose lengths fit in it.
func allHeadersOK(body []byte) bool {
	if len(body) < 10 {
		return false
	}
	total := int(binary.LittleEndian.Uint32(body))
	hl := int(binary.LittleEndian.Uint32(body[4:]))
	ht := binary.LittleEndian.Uint16(body[8:])
	return total >= 10 && total < 4096 && hl >= 6 && hl <= total-4 && ht >= 1 && ht <= 3
}

// maxLogin bounds a buffered LOGIN7 message; real ones are well under 1 KiB
// plus optional SSPI and feature-extension data.
const maxLogin = 16 << 10

// parser looks for a cleartext LOGIN7 (sent in the clear when the pre-login
// exchange did not negotiate encryption) and reports the server name as the
// flow's host, and the client host, user and application names as Meta.
type parser struct {
	buf     []byte
	pkts    int
	scratch [256]byte
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if dir != dissect.ToServer {
		return dissect.Continue
	}
	b := data
	if len(p.buf) > 0 {
		p.buf = append(p.buf, data...)
		b = p.buf
	}
	for len(b) >= 8 {
		n := int(binary.BigEndian.Uint16(b[2:]))
		if n < 8 || !validType(b[0]) {
			c.Emit.Anomaly("tds.bad_packet_header")
			p.buf = p.buf[:0]
			return dissect.Fail
		}
		if n > len(b) {
			break
		}
		if b[0] == typLogin7 {
			// Assumes LOGIN7 fits one TDS packet (the default packet size
			// is 4096 and a login without SSPI/extensions is far smaller).
			p.login7(c, b[8:n])
			p.buf = p.buf[:0]
			return dissect.Done
		}
		b = b[n:]
		if p.pkts++; p.pkts >= 8 {
			p.buf = p.buf[:0]
			return dissect.Done
		}
	}
	if len(b) > maxLogin {
		c.Emit.Anomaly("tds.packet_too_long")
		p.buf = p.buf[:0]
		return dissect.Done
	}
	p.buf = append(p.buf[:0], b...)
	return dissect.Continue
}

// login7 reads the offset/length table of a LOGIN7 record ([MS-TDS]
// 2.2.6.4): host name at 36, user name at 40, application name at 48 and
// server name at 52, each a little-endian offset from the record start and
// a length in UTF-16 code units.
func (p *parser) login7(c *dissect.Ctx, b []byte) {
	if len(b) < 94 {
		c.Emit.Anomaly("tds.short_login7")
		return
	}
	for _, f := range [...]struct {
		at  int
		key string
	}{{52, ""}, {36, "tds.client_host"}, {40, "tds.user"}, {48, "tds.app"}} {
		s, ok := p.ucs2(b, f.at)
		if !ok {
			c.Emit.Anomaly("tds.bad_login7_field")
			continue
		}
		if len(s) == 0 {
			continue
		}
		if f.key == "" {
			c.Emit.Host(s)
		} else {
			c.Emit.Meta(f.key, s)
		}
	}
}

// ucs2 decodes the UTF-16LE field whose offset/length pair is at b[at:]
// into p.scratch, keeping ASCII and replacing other code units with '?'.
func (p *parser) ucs2(b []byte, at int) ([]byte, bool) {
	off := int(binary.LittleEndian.Uint16(b[at:]))
	n := int(binary.LittleEndian.Uint16(b[at+2:]))
	if n > len(p.scratch) || off+2*n > len(b) {
		return nil, false
	}
	out := p.scratch[:0]
	for i := 0; i < n; i++ {
		u := binary.LittleEndian.Uint16(b[off+2*i:])
		if u < 0x20 || u > 0x7e {
			u = '?'
		}
		out = append(out, byte(u))
	}
	return out, true
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {
	if dir == dissect.ToServer {
		p.buf = p.buf[:0]
	}
}

func (p *parser) Close(c *dissect.Ctx) {}
