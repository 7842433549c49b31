// Package snmp identifies SNMP v1, v2c and v3 (RFC 1157, 3416, 3412) on UDP
// and writes Suricata-style "snmp" events (version, pdu_type, community).
//
// The probe walks the BER structure: an outer SEQUENCE whose length equals
// the datagram, an INTEGER version 0, 1 or 3, then for v1/v2c an OCTET
// STRING community followed by a context-specific PDU tag, and for v3 the
// msgGlobalData SEQUENCE.
package snmp

import (
	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
)

// Dissector is the SNMP dissector.
var Dissector = &dissect.Dissector{
	Name:      "snmp",
	EVE:       "snmp",
	Transport: dissect.UDP,
	Ports:     []uint16{161, 162},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// tlv reads one BER tag-length at the start of b (definite lengths of up
// to 4 bytes), returning the tag, the value, and what follows it.
func tlv(b []byte) (tag byte, val, rest []byte, ok bool) {
	if len(b) < 2 {
		return 0, nil, nil, false
	}
	tag = b[0]
	n, h := int(b[1]), 2
	if n&0x80 != 0 {
		k := n & 0x7f
		if k == 0 || k > 4 || len(b) < 2+k {
			return 0, nil, nil, false
		}
		n = 0
		for _, c := range b[2 : 2+k] {
			n = n<<8 | int(c)
		}
		h += k
	}
	if n < 0 || n > len(b)-h {
		return 0, nil, nil, false
	}
	return tag, b[h : h+n], b[h+n:], true
}

// message is a decoded SNMP message header; slices refer into the datagram.
type message struct {
	version   int
	community []byte
	pdu       byte // context tag 0xa0–0xa8, 0 for v3 (encrypted or scoped)
}

func decode(b []byte) (m message, ok bool) {
	tag, seq, rest, ok := tlv(b)
	if !ok || tag != 0x30 || len(rest) != 0 {
		return m, false
	}
	tag, v, seq, ok := tlv(seq)
	if !ok || tag != 0x02 || len(v) != 1 {
		return m, false
	}
	m.version = int(v[0])
	switch m.version {
	case 0, 1:
		tag, comm, seq2, ok := tlv(seq)
		if !ok || tag != 0x04 || len(comm) > 255 {
			return m, false
		}
		m.community = comm
		if len(seq2) < 2 || seq2[0] < 0xa0 || seq2[0] > 0xa8 {
			return m, false
		}
		m.pdu = seq2[0]
		return m, true
	case 3:
		tag, _, _, ok := tlv(seq)
		return m, ok && tag == 0x30
	}
	return m, false
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if _, ok := decode(b); ok {
		return dissect.Match
	}
	return dissect.NoMatch
}

var pduNames = [...]string{"get_request", "get_next_request", "response", "set_request", "trap_v1",
	"get_bulk_request", "inform_request", "trap_v2", "report"}

type record struct{ m message }

func (r *record) AppendEVE(w *event.Writer) {
	w.ObjStart()
	// Suricata writes the protocol version (1, 2 or 3), not the wire value.
	v := int64(r.m.version) + 1
	if r.m.version == 3 {
		v = 3
	}
	w.KInt("version", v)
	if r.m.pdu != 0 {
		w.KString("pdu_type", pduNames[r.m.pdu-0xa0])
	}
	if r.m.community != nil {
		w.KBytes("community", r.m.community)
	}
	w.ObjEnd()
}

// parser emits one event per message, up to maxEvents per flow.
type parser struct {
	rec  record
	msgs int
	comm bool
}

var _ dissect.Parser = (*parser)(nil)

const maxEvents = 64

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Status {
	m, ok := decode(b)
	if !ok {
		c.Emit.Anomaly("snmp.malformed")
		return dissect.Continue
	}
	if m.community != nil && !p.comm {
		p.comm = true
		c.Emit.Meta("snmp_community", m.community)
	}
	p.msgs++
	if p.msgs > maxEvents {
		return dissect.Done
	}
	p.rec.m = m
	c.Emit.Event(dir, "snmp", &p.rec)
	p.rec.m = message{}
	return dissect.Continue
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
