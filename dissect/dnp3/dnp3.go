// Package dnp3 dissects DNP3 (IEEE 1815) over TCP and UDP. A link-layer
// frame starts with 0x05 0x64, a length, control, destination and source
// addresses and a CRC over those 8 bytes; user data follows in blocks of at
// most 16 bytes, each with its own CRC.
package dnp3

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector dissects DNP3 (nDPI "DNP3", Suricata "dnp3").
var Dissector = &dissect.Dissector{
	Name:      "dnp3",
	EVE:       "dnp3",
	Transport: dissect.Both,
	Ports:     []uint16{20000},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

const hdrLen = 10

// probe checks the start bytes, a length of at least 5 and the header CRC:
// 16 bits of CRC over a fixed layout make a false match very unlikely.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 1 && b[0] != 0x05 || len(b) >= 2 && b[1] != 0x64 {
		return dissect.NoMatch
	}
	if len(b) < hdrLen {
		if c.Proto == 17 || c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	if b[2] < 5 || !crcOK(b[:8], b[8:10]) {
		return dissect.NoMatch
	}
	return dissect.Match
}

// frameLen returns the size on the wire of the frame at b's start, from its
// length byte: header, user data and one CRC per 16-byte block.
func frameLen(b []byte) int {
	u := int(b[2]) - 5
	return hdrLen + u + 2*((u+15)/16)
}

// maxBuf bounds buffered bytes per direction; a frame is at most 292 bytes,
// so more than this means lost framing.
const maxBuf = 4096

type parser struct {
	buf  [2][]byte
	reqs int
	// scratch holds formatted Meta values; a local array would escape
	// through the Emitter interface and allocate on every call.
	scratch [12]byte
}

var _ dissect.Parser = (*parser)(nil)

// Feed splits the stream into link frames and reports the application
// function code of the first few fragments that start an application
// message (FIR bit of the transport header).
func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	b := data
	if len(p.buf[dir]) > 0 {
		p.buf[dir] = append(p.buf[dir], data...)
		b = p.buf[dir]
	}
	for len(b) >= hdrLen {
		if b[0] != 0x05 || b[1] != 0x64 || b[2] < 5 {
			c.Emit.Anomaly("dnp3.bad_start")
			p.buf[dir] = p.buf[dir][:0]
			return dissect.Fail
		}
		if !crcOK(b[:8], b[8:10]) {
			c.Emit.Anomaly("dnp3.bad_header_crc")
		}
		n := frameLen(b)
		if n > len(b) {
			break
		}
		p.frame(c, dir, b[:n])
		b = b[n:]
		if c.Proto == 17 {
			b = nil
		}
	}
	if len(b) > maxBuf {
		c.Emit.Anomaly("dnp3.buffer_overflow")
		p.buf[dir] = p.buf[dir][:0]
		return dissect.Fail
	}
	if c.Proto == 17 {
		b = nil
	}
	p.buf[dir] = append(p.buf[dir][:0], b...)
	if p.reqs >= 8 {
		return dissect.Done
	}
	return dissect.Continue
}

// frame looks at one complete link frame.
func (p *parser) frame(c *dissect.Ctx, dir dissect.Dir, f []byte) {
	if len(f) < hdrLen+4 || p.reqs >= 8 {
		return
	}
	// First user data block: transport header, application control, function.
	th, fc := f[hdrLen], f[hdrLen+2]
	if th&0x40 == 0 { // not FIR
		return
	}
	p.reqs++
	key := "dnp3.function"
	if dir == dissect.ToClient || fc >= 0x81 {
		key = "dnp3.response_function"
	}
	c.Emit.Meta(key, funcNames[fc])
	if p.reqs == 1 {
		dst := binary.LittleEndian.Uint16(f[4:])
		src := binary.LittleEndian.Uint16(f[6:])
		c.Emit.Meta("dnp3.addresses", appendAddrs(p.scratch[:0], src, dst))
	}
}

func appendAddrs(b []byte, src, dst uint16) []byte {
	b = appendUint(b, src)
	b = append(b, '>')
	return appendUint(b, dst)
}

func appendUint(b []byte, v uint16) []byte {
	var t [5]byte
	i := len(t)
	for {
		i--
		t[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return append(b, t[i:]...)
}

// funcNames holds funcName for every code, as bytes, so Feed does not
// convert (and allocate) per frame.
var funcNames = func() (t [256][]byte) {
	for i := range t {
		t[i] = []byte(funcName(byte(i)))
	}
	return
}()

// funcName names application-layer function codes (IEEE 1815 table 4-1).
func funcName(fc byte) string {
	switch fc {
	case 0:
		return "confirm"
	case 1:
		return "read"
	case 2:
		return "write"
	case 3:
		return "select"
	case 4:
		return "operate"
	case 5:
		return "direct_operate"
	case 6:
		return "direct_operate_nr"
	case 7:
		return "immed_freeze"
	case 8:
		return "immed_freeze_nr"
	case 9:
		return "freeze_clear"
	case 10:
		return "freeze_clear_nr"
	case 13:
		return "cold_restart"
	case 14:
		return "warm_restart"
	case 20:
		return "enable_unsolicited"
	case 21:
		return "disable_unsolicited"
	case 22:
		return "assign_class"
	case 23:
		return "delay_measure"
	case 24:
		return "record_current_time"
	case 25:
		return "open_file"
	case 26:
		return "close_file"
	case 27:
		return "delete_file"
	case 129:
		return "response"
	case 130:
		return "unsolicited_response"
	case 131:
		return "authenticate_resp"
	}
	return "other"
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) { p.buf[dir] = p.buf[dir][:0] }
func (p *parser) Close(c *dissect.Ctx)                       {}
