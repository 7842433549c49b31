// Package kerberos identifies Kerberos V5 (RFC 4120, port 88) by the DER
// application tag of its messages (AS-REQ 10, AS-REP 11, TGS-REQ 12,
// TGS-REP 13, AP-REQ 14, AP-REP 15, KRB-ERROR 30) followed by a SEQUENCE
// whose first field is pvno 5; over TCP a 4-byte length prefix precedes
// each message. The parser writes one krb5 event per message with the
// realm and client/server principal names.
package kerberos

import (
	"encoding/binary"
	"strconv"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
)

// Dissector is Kerberos over UDP and TCP (nDPI "Kerberos", Suricata "krb5").
var Dissector = &dissect.Dissector{
	Name:      "kerberos",
	EVE:       "krb5",
	Transport: dissect.Both,
	Ports:     []uint16{88},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

var _ dissect.Parser = (*parser)(nil)

// tlv reads one DER element: tag, content, rest. ok is false on malformed
// or truncated input (truncated content is returned when partial is set).
func tlv(b []byte) (tag byte, content, rest []byte, ok bool) {
	if len(b) < 2 {
		return 0, nil, nil, false
	}
	tag = b[0]
	n := int(b[1])
	b = b[2:]
	if n&0x80 != 0 {
		k := n & 0x7f
		if k == 0 || k > 4 || len(b) < k {
			return 0, nil, nil, false
		}
		n = 0
		for _, x := range b[:k] {
			n = n<<8 | int(x)
		}
		b = b[k:]
		if n < 0 {
			return 0, nil, nil, false
		}
	}
	if n > len(b) {
		return tag, b, nil, false
	}
	return tag, b[:n], b[n:], true
}

// header checks the start of a Kerberos message: application tag,
// SEQUENCE, and pvno [0] or [1] INTEGER 5. It needs only the first bytes.
func header(b []byte) bool {
	if len(b) < 2 {
		return false
	}
	switch b[0] {
	case 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x7e:
	default:
		return false
	}
	_, body, _, _ := tlv(b)
	if len(body) < 7 || body[0] != 0x30 {
		return false
	}
	_, seq, _, _ := tlv(body)
	// pvno: REQ/AP-REQ/AP-REP use [0] or [1]; accept either with value 5.
	if len(seq) < 5 || (seq[0] != 0xa0 && seq[0] != 0xa1) || seq[1] != 3 || seq[2] != 2 || seq[3] != 1 || seq[4] != 5 {
		return false
	}
	return true
}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if c.Proto == 17 {
		if header(data) {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	if len(data) < 4+12 {
		if len(data) >= 1 && data[0] != 0 && (c.Pkts[1-dir] != 0 || c.Pkts[dir] > 2) {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	n := binary.BigEndian.Uint32(data)
	if n < 12 || n > 1<<20 || !header(data[4:]) {
		// Picked up mid-stream: let the other direction decide.
		if c.Pkts[1-dir] == 0 && c.Pkts[dir] <= 2 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	return dissect.Match
}

const maxMsg = 64 << 10

// parser reassembles TCP messages (length-prefixed) per direction; UDP
// datagrams are parsed as they come.
type parser struct {
	buf [2][]byte
	rec record
}

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if c.Proto == 17 {
		p.message(c, dir, data)
		return dissect.Continue
	}
	b := data
	if len(p.buf[dir]) > 0 {
		p.buf[dir] = append(p.buf[dir], data...)
		b = p.buf[dir]
	}
	for len(b) >= 4 {
		n := binary.BigEndian.Uint32(b)
		if n&0x80000000 != 0 || n > maxMsg {
			c.Emit.Anomaly("krb5.invalid_length")
			return dissect.Fail
		}
		if uint64(len(b)) < 4+uint64(n) {
			break
		}
		p.message(c, dir, b[4:4+n])
		b = b[4+n:]
	}
	if len(b) == 0 {
		p.buf[dir] = p.buf[dir][:0]
	} else if len(p.buf[dir]) == 0 || &b[0] != &p.buf[dir][0] {
		p.buf[dir] = append(p.buf[dir][:0], b...)
	}
	return dissect.Continue
}

var msgNames = map[byte]string{10: "KRB_AS_REQ", 11: "KRB_AS_REP", 12: "KRB_TGS_REQ", 13: "KRB_TGS_REP", 14: "KRB_AP_REQ", 15: "KRB_AP_REP", 30: "KRB_ERROR"}

var etypes = map[int64]string{1: "des-cbc-crc", 3: "des-cbc-md5", 17: "aes128-cts-hmac-sha1-96", 18: "aes256-cts-hmac-sha1-96", 19: "aes128-cts-hmac-sha256-128", 20: "aes256-cts-hmac-sha384-192", 23: "rc4-hmac", 24: "rc4-hmac-exp"}

var errNames = map[int64]string{6: "KDC_ERR_C_PRINCIPAL_UNKNOWN", 7: "KDC_ERR_S_PRINCIPAL_UNKNOWN", 14: "KDC_ERR_ETYPE_NOSUPP", 18: "KDC_ERR_CLIENT_REVOKED", 23: "KDC_ERR_KEY_EXPIRED", 24: "KDC_ERR_PREAUTH_FAILED", 25: "KDC_ERR_PREAUTH_REQUIRED", 31: "KRB_AP_ERR_BAD_INTEGRITY", 32: "KRB_AP_ERR_TKT_EXPIRED", 37: "KRB_AP_ERR_SKEW", 41: "KRB_AP_ERR_MODIFIED", 52: "KRB_ERR_RESPONSE_TOO_BIG", 60: "KRB_ERR_GENERIC", 68: "KDC_ERR_WRONG_REALM"}

// record is one message's fields; slices point into the message and are
// valid only while it is being emitted.
type record struct {
	msgType          byte
	realm            []byte
	cname, sname     [4][]byte
	ncname, nsname   int
	etype, ticketEnc int64
	errCode          int64
}

func intVal(b []byte) int64 {
	_, v, _, ok := tlv(b)
	if !ok || len(v) == 0 || len(v) > 8 {
		return -1
	}
	x := int64(int8(v[0]))
	for _, y := range v[1:] {
		x = x<<8 | int64(y)
	}
	return x
}

// principal decodes PrincipalName ::= SEQUENCE { [0] name-type, [1]
// SEQUENCE OF KerberosString } into parts.
func principal(b []byte, out *[4][]byte) int {
	_, seq, _, ok := tlv(b)
	if !ok {
		return 0
	}
	n := 0
	for len(seq) > 0 {
		tag, v, rest, ok := tlv(seq)
		if !ok {
			return n
		}
		seq = rest
		if tag != 0xa1 {
			continue
		}
		_, list, _, _ := tlv(v)
		for len(list) > 0 && n < len(out) {
			_, s, r, ok := tlv(list)
			if !ok {
				return n
			}
			out[n] = s
			n++
			list = r
		}
	}
	return n
}

func (p *parser) message(c *dissect.Ctx, dir dissect.Dir, m []byte) {
	if !header(m) {
		c.Emit.Anomaly("krb5.malformed")
		return
	}
	r := &p.rec
	*r = record{msgType: m[0] & 0x1f, etype: -1, ticketEnc: -1, errCode: -1}
	_, body, _, _ := tlv(m)
	_, seq, _, _ := tlv(body)
	fields := seq
	isReq := r.msgType == 10 || r.msgType == 12
	for len(fields) > 0 {
		tag, v, rest, ok := tlv(fields)
		if !ok {
			break
		}
		fields = rest
		switch {
		case isReq && tag == 0xa4: // req-body
			_, rb, _, _ := tlv(v)
			for len(rb) > 0 {
				t, x, rr, ok := tlv(rb)
				if !ok {
					break
				}
				rb = rr
				switch t {
				case 0xa1:
					r.ncname = principal(x, &r.cname)
				case 0xa2:
					_, r.realm, _, _ = tlv(x)
				case 0xa3:
					r.nsname = principal(x, &r.sname)
				}
			}
		case (r.msgType == 11 || r.msgType == 13) && tag == 0xa3:
			_, r.realm, _, _ = tlv(v)
		case (r.msgType == 11 || r.msgType == 13) && tag == 0xa4:
			r.ncname = principal(v, &r.cname)
		case (r.msgType == 11 || r.msgType == 13) && tag == 0xa5:
			// Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno, realm, sname, enc-part }
			_, tk, _, _ := tlv(v)
			_, ts, _, _ := tlv(tk)
			for len(ts) > 0 {
				t, x, rr, ok := tlv(ts)
				if !ok {
					break
				}
				ts = rr
				switch t {
				case 0xa2:
					r.nsname = principal(x, &r.sname)
				case 0xa3:
					r.ticketEnc = encType(x)
				}
			}
		case (r.msgType == 11 || r.msgType == 13) && tag == 0xa6:
			r.etype = encType(v)
		case r.msgType == 30 && tag == 0xa6:
			r.errCode = intVal(v)
		case r.msgType == 30 && tag == 0xa8:
			r.ncname = principal(v, &r.cname)
		case r.msgType == 30 && tag == 0xa9:
			_, r.realm, _, _ = tlv(v)
		case r.msgType == 30 && tag == 0xaa:
			r.nsname = principal(v, &r.sname)
		}
	}
	if len(r.realm) > 0 {
		c.Emit.Meta("krb5_realm", r.realm)
	}
	if r.ncname > 0 {
		c.Emit.Meta("krb5_cname", r.cname[0])
	}
	c.Emit.Event(dir, "krb5", r)
}

// encType reads EncryptedData ::= SEQUENCE { [0] etype, … }.
func encType(b []byte) int64 {
	_, seq, _, ok := tlv(b)
	if !ok || len(seq) == 0 || seq[0] != 0xa0 {
		return -1
	}
	_, v, _, _ := tlv(seq)
	return intVal(v)
}

func writeName(w *event.Writer, key string, parts [4][]byte, n int) {
	w.Key(key)
	if n == 0 {
		w.String("<empty>")
		return
	}
	var buf [256]byte
	b := buf[:0]
	for i, s := range parts[:n] {
		if i > 0 {
			b = append(b, '/')
		}
		b = append(b, s...)
	}
	w.Bytes(b)
}

func etypeName(e int64) string {
	if s, ok := etypes[e]; ok {
		return s
	}
	return "enctype-" + strconv.FormatInt(e, 10)
}

// AppendEVE writes Suricata's krb5 object.
func (r *record) AppendEVE(w *event.Writer) {
	w.ObjStart()
	name := msgNames[r.msgType]
	if name == "" {
		name = "KRB_UNKNOWN"
	}
	w.KString("msg_type", name)
	writeName(w, "cname", r.cname, r.ncname)
	if len(r.realm) > 0 {
		w.KBytes("realm", r.realm)
	} else {
		w.KString("realm", "<empty>")
	}
	writeName(w, "sname", r.sname, r.nsname)
	if r.msgType == 30 && r.errCode >= 0 {
		if s, ok := errNames[r.errCode]; ok {
			w.KString("error_code", s)
		} else {
			w.KString("error_code", strconv.FormatInt(r.errCode, 10))
		}
	}
	if r.etype >= 0 {
		w.KString("encryption", etypeName(r.etype))
		w.KBool("weak_encryption", weak(r.etype))
	}
	if r.ticketEnc >= 0 {
		w.KString("ticket_encryption", etypeName(r.ticketEnc))
		w.KBool("ticket_weak_encryption", weak(r.ticketEnc))
	}
	w.ObjEnd()
}

func weak(e int64) bool { return e == 1 || e == 2 || e == 3 || e == 23 || e == 24 }

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) { p.buf[dir] = p.buf[dir][:0] }
func (p *parser) Close(c *dissect.Ctx)                       {}
