// Package smb identifies SMB over NetBIOS session framing (TCP 445/139):
// a 4-byte session message header (type 0, 17/24-bit length) followed by
// the SMB1 magic "\xffSMB", the SMB2/3 magic "\xfeSMB" or the SMB3
// transform/compression headers "\xfdSMB"/"\xfcSMB". Dissector covers
// SMB2/3, SMB1 covers SMB1; both log as Suricata's "smb".
package smb

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector is SMB2/3 over TCP (nDPI "SMBv23", Suricata "smb").
var Dissector = &dissect.Dissector{
	Name:      "smb",
	EVE:       "smb",
	Transport: dissect.TCP,
	Ports:     []uint16{445, 139},
	Probe:     probe2,
	New:       func() dissect.Parser { return &parser{} },
}

// SMB1 is SMB1/CIFS over TCP (nDPI "SMBv1", Suricata "smb").
var SMB1 = &dissect.Dissector{
	Name:      "smb1",
	EVE:       "smb",
	Transport: dissect.TCP,
	Ports:     []uint16{445, 139},
	Probe:     probe1,
}

// version returns 1 or 2 for an SMB message behind an NBSS header at the
// start of data, 0 when data is not one, -1 when more bytes are needed.
func version(data []byte) int {
	if len(data) >= 1 && data[0] != 0 {
		return 0
	}
	if len(data) < 8 {
		return -1
	}
	n := binary.BigEndian.Uint32(data) & 0x00ffffff
	if n < 32 || data[5] != 'S' || data[6] != 'M' || data[7] != 'B' {
		return 0
	}
	switch data[4] {
	case 0xff:
		return 1
	case 0xfe, 0xfd, 0xfc:
		return 2
	}
	return 0
}

// otherSide lets a flow picked up mid-stream (one direction starts inside
// a message) be decided by the other direction's first message, bounded to
// the first two packets of this direction.
func otherSide(c *dissect.Ctx, dir dissect.Dir) dissect.Verdict {
	if c.Pkts[1-dir] == 0 && c.Pkts[dir] <= 2 {
		return dissect.NeedMore
	}
	return dissect.NoMatch
}

func probe1(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	switch version(data) {
	case -1:
		return dissect.NeedMore
	case 1:
		return dissect.Match
	case 2:
		return dissect.NoMatch
	}
	return otherSide(c, dir)
}

func probe2(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	switch version(data) {
	case -1:
		return dissect.NeedMore
	case 2:
		return dissect.Match
	case 1:
		return dissect.NoMatch
	}
	return otherSide(c, dir)
}

// parser reports the dialect the server chose in its NEGOTIATE response.
type parser struct{ done bool }

var _ dissect.Parser = (*parser)(nil)

var dialects = map[uint16]string{0x0202: "2.02", 0x0210: "2.10", 0x0222: "2.22", 0x0224: "2.24", 0x0300: "3.00", 0x0302: "3.02", 0x0310: "3.10", 0x0311: "3.11", 0x02ff: "2.??"}

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	// SMB2 header (64 bytes) after the 4-byte NBSS header; NEGOTIATE is
	// command 0, the response has the server-to-redirector flag (bit 0).
	if dir != dissect.ToClient || len(data) < 4+64+6 || data[4] != 0xfe {
		return dissect.Continue
	}
	h := data[4:]
	if binary.LittleEndian.Uint16(h[12:]) != 0 || binary.LittleEndian.Uint32(h[16:])&1 == 0 {
		return dissect.Continue
	}
	d := binary.LittleEndian.Uint16(h[64+4:])
	if s, ok := dialects[d]; ok {
		c.Emit.Meta("smb_dialect", []byte(s))
	}
	return dissect.Done
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
