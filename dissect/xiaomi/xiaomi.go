// Package xiaomi identifies Xiaomi's push/connection protocol (MiPush,
// TCP 5222). Every frame starts with a 12-byte big-endian header:
//
//	magic 0xC2FE | version u16 (5) | payload length u32 | … u32
//
// followed by a protobuf payload of the given length.
package xiaomi

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies the Xiaomi push protocol. Its parser reads the
// client's connection frame and reports the server address it names
// (field 7, "host:port", without the port) as the flow's host and the
// device model (field 2) as "user_agent" metadata.
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "xiaomi",
	Transport: dissect.TCP,
	Ports:     []uint16{5222, 5223},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// Parser bounds: bytes buffered per direction and client packets looked
// at.
const (
	maxBuf       = 16 << 10
	maxParsePkts = 8
)

// connType is the header word (bytes 8–11) of the plain, unencrypted
// connection frames whose payload is a readable protobuf message.
const connType = 0x00020016

// Protobuf field tags (field number << 3 | wire type 2) of the connection
// frame's payload.
const (
	tagModel = 2<<3 | 2
	tagHost  = 7<<3 | 2
)

// parser reassembles the client's frames until it finds a connection
// frame with metadata.
type parser struct {
	buf  []byte
	done bool
}

// clientDir is the direction of the client's messages: towards port 5222
// when one endpoint uses it, else the flow initiator's.
func clientDir(c *dissect.Ctx) dissect.Dir {
	if c.Client.Port() == 5222 && c.Server.Port() != 5222 {
		return dissect.ToClient
	}
	return dissect.ToServer
}

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if p.done || dir != clientDir(c) {
		return dissect.Continue
	}
	if len(p.buf)+len(data) > maxBuf {
		c.Emit.Anomaly("xiaomi.frame_too_long")
		return p.stop()
	}
	p.buf = append(p.buf, data...)
	b := p.buf
	for len(b) >= 12 {
		if b[0] != 0xc2 || b[1] != 0xfe {
			c.Emit.Anomaly("xiaomi.bad_magic")
			return p.stop()
		}
		n := binary.BigEndian.Uint32(b[4:])
		if n > maxBuf {
			c.Emit.Anomaly("xiaomi.frame_too_long")
			return p.stop()
		}
		if uint32(len(b)) < 12+n {
			break
		}
		if binary.BigEndian.Uint32(b[8:]) == connType && metadata(c, b[:12+n]) {
			return p.stop()
		}
		b = b[12+n:]
	}
	p.buf = p.buf[:copy(p.buf, b)]
	if c.Pkts[dir] >= maxParsePkts {
		return p.stop()
	}
	return dissect.Continue
}

func (p *parser) stop() dissect.Status {
	p.done, p.buf = true, nil
	return dissect.Done
}

// varint decodes a protobuf varint at the start of b, returning the value
// and its length (0 when b holds no complete varint of at most 10 bytes).
func varint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}

// metadata walks the protobuf message after the frame's 16-byte header
// and emits the host and model fields; it reports whether it found the
// host. The walk stops at the first malformed field (frames end with a
// 4-byte trailer that is not part of the message).
func metadata(c *dissect.Ctx, f []byte) bool {
	if len(f) < 16 {
		return false
	}
	b := f[16:]
	found := false
	for len(b) > 0 {
		tag, n := varint(b)
		if n == 0 {
			break
		}
		b = b[n:]
		switch tag & 7 {
		case 0:
			if _, n = varint(b); n == 0 {
				return found
			}
			b = b[n:]
		case 2:
			l, n := varint(b)
			if n == 0 || l > uint64(len(b)-n) {
				return found
			}
			v := b[n : n+int(l)]
			b = b[n+int(l):]
			switch tag {
			case tagModel:
				if printable(v) {
					c.Emit.Meta("user_agent", v)
				}
			case tagHost:
				for i := len(v) - 1; i >= 0; i-- {
					if v[i] == ':' {
						v = v[:i]
						break
					}
				}
				if !found && len(v) <= 255 && printable(v) {
					c.Emit.Host(v)
					found = true
				}
			}
		default:
			return found
		}
	}
	return found
}

// printable reports whether b is non-empty printable ASCII.
func printable(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, ch := range b {
		if ch < ' ' || ch >= 0x7f {
			return false
		}
	}
	return true
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {
	if dir == clientDir(c) {
		p.stop()
	}
}

func (p *parser) Close(c *dissect.Ctx) {}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 1 && b[0] != 0xc2 || len(b) >= 2 && b[1] != 0xfe {
		return dissect.NoMatch
	}
	if len(b) < 12 {
		return dissect.NeedMore
	}
	if v := binary.BigEndian.Uint16(b[2:]); v == 0 || v > 16 {
		return dissect.NoMatch
	}
	n := binary.BigEndian.Uint32(b[4:])
	if n > 1<<20 {
		return dissect.NoMatch
	}
	if uint32(len(b)) < 12+n {
		if c.Pkts[dir] < 4 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	return dissect.Match
}
