// Package capwap identifies CAPWAP (RFC 5415, wireless access point
// control): the control channel on UDP 5246, clear or in DTLS, and the data
// channel on UDP 5247 (keep-alives and bridged 802.11/802.3 frames).
//
// A CAPWAP datagram starts with a preamble: version 0 and type 0 (a CAPWAP
// header follows) or type 1 (a DTLS record follows, after 3 reserved zero
// bytes). The CAPWAP header's length (HLEN) must fit the datagram, the
// wireless binding must be a defined one and the reserved flag bits zero;
// a clear control message must carry a known message type. These checks
// are only moderately strong, so a match also needs port 5246 or 5247.
package capwap

import (
	"github.com/netsift/netsift/dissect"
)

// Dissector is the CAPWAP dissector (no Suricata app_proto).
var Dissector = &dissect.Dissector{
	Name:      "capwap",
	Transport: dissect.UDP,
	Ports:     []uint16{5246, 5247},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

const (
	controlPort = 5246
	dataPort    = 5247
)

func be16(b []byte) int { return int(b[0])<<8 | int(b[1]) }

// header is a checked CAPWAP datagram.
type header struct {
	dtls    bool
	hlen    int  // CAPWAP header length in bytes
	native  bool // T bit: the payload is a native (802.11) frame
	keep    bool // K bit: data channel keep-alive
	msgType int  // control message type (clear control only), 0 if none
}

// parse checks b; control says whether it came on the control port.
func parse(b []byte, control bool) (h header, ok bool) {
	if len(b) < 8 {
		return h, false
	}
	switch b[0] {
	case 0x01:
		// DTLS preamble: 3 reserved zero bytes, then a DTLS 1.0/1.2
		// record (change cipher spec, alert, handshake, application).
		if b[1]|b[2]|b[3] != 0 || len(b) < 4+13 || b[4] < 20 || b[4] > 23 || b[5] != 0xfe || (b[6] != 0xff && b[6] != 0xfd) {
			return h, false
		}
		h.dtls = true
		return h, true
	case 0x00:
	default:
		return h, false
	}
	h.hlen = 4 * int(b[1]>>3)
	wbid := int(b[2]>>1) & 0x1f
	if h.hlen < 8 || h.hlen > len(b) {
		return h, false
	}
	// Wireless binding ids: 0 (none, e.g. keep-alives), 1 (IEEE 802.11),
	// 3 (EPCGlobal).
	if wbid != 0 && wbid != 1 && wbid != 3 {
		return h, false
	}
	h.native = b[2]&0x01 != 0
	// Flags byte: F L W M K, then 3 reserved bits.
	if b[3]&0x07 != 0 {
		return h, false
	}
	h.keep = b[3]&0x08 != 0
	// Fragment offset's low 3 bits are reserved.
	if b[7]&0x07 != 0 {
		return h, false
	}
	if control && !h.native && b[3]&0x80 == 0 { // unfragmented control
		c := b[h.hlen:]
		// Message type (IANA enterprise 0, type 1–26), sequence,
		// element length, flags (0).
		if len(c) < 8 || c[0]|c[1]|c[2] != 0 || c[3] < 1 || c[3] > 26 || c[7] != 0 {
			return h, false
		}
		if n := be16(c[5:]); n > len(c)-5+3 || n+5+3 < len(c) {
			// Element length counts the bytes after it, give or take the
			// flags byte: senders differ (the draft counted from the
			// sequence number).
			return h, false
		}
		h.msgType = int(c[3])
	}
	return h, true
}

func ports(c *dissect.Ctx) (control, data bool) {
	for _, p := range [...]uint16{c.Client.Port(), c.Server.Port()} {
		control = control || p == controlPort
		data = data || p == dataPort
	}
	return
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	control, data := ports(c)
	if !control && !data {
		return dissect.NoMatch
	}
	if _, ok := parse(b, control); ok {
		return dissect.Match
	}
	return dissect.NoMatch
}

// messageNames are the RFC 5415 §4.5 control message types (index = type).
var messageNames = [...]string{"", "discovery_request", "discovery_response", "join_request", "join_response",
	"configuration_status_request", "configuration_status_response", "configuration_update_request",
	"configuration_update_response", "wtp_event_request", "wtp_event_response", "change_state_event_request",
	"change_state_event_response", "echo_request", "echo_response", "image_data_request", "image_data_response",
	"reset_request", "reset_response", "primary_discovery_request", "primary_discovery_response",
	"data_transfer_request", "data_transfer_response", "clear_configuration_request",
	"clear_configuration_response", "station_configuration_request", "station_configuration_response"}

// parser reports the first clear control message, whether the control
// channel is DTLS-protected, and data-channel keep-alives.
type parser struct {
	msg, dtls, keep bool
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Status {
	control, _ := ports(c)
	h, ok := parse(b, control)
	if !ok {
		c.Emit.Anomaly("capwap.bad_header")
		return dissect.Continue
	}
	switch {
	case h.dtls && !p.dtls:
		p.dtls = true
		c.Emit.Meta("capwap_dtls", []byte("true"))
	case h.msgType > 0 && !p.msg:
		p.msg = true
		c.Emit.Meta("capwap_message", []byte(messageNames[h.msgType]))
	case h.keep && !p.keep:
		p.keep = true
		c.Emit.Meta("capwap_keepalive", []byte("true"))
	}
	if p.msg && p.dtls {
		return dissect.Done
	}
	return dissect.Continue
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
