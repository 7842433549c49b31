// Package gtp identifies the GPRS Tunnelling Protocol control plane:
// GTPv1-C (3GPP TS 29.060) and GTPv2-C (TS 29.274) on UDP 2123, and GTP'
// (TS 32.295, charging data transfer) on UDP 3386. GTP-U user data (2152)
// is a tunnel the decoder unwraps, not an application.
//
// Each header carries its own length, which must equal the datagram; with
// the version, protocol-type and spare bits and a known message type this
// is strict, but the headers are short, so a match also needs the GTP port
// on either side.
package gtp

import (
	"github.com/netsift/netsift/dissect"
)

// Dissector is the GTP control-plane dissector (no Suricata app_proto).
var Dissector = &dissect.Dissector{
	Name:      "gtp",
	Transport: dissect.UDP,
	Ports:     []uint16{2123, 3386},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

func be16(b []byte) int { return int(b[0])<<8 | int(b[1]) }

func onPort(c *dissect.Ctx, p uint16) bool {
	return c.Client.Port() == p || c.Server.Port() == p
}

// kind says which GTP variant b is, 0 when none.
const (
	none = iota
	v1C
	v2C
	prime
)

var kindNames = [...]string{"", "GTPv1-C", "GTPv2-C", "GTP'"}

// classify checks b against the three header layouts.
func classify(b []byte) (kind int, msgType byte) {
	if len(b) < 4 {
		return none, 0
	}
	ver, pt := b[0]>>5, b[0]&0x10 != 0
	switch {
	case ver == 1 && pt && b[0]&0x08 == 0:
		// GTPv1: flags, type, length (after the 8-byte mandatory
		// header), TEID; E/S/PN add 4 optional bytes.
		if len(b) < 8 || be16(b[2:])+8 != len(b) {
			return none, 0
		}
		// E/S/PN announce 4 optional bytes, counted in the length;
		// header-only messages (Version Not Supported) are sent with
		// the flags set and length 0, which nDPI also accepts.
		if b[0]&0x07 != 0 && len(b) < 12 && len(b) != 8 {
			return none, 0
		}
		t := b[1]
		// 1–7 path management, 16–63 tunnel management, 240–241 data
		// record; 255 (G-PDU) is user data and belongs to GTP-U.
		if t == 0 || t > 63 && t < 240 || t > 241 && t != 254 {
			return none, 0
		}
		if t >= 8 && t < 16 {
			return none, 0
		}
		return v1C, t
	case ver == 2 && b[0]&0x03 == 0:
		// GTPv2: flags (P, T, MP), type, length (after the first 4
		// bytes), [TEID], sequence, spare.
		if len(b) < 8 || be16(b[2:])+4 != len(b) {
			return none, 0
		}
		if b[0]&0x08 != 0 && len(b) < 12 {
			return none, 0
		}
		if b[1] == 0 {
			return none, 0
		}
		return v2C, b[1]
	case !pt && b[0]&0x0e == 0x0e:
		// GTP': 6-byte header when the header-length bit is clear (20
		// with it, the GTP'v0 legacy form).
		h := 6
		if b[0]&0x01 != 0 {
			h = 20
		}
		if len(b) < h || be16(b[2:])+h != len(b) {
			return none, 0
		}
		t := b[1]
		if !(t >= 1 && t <= 7 || t == 240 || t == 241) {
			return none, 0
		}
		return prime, t
	}
	return none, 0
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	k, _ := classify(b)
	switch {
	case k == prime && onPort(c, 3386):
		return dissect.Match
	case (k == v1C || k == v2C) && onPort(c, 2123):
		return dissect.Match
	}
	return dissect.NoMatch
}

// parser reports the GTP variant and the first message type.
type parser struct{ done bool }

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Status {
	k, t := classify(b)
	if k == none {
		c.Emit.Anomaly("gtp.bad_header")
		return dissect.Continue
	}
	if !p.done {
		p.done = true
		c.Emit.Meta("gtp_version", []byte(kindNames[k]))
		var n [3]byte
		i := len(n)
		for {
			i--
			n[i] = '0' + t%10
			t /= 10
			if t == 0 {
				break
			}
		}
		c.Emit.Meta("gtp_message_type", n[i:])
	}
	return dissect.Continue
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
