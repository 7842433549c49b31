// Package dhcp identifies DHCP / BOOTP (RFC 2131/2132) on UDP and writes
// Suricata-style "dhcp" events. The host name option (12) is reported as
// the flow's host name, as nDPI does.
package dhcp

import (
	"net/netip"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
)

// Dissector is the DHCP dissector.
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "dhcp",
	EVE:       "dhcp",
	Transport: dissect.UDP,
	Ports:     []uint16{67, 68},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// minLen is the fixed BOOTP part (236 bytes) plus the magic cookie.
const minLen = 240

// valid reports whether b is a BOOTP message with the DHCP magic cookie.
func valid(b []byte) bool {
	if len(b) < minLen || (b[0] != 1 && b[0] != 2) || b[2] > 16 || b[3] > 16 {
		return false
	}
	return b[236] == 0x63 && b[237] == 0x82 && b[238] == 0x53 && b[239] == 0x63
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if valid(b) {
		return dissect.Match
	}
	return dissect.NoMatch
}

var typeNames = [...]string{"", "discover", "offer", "request", "decline", "ack", "nak", "release", "inform",
	"force_renew", "lease_query", "lease_unassigned", "lease_unknown", "lease_active"}

// record is one message's "dhcp" object; slices refer into the datagram.
type record struct {
	b        []byte
	msgType  uint8
	hostname []byte
	vendor   []byte
	clientID []byte
	reqIP    []byte
	lease    int64
}

func ip4(w *event.Writer, k string, b []byte) {
	if a, ok := netip.AddrFromSlice(b); ok {
		var buf [16]byte
		w.Key(k)
		w.Bytes(a.AppendTo(buf[:0]))
	}
}

func (r *record) AppendEVE(w *event.Writer) {
	b := r.b
	w.ObjStart()
	if b[0] == 1 {
		w.KString("type", "request")
	} else {
		w.KString("type", "reply")
	}
	w.KUint("id", uint64(b[4])<<24|uint64(b[5])<<16|uint64(b[6])<<8|uint64(b[7]))
	if b[1] == 1 && b[2] == 6 {
		w.Key("client_mac")
		var buf [17]byte
		w.Bytes(event.AppendHex(buf[:0], b[28:34], ':'))
	}
	ip4(w, "client_ip", b[12:16])
	if b[0] == 2 {
		ip4(w, "assigned_ip", b[16:20])
	}
	if int(r.msgType) < len(typeNames) && r.msgType > 0 {
		w.KString("dhcp_type", typeNames[r.msgType])
	}
	if len(r.clientID) > 0 {
		w.KHex("client_id", r.clientID)
	}
	if len(r.hostname) > 0 {
		w.KBytes("hostname", r.hostname)
	}
	if len(r.vendor) > 0 {
		w.KBytes("vendor_class_identifier", r.vendor)
	}
	if len(r.reqIP) == 4 {
		ip4(w, "requested_ip", r.reqIP)
	}
	if r.lease >= 0 {
		w.KInt("lease_time", r.lease)
	}
	w.ObjEnd()
}

// parser decodes the options of each message and emits one event per
// message.
type parser struct {
	rec  record
	host bool
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Status {
	if !valid(b) {
		c.Emit.Anomaly("dhcp.malformed")
		return dissect.Continue
	}
	r := &p.rec
	*r = record{b: b, lease: -1}
	o := b[minLen:]
	for len(o) > 0 {
		t := o[0]
		if t == 255 {
			break
		}
		if t == 0 {
			o = o[1:]
			continue
		}
		if len(o) < 2 || 2+int(o[1]) > len(o) {
			c.Emit.Anomaly("dhcp.option_truncated")
			break
		}
		v := o[2 : 2+int(o[1])]
		switch t {
		case 53:
			if len(v) == 1 {
				r.msgType = v[0]
			}
		case 12:
			r.hostname = v
		case 60:
			r.vendor = v
		case 61:
			r.clientID = v
		case 50:
			r.reqIP = v
		case 51:
			if len(v) == 4 {
				r.lease = int64(v[0])<<24 | int64(v[1])<<16 | int64(v[2])<<8 | int64(v[3])
			}
		}
		o = o[2+int(o[1]):]
	}
	if len(r.hostname) > 0 && !p.host {
		p.host = true
		c.Emit.Host(r.hostname)
	}
	if len(r.vendor) > 0 {
		c.Emit.Meta("dhcp_vendor_class", r.vendor)
	}
	c.Emit.Event(dir, "dhcp", r)
	r.b, r.hostname, r.vendor, r.clientID, r.reqIP = nil, nil, nil, nil, nil
	return dissect.Continue
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
