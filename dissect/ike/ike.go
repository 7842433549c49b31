// Package ike identifies IKEv1/ISAKMP (RFC 2408) and IKEv2 (RFC 7296) on
// UDP 500 and, after the 4-byte non-ESP marker, on the NAT-T port 4500
// (RFC 3948), and writes Suricata-style "ike" events for each message.
package ike

import (
	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
)

// Dissector is the IKE dissector (nDPI: IPSec).
var Dissector = &dissect.Dissector{
	Name:      "ike",
	EVE:       "ike",
	Transport: dissect.UDP,
	Ports:     []uint16{500, 4500},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// header returns the ISAKMP message in b, stripping the non-ESP marker,
// or nil when b is not one.
func header(b []byte) []byte {
	if len(b) >= 4 && b[0]|b[1]|b[2]|b[3] == 0 {
		b = b[4:]
	}
	if len(b) < 28 {
		return nil
	}
	// Initiator SPI is never zero.
	if b[0]|b[1]|b[2]|b[3]|b[4]|b[5]|b[6]|b[7] == 0 {
		return nil
	}
	ver := b[17]
	switch ver >> 4 {
	case 1:
		// IKEv1 exchange types 1–5 and 32 (quick mode), 33 (new group);
		// 0 and 6–31 are reserved.
		if x := b[18]; (x < 1 || x > 5) && x != 32 && x != 33 {
			return nil
		}
	case 2:
		// IKEv2: IKE_SA_INIT 34 … 43 (INFORMATIONAL 37).
		if x := b[18]; x < 34 || x > 43 {
			return nil
		}
	default:
		return nil
	}
	if ver&0x0f != 0 {
		return nil
	}
	n := int(b[24])<<24 | int(b[25])<<16 | int(b[26])<<8 | int(b[27])
	if n != len(b) {
		return nil
	}
	return b
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if header(b) != nil {
		return dissect.Match
	}
	return dissect.NoMatch
}

// record is one message's "ike" EVE object. It refers into the datagram
// and is encoded before Feed returns.
type record struct {
	msg  []byte
	role string
}

var exchangeNames = map[uint8]string{
	1: "Base", 2: "Identity Protection", 3: "Authentication Only", 4: "Aggressive",
	5: "Informational", 32: "Quick Mode", 33: "New Group Mode",
	34: "IKE_SA_INIT", 35: "IKE_AUTH", 36: "CREATE_CHILD_SA", 37: "INFORMATIONAL",
}

func (r *record) AppendEVE(w *event.Writer) {
	m := r.msg
	w.ObjStart()
	w.KUint("version_major", uint64(m[17]>>4))
	w.KUint("version_minor", uint64(m[17]&0x0f))
	w.KHex("init_spi", m[0:8])
	w.KHex("resp_spi", m[8:16])
	w.KString("role", r.role)
	w.KUint("message_id", uint64(m[20])<<24|uint64(m[21])<<16|uint64(m[22])<<8|uint64(m[23]))
	w.KUint("exchange_type", uint64(m[18]))
	if s, ok := exchangeNames[m[18]]; ok {
		w.KString("exchange_type_verbose", s)
	}
	w.ObjEnd()
}

// parser emits one event per ISAKMP message, up to a bound (the exchange
// is over after a handful; later messages are rekeying).
type parser struct {
	rec  record
	msgs int
}

var _ dissect.Parser = (*parser)(nil)

const maxEvents = 32

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Status {
	m := header(b)
	if m == nil {
		if len(b) >= 4 && b[0]|b[1]|b[2]|b[3] == 0 {
			c.Emit.Anomaly("ike.malformed")
		}
		// On 4500 the rest is ESP-in-UDP: nothing more to parse there.
		return dissect.Continue
	}
	p.msgs++
	if p.msgs > maxEvents {
		return dissect.Done
	}
	p.rec.msg = m
	// Flags: bit 0x08 initiator (IKEv2), 0x20 response.
	p.rec.role = "initiator"
	if dir == dissect.ToClient {
		p.rec.role = "responder"
	}
	c.Emit.Event(dir, "ike", &p.rec)
	p.rec.msg = nil
	return dissect.Continue
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
