// Package mqtt dissects MQTT 3.1, 3.1.1 and 5.0 over TCP: the client's
// CONNECT (client id, user name) and the first topic it publishes to or
// subscribes to. Every control packet is a type/flags byte, a variable-
// length "remaining length" (1..4 bytes, 7 bits each) and the packet body.
package mqtt

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
)

// Dissector dissects MQTT (nDPI "MQTT", Suricata "mqtt").
var Dissector = &dissect.Dissector{
	Name:      "mqtt",
	EVE:       "mqtt",
	Transport: dissect.TCP,
	Ports:     []uint16{1883},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

const (
	typConnect   = 1
	typPublish   = 3
	typSubscribe = 8
	maxBuf       = 64 << 10
)

// header decodes a fixed header: type, flags, header size and remaining
// length. ok is false when the header is malformed; hdr is 0 when b is too
// short to tell.
func header(b []byte) (typ, flags byte, hdr, n int, ok bool) {
	if len(b) < 2 {
		return 0, 0, 0, 0, true
	}
	typ, flags = b[0]>>4, b[0]&0x0f
	switch typ {
	case 0:
		return 0, 0, 0, 0, false
	case typPublish:
		if flags&0x06 == 0x06 { // QoS 3
			return 0, 0, 0, 0, false
		}
	case 6, typSubscribe, 10: // PUBREL, SUBSCRIBE, UNSUBSCRIBE
		if flags != 0x02 {
			return 0, 0, 0, 0, false
		}
	default:
		if flags != 0 {
			return 0, 0, 0, 0, false
		}
	}
	mul := 1
	for i := 1; i <= 4; i++ {
		if i >= len(b) {
			return typ, flags, 0, 0, true
		}
		n += int(b[i]&0x7f) * mul
		if b[i]&0x80 == 0 {
			return typ, flags, i + 1, n, true
		}
		mul <<= 7
	}
	return 0, 0, 0, 0, false
}

// connectOK checks CONNECT's variable header: protocol name "MQTT" (level
// 4 or 5) or "MQIsdp" (level 3) and the reserved connect-flag bit clear.
func connectOK(v []byte) dissect.Verdict {
	const a, b = "\x00\x04MQTT", "\x00\x06MQIsdp"
	for _, name := range [...]string{a, b} {
		k := min(len(v), len(name))
		if string(v[:k]) != name[:k] {
			continue
		}
		if len(v) < len(name)+2 {
			return dissect.NeedMore
		}
		lvl, fl := v[len(name)], v[len(name)+1]
		if fl&0x01 != 0 || name == a && lvl != 4 && lvl != 5 || name == b && lvl != 3 {
			return dissect.NoMatch
		}
		return dissect.Match
	}
	return dissect.NoMatch
}

// probe matches a CONNECT packet. Without one (capture started late), a run
// of well-formed packets that ends exactly at the data's end is accepted:
// one packet on port 1883, at least two elsewhere (two headers with valid
// type/flag pairs and lengths that tile the data are unlikely by chance).
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	typ, _, hdr, n, ok := header(b)
	if !ok {
		return dissect.NoMatch
	}
	if hdr == 0 {
		return more(c, dir)
	}
	if typ == typConnect {
		switch connectOK(b[hdr:]) {
		case dissect.Match:
			if n >= 10 {
				return dissect.Match
			}
			return dissect.NoMatch
		case dissect.NeedMore:
			return more(c, dir)
		}
		return dissect.NoMatch
	}
	need := 2
	if c.Server.Port() == 1883 || c.Client.Port() == 1883 {
		need = 1
	}
	for i, k := 0, 0; ; k++ {
		if i == len(b) {
			if k >= need {
				return dissect.Match
			}
			return more(c, dir)
		}
		_, _, hdr, n, ok := header(b[i:])
		if !ok || k > 16 {
			return dissect.NoMatch
		}
		if hdr == 0 || i+hdr+n > len(b) {
			return more(c, dir)
		}
		if !bodyOK(b[i]>>4, b[i]&0x0f, b[i+hdr:i+hdr+n]) {
			return dissect.NoMatch
		}
		i += hdr + n
	}
}

// bodyOK checks the size and, for PUBLISH, the topic of a complete packet
// body, so that runs of other TLV-framed data (BER, for one) do not pass.
func bodyOK(typ, flags byte, b []byte) bool {
	switch typ {
	case 2: // CONNACK
		return len(b) >= 2 && b[0] <= 1
	case typPublish:
		if len(b) < 2 {
			return false
		}
		n := int(binary.BigEndian.Uint16(b))
		if flags&0x06 != 0 {
			n += 2
		}
		if n < 1 || 2+n > len(b) {
			return false
		}
		for _, x := range b[2 : 2+int(binary.BigEndian.Uint16(b))] {
			if x < 0x20 || x == 0x7f || x == '+' || x == '#' {
				return false
			}
		}
		return binary.BigEndian.Uint16(b) > 0
	case 4, 5, 6, 7, 11: // PUBACK PUBREC PUBREL PUBCOMP UNSUBACK
		return len(b) >= 2
	case typSubscribe, 10:
		return len(b) >= 5
	case 9: // SUBACK
		return len(b) >= 3
	case 12, 13: // PINGREQ PINGRESP
		return len(b) == 0
	case 14, 15: // DISCONNECT, AUTH
		return true
	}
	return false
}

func more(c *dissect.Ctx, dir dissect.Dir) dissect.Verdict {
	if c.Pkts[dir] > 3 {
		return dissect.NoMatch
	}
	return dissect.NeedMore
}

type parser struct {
	buf   [2][]byte
	level byte
	topic bool
	pkts  int
}

var _ dissect.Parser = (*parser)(nil)

// Feed splits control packets and reports CONNECT's client id and user
// name and the first PUBLISH/SUBSCRIBE topic; it is done after that or
// after 64 packets.
func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	b := data
	if len(p.buf[dir]) > 0 {
		p.buf[dir] = append(p.buf[dir], data...)
		b = p.buf[dir]
	}
	for {
		typ, flags, hdr, n, ok := header(b)
		if !ok {
			c.Emit.Anomaly("mqtt.bad_header")
			p.buf[dir] = p.buf[dir][:0]
			return dissect.Fail
		}
		if hdr == 0 || hdr+n > len(b) {
			break
		}
		p.packet(c, typ, flags, b[hdr:hdr+n])
		b = b[hdr+n:]
		if p.pkts++; p.topic || p.pkts >= 64 {
			p.buf[dir] = p.buf[dir][:0]
			return dissect.Done
		}
	}
	if len(b) > maxBuf {
		// A large PUBLISH: its topic comes first, so look before giving up.
		if typ, flags, hdr, _, _ := header(b); typ == typPublish && hdr > 0 {
			p.packet(c, typ, flags, b[hdr:])
		}
		c.Emit.Anomaly("mqtt.packet_too_long")
		p.buf[dir] = p.buf[dir][:0]
		return dissect.Done
	}
	p.buf[dir] = append(p.buf[dir][:0], b...)
	return dissect.Continue
}

// str reads a 2-byte-length-prefixed string.
func str(b []byte) (s, rest []byte, ok bool) {
	if len(b) < 2 {
		return nil, nil, false
	}
	n := int(binary.BigEndian.Uint16(b))
	if 2+n > len(b) {
		return nil, nil, false
	}
	return b[2 : 2+n], b[2+n:], true
}

// varint reads an MQTT 5 variable byte integer.
func varint(b []byte) (v, size int, ok bool) {
	mul := 1
	for i := 0; i < 4 && i < len(b); i++ {
		v += int(b[i]&0x7f) * mul
		if b[i]&0x80 == 0 {
			return v, i + 1, true
		}
		mul <<= 7
	}
	return 0, 0, false
}

// skipProps skips an MQTT 5 property block.
func skipProps(b []byte) ([]byte, bool) {
	n, k, ok := varint(b)
	if !ok || k+n > len(b) {
		return nil, false
	}
	return b[k+n:], true
}

func (p *parser) packet(c *dissect.Ctx, typ, flags byte, b []byte) {
	switch typ {
	case typConnect:
		name, rest, ok := str(b)
		if !ok || len(rest) < 4 {
			c.Emit.Anomaly("mqtt.bad_connect")
			return
		}
		p.level = rest[0]
		fl := rest[1]
		rest = rest[4:]
		if p.level == 5 {
			if rest, ok = skipProps(rest); !ok {
				c.Emit.Anomaly("mqtt.bad_connect")
				return
			}
		}
		id, rest, ok := str(rest)
		if !ok {
			c.Emit.Anomaly("mqtt.bad_connect")
			return
		}
		c.Emit.Meta("mqtt.client_id", id)
		rec := connectRecord{proto: name, level: p.level, flags: fl, clientID: id}
		defer func() { c.Emit.Event(dissect.ToServer, "mqtt", &rec) }()
		if fl&0x04 != 0 { // will: [props] topic, payload
			if p.level == 5 {
				if rest, ok = skipProps(rest); !ok {
					return
				}
			}
			if _, rest, ok = str(rest); !ok {
				return
			}
			if _, rest, ok = str(rest); !ok {
				return
			}
		}
		if fl&0x80 != 0 {
			if u, _, ok := str(rest); ok {
				c.Emit.Meta("mqtt.username", u)
				rec.username = u
			}
		}
	case typPublish:
		if t, _, ok := str(b); ok && len(t) > 0 {
			c.Emit.Meta("mqtt.topic", t)
			p.topic = true
		}
	case typSubscribe:
		if len(b) < 2 {
			return
		}
		rest, ok := b[2:], true
		if p.level == 5 {
			if rest, ok = skipProps(rest); !ok {
				return
			}
		}
		if t, _, ok := str(rest); ok && len(t) > 0 {
			c.Emit.Meta("mqtt.topic", t)
			p.topic = true
		}
	}
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) { p.buf[dir] = p.buf[dir][:0] }
func (p *parser) Close(c *dissect.Ctx)                       {}

// connectRecord is a CONNECT in Suricata's mqtt layout: {"connect":{"qos",
// "retain","dup","protocol_string","protocol_version","flags":{…},
// "client_id","username"}}. Its slices point into the packet and are only
// read during AppendEVE. The password is not logged.
type connectRecord struct {
	proto, clientID, username []byte
	level, flags              byte
}

func (r *connectRecord) AppendEVE(w *event.Writer) {
	w.ObjStart()
	w.Key("connect")
	w.ObjStart()
	w.KInt("qos", 0)
	w.KBool("retain", false)
	w.KBool("dup", false)
	w.KBytes("protocol_string", r.proto)
	w.KUint("protocol_version", uint64(r.level))
	w.Key("flags")
	w.ObjStart()
	w.KBool("username", r.flags&0x80 != 0)
	w.KBool("password", r.flags&0x40 != 0)
	w.KBool("will_retain", r.flags&0x20 != 0)
	w.KBool("will", r.flags&0x04 != 0)
	w.KBool("clean_session", r.flags&0x02 != 0)
	w.ObjEnd()
	w.KBytes("client_id", r.clientID)
	if r.username != nil {
		w.KBytes("username", r.username)
	}
	w.ObjEnd()
	w.ObjEnd()
}
