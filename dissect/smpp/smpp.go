// Package smpp identifies the Short Message Peer-to-Peer protocol (SMPP
// 3.4/5.0, TCP 2775): every PDU has a 16-byte big-endian header (command
// length, command id, command status, sequence number).
package smpp

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies SMPP (nDPI "SMPP") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "smpp",
	Transport: dissect.TCP,
	Ports:     []uint16{2775},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// idOK reports whether id is a defined command id (requests, and responses
// with bit 31 set; generic_nack is 0x80000000).
func idOK(id uint32) bool {
	if id == 0x80000000 {
		return true
	}
	switch id &^ 0x80000000 {
	case 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0b, 0x15, 0x21, 0x102, 0x103, 0x111, 0x112, 0x113:
		return true
	}
	return false
}

// probe checks a command length of 16..64 KiB, a defined command id, a zero
// status on requests, and a sequence number within 1..0x7FFFFFFF. A bind
// (ids 1, 2, 9) must hold a printable NUL-terminated system id.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 16 {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	n := binary.BigEndian.Uint32(b)
	id := binary.BigEndian.Uint32(b[4:])
	st := binary.BigEndian.Uint32(b[8:])
	seq := binary.BigEndian.Uint32(b[12:])
	if n < 16 || n > 64<<10 || !idOK(id) || id&0x80000000 == 0 && st != 0 || seq == 0 || seq > 0x7fffffff {
		return dissect.NoMatch
	}
	if int(n) < len(b) && len(b)-int(n) < 16 {
		return dissect.NoMatch
	}
	switch id {
	case 0x01, 0x02, 0x09:
		if !cstrOK(b[16:min(len(b), int(n))]) {
			return dissect.NoMatch
		}
	}
	return dissect.Match
}

// cstrOK checks a printable C-octet string of at most 16 bytes + NUL.
func cstrOK(b []byte) bool {
	for i, x := range b {
		if x == 0 {
			return true
		}
		if x < 0x20 || x > 0x7e || i >= 16 {
			return false
		}
	}
	return false
}

// parser reports the system id of a bind request.
type parser struct{}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if len(data) < 17 {
		return dissect.Continue
	}
	switch binary.BigEndian.Uint32(data[4:]) {
	case 0x01, 0x02, 0x09:
		b := data[16:]
		for i, x := range b {
			if x == 0 {
				if i > 0 {
					c.Emit.Meta("smpp.system_id", b[:i])
				}
				break
			}
		}
	}
	return dissect.Done
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
