// Package smb identifies SMB over NetBIOS session framing (TCP 445/139):
// a 4-byte session message header (type 0, 17/24-bit length) followed by
// the SMB1 magic "\xffSMB", the SMB2/3 magic "\xfeSMB" or the SMB3
// transform/compression headers "\xfdSMB"/"\xfcSMB". Dissector covers
// SMB2/3, SMB1 covers SMB1; both log as Suricata's "smb".
package smb

import (
	"encoding/binary"
	"strconv"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
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

// maxHead bounds what the parser buffers per direction: the first SMB2
// message's header and negotiate body (dialect lists are short).
const maxHead = 1024

// parser reads the SMB2 NEGOTIATE exchange (the first message in each
// direction) and writes Suricata's smb event for it, with the client's
// dialects and the server's choice; Meta "smb_dialect" carries the choice.
type parser struct {
	head     [2][]byte
	dialects [16]uint16
	ndial    int
	dialect  uint16
	status   uint32
	done     [2]bool
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if p.done[dir] {
		return p.status2()
	}
	h := p.head[dir]
	if len(h)+len(data) > maxHead {
		data = data[:maxHead-len(h)]
	}
	h = append(h, data...)
	p.head[dir] = h
	if len(h) < 4 {
		return dissect.Continue
	}
	n := int(binary.BigEndian.Uint32(h) & 0x00ffffff)
	if len(h) < 4+n && len(h) < maxHead {
		return dissect.Continue
	}
	p.done[dir] = true
	m := h[4:]
	if len(m) > n {
		m = m[:n]
	}
	if len(m) < 64+8 || m[0] != 0xfe || binary.LittleEndian.Uint16(m[12:]) != 0 {
		// Not an SMB2 NEGOTIATE (an SMB1 negotiate or a mid-stream start).
		p.done[0], p.done[1] = true, true
		return dissect.Done
	}
	body := m[64:]
	if dir == dissect.ToServer {
		cnt := int(binary.LittleEndian.Uint16(body[2:]))
		for i := 0; i < cnt && p.ndial < len(p.dialects) && 36+2*i+2 <= len(body); i++ {
			p.dialects[p.ndial] = binary.LittleEndian.Uint16(body[36+2*i:])
			p.ndial++
		}
	} else {
		p.status = binary.LittleEndian.Uint32(m[8:])
		p.dialect = binary.LittleEndian.Uint16(body[4:])
		if s, ok := dialects[p.dialect]; ok {
			c.Emit.Meta("smb_dialect", []byte(s))
		}
		c.Emit.Event(dissect.ToClient, "smb", (*record)(p))
		p.done[0], p.done[1] = true, true
	}
	return p.status2()
}

func (p *parser) status2() dissect.Status {
	if p.done[0] && p.done[1] {
		return dissect.Done
	}
	return dissect.Continue
}

var dialects = map[uint16]string{0x0202: "2.02", 0x0210: "2.10", 0x0222: "2.22", 0x0224: "2.24", 0x0300: "3.00", 0x0302: "3.02", 0x0310: "3.10", 0x0311: "3.11", 0x02ff: "2.??"}

func dialectName(d uint16) string {
	if s, ok := dialects[d]; ok {
		return s
	}
	return "unknown"
}

type record parser

// AppendEVE writes Suricata's smb object for an SMB2 negotiate.
func (r *record) AppendEVE(w *event.Writer) {
	w.ObjStart()
	w.KString("command", "SMB2_COMMAND_NEGOTIATE_PROTOCOL")
	if r.status == 0 {
		w.KString("status", "STATUS_SUCCESS")
	}
	var hex [10]byte
	b := append(hex[:0], "0x"...)
	b = strconv.AppendUint(b, uint64(r.status), 16)
	w.KBytes("status_code", b)
	w.KString("dialect", dialectName(r.dialect))
	if r.ndial > 0 {
		w.Key("client_dialects")
		w.ArrStart()
		for _, d := range r.dialects[:r.ndial] {
			w.String(dialectName(d))
		}
		w.ArrEnd()
	}
	w.ObjEnd()
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) { p.done[dir] = true }
func (p *parser) Close(c *dissect.Ctx)                       {}
