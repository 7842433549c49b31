// Package mysql dissects the opening of MySQL/MariaDB client/server
// sessions: the server's initial handshake (protocol 10), the client's
// handshake response (user, database) or SSL request. Packets have a
// 3-byte little-endian payload length and a sequence number.
package mysql

import (
	"bytes"
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector dissects MySQL (nDPI "MySQL", Suricata "mysql").
var Dissector = &dissect.Dissector{
	Name:      "mysql",
	EVE:       "mysql",
	Transport: dissect.TCP,
	Ports:     []uint16{3306},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// Capability flags used here.
const (
	capConnectWithDB = 0x00000008
	capProtocol41    = 0x00000200
	capSSL           = 0x00000800
	capSecureConn    = 0x00008000
	capPluginAuthLen = 0x00200000
)

const maxPacket = 16 << 10 // handshake packets are far smaller

func onPort(c *dissect.Ctx) bool { return c.Server.Port() == 3306 || c.Client.Port() == 3306 }

// greetingOK checks an initial handshake packet: sequence 0, protocol 10,
// a NUL-terminated printable version starting with a digit, and room for
// the fixed fields after it.
func greetingOK(b []byte) bool {
	n := int(b[0]) | int(b[1])<<8 | int(b[2])<<16
	if b[3] != 0 || b[4] != 10 || n < 30 || n > 1024 || !(b[5] >= '1' && b[5] <= '9') {
		return false
	}
	for i := 5; i < len(b) && i < 4+n; i++ {
		if b[i] == 0 {
			return n >= i-4+1+4+8+1+2 // thread id, scramble, filler, capabilities
		}
		if b[i] < 0x20 || b[i] > 0x7e || i > 5+64 {
			return false
		}
	}
	return len(b) < 4+n // version still incomplete
}

// probe matches the server greeting. Without one (a capture that starts
// late), a handshake response (sequence 1, PROTOCOL_41 capability) or a
// command packet (sequence 0) whose length fills the data is accepted on
// port 3306 only.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 6 {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	if greetingOK(b) {
		return dissect.Match
	}
	if !onPort(c) {
		return dissect.NoMatch
	}
	n := int(b[0]) | int(b[1])<<8 | int(b[2])<<16
	if 4+n != len(b) {
		return dissect.NoMatch
	}
	switch {
	case b[3] == 1 && n >= 32 && binary.LittleEndian.Uint32(b[4:])&capProtocol41 != 0:
		return dissect.Match
	case b[3] == 0 && b[4] >= 0x01 && b[4] <= 0x1f:
		return dissect.Match
	case b[3] == 0 && b[4] == 0xff && n >= 3: // error instead of a greeting
		return dissect.Match
	}
	return dissect.NoMatch
}

type parser struct {
	buf     [2][]byte
	pkts    int
	version bool
	done    bool
}

var _ dissect.Parser = (*parser)(nil)

// Feed reassembles packets until it has seen the greeting and the client's
// first packet.
func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	b := data
	if len(p.buf[dir]) > 0 {
		p.buf[dir] = append(p.buf[dir], data...)
		b = p.buf[dir]
	}
	for len(b) >= 4 {
		n := int(b[0]) | int(b[1])<<8 | int(b[2])<<16
		if 4+n > len(b) {
			break
		}
		if p.pkts++; p.pkts > 16 {
			// No login exchange near the start: nothing more to learn.
			p.buf[dir] = p.buf[dir][:0]
			return dissect.Done
		}
		st := p.packet(c, dir, b[3], b[4:4+n])
		if st != dissect.Continue {
			p.buf[dir] = p.buf[dir][:0]
			return st
		}
		b = b[4+n:]
	}
	if len(b) > maxPacket {
		c.Emit.Anomaly("mysql.packet_too_long")
		return dissect.Fail
	}
	p.buf[dir] = append(p.buf[dir][:0], b...)
	return dissect.Continue
}

func (p *parser) packet(c *dissect.Ctx, dir dissect.Dir, seq byte, b []byte) dissect.Status {
	if seq == 0 && len(b) > 1 && b[0] == 10 && !p.version {
		p.version = true
		if i := bytes.IndexByte(b[1:], 0); i > 0 {
			c.Emit.Meta("mysql.version", b[1:1+i])
		}
		return dissect.Continue
	}
	if seq != 1 || len(b) < 32 || dir != dissect.ToServer && p.version {
		return dissect.Continue
	}
	caps := binary.LittleEndian.Uint32(b)
	if caps&capProtocol41 == 0 {
		// Pre-4.1 handshake: 2 caps, 3 max packet, user.
		if u, _, ok := cstr(b[5:]); ok && len(u) > 0 {
			c.Emit.Meta("mysql.user", u)
		}
		return dissect.Done
	}
	if caps&capSSL != 0 && len(b) == 32 {
		c.Emit.Meta("mysql.tls", []byte("true"))
		c.Emit.Upgrade("tls")
		return dissect.Done
	}
	user, rest, ok := cstr(b[32:])
	if !ok {
		c.Emit.Anomaly("mysql.bad_handshake_response")
		return dissect.Fail
	}
	if len(user) > 0 {
		c.Emit.Meta("mysql.user", user)
	}
	// Auth response: length-encoded, or 1-byte length, or NUL-terminated.
	switch {
	case caps&capPluginAuthLen != 0:
		if len(rest) == 0 || rest[0] >= 0xfb {
			return dissect.Done
		}
		if int(rest[0])+1 > len(rest) {
			c.Emit.Anomaly("mysql.bad_handshake_response")
			return dissect.Fail
		}
		rest = rest[1+int(rest[0]):]
	case caps&capSecureConn != 0:
		if len(rest) == 0 || int(rest[0])+1 > len(rest) {
			c.Emit.Anomaly("mysql.bad_handshake_response")
			return dissect.Fail
		}
		rest = rest[1+int(rest[0]):]
	default:
		if _, rest, ok = cstr(rest); !ok {
			return dissect.Done
		}
	}
	if caps&capConnectWithDB != 0 {
		if db, _, ok := cstr(rest); ok && len(db) > 0 {
			c.Emit.Meta("mysql.database", db)
		}
	}
	return dissect.Done
}

func cstr(b []byte) (s, rest []byte, ok bool) {
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return nil, nil, false
	}
	return b[:i], b[i+1:], true
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) { p.buf[dir] = p.buf[dir][:0] }
func (p *parser) Close(c *dissect.Ctx)                       {}
