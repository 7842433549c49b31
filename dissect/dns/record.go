package dns

import (
	"encoding/binary"
	"net/netip"
	"strconv"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
)

// record encodes one DNS message as Suricata 8's EVE "dns" object (version
// 3): header fields, "queries", "answers" (detailed), "grouped" and
// "authorities". It walks the raw message during AppendEVE, so it must only
// be handed to Emitter.Event while msg is valid; scratch is reused across
// messages so encoding allocates nothing once warm.
type record struct {
	msg     []byte
	scratch []byte
	qname   []byte // RuleFields' name buffer (scratch is AppendEVE's)
}

var _ dissect.Fields = (*record)(nil)

// RuleFields implements dissect.Fields: dns.query once per question name
// of a request, written as the EVE rrname ("mail.google.com": labels
// joined by '.', no trailing dot). Like Suricata's dns.query it covers
// requests only; a response offers no buffer.
func (r *record) RuleFields(add func(buffer string, value []byte)) {
	msg := r.msg
	if len(msg) < headerLen || header(msg).response() {
		return
	}
	off := headerLen
	for i := 0; i < int(header(msg).qdcount()); i++ {
		var n int
		var ok bool
		r.qname, n, ok = appendName(r.qname[:0], msg, off)
		if !ok || n+4 > len(msg) {
			return
		}
		add("dns.query", r.qname)
		off = n + 4
	}
}

// AppendEVE writes the dns object.
func (r *record) AppendEVE(w *event.Writer) {
	msg := r.msg
	h := header(msg)
	fl := h.flags()
	w.ObjStart()
	w.KInt("version", 3)
	if h.response() {
		w.KString("type", "response")
	} else {
		w.KString("type", "request")
	}
	w.KUint("id", uint64(h.id()))
	r.scratch = strconv.AppendUint(r.scratch[:0], uint64(fl), 16)
	w.KBytes("flags", r.scratch)
	for _, f := range [...]struct {
		bit uint16
		key string
	}{{flagQR, "qr"}, {flagAA, "aa"}, {flagTC, "tc"}, {flagRD, "rd"}, {flagRA, "ra"}, {flagZ, "z"}} {
		if fl&f.bit != 0 {
			w.KBool(f.key, true)
		}
	}
	w.KUint("opcode", uint64(h.opcode()))
	w.KString("rcode", rcodeString(h.rcode()))

	off := headerLen
	if qd := int(h.qdcount()); qd > 0 {
		w.Key("queries")
		w.ArrStart()
		for i := 0; i < qd; i++ {
			var n int
			var ok bool
			r.scratch, n, ok = appendName(r.scratch[:0], msg, off)
			if !ok || n+4 > len(msg) {
				off = -1
				break
			}
			w.ObjStart()
			w.KBytes("rrname", r.scratch)
			w.Key("rrtype")
			writeType(w, binary.BigEndian.Uint16(msg[n:]))
			w.ObjEnd()
			off = n + 4
		}
		w.ArrEnd()
	}
	if off > 0 {
		an, ns := int(h.ancount()), int(h.nscount())
		if an > 0 {
			if end := r.section(w, "answers", off, an, true); end > 0 {
				r.grouped(w, off, an)
				off = end
			} else {
				off = -1
			}
		}
		if ns > 0 && off > 0 {
			r.section(w, "authorities", off, ns, false)
		}
	}
	w.ObjEnd()
}

// section writes n records starting at off as an array under key and
// returns the offset after them (-1 when the message ends early; the
// records read so far are still written).
func (r *record) section(w *event.Writer, key string, off, n int, answers bool) int {
	msg := r.msg
	w.Key(key)
	w.ArrStart()
	for i := 0; i < n; i++ {
		rec, next, st := readRR(msg, off)
		if st != nameOK {
			off = -1
			break
		}
		off = next
		if rec.typ == typeOPT {
			continue
		}
		w.ObjStart()
		r.scratch, _, _ = appendName(r.scratch[:0], msg, rec.nameOff)
		w.KBytes("rrname", r.scratch)
		w.Key("rrtype")
		writeType(w, rec.typ)
		w.KUint("ttl", uint64(rec.ttl))
		switch rec.typ {
		case typeSOA:
			w.Key("soa")
			r.soa(w, rec)
		case typeSRV:
			if answers {
				w.Key("srv")
				r.srv(w, rec)
			}
		case typeSSHFP:
			if answers && rec.rdLen >= 2 {
				w.Key("sshfp")
				r.sshfp(w, rec)
			}
		default:
			if r.rdata(rec) {
				w.KBytes("rdata", r.scratch)
			}
		}
		w.ObjEnd()
	}
	w.ArrEnd()
	return off
}

// grouped writes "grouped": one array per record type that has a string or
// object form, types in order of first appearance.
func (r *record) grouped(w *event.Writer, off, n int) {
	var types [8]uint16
	nt := 0
	p := off
	for i := 0; i < n && nt < len(types); i++ {
		rec, next, st := readRR(r.msg, p)
		if st != nameOK {
			break
		}
		p = next
		if groupName(rec.typ) == "" {
			continue
		}
		seen := false
		for _, t := range types[:nt] {
			seen = seen || t == rec.typ
		}
		if !seen {
			types[nt] = rec.typ
			nt++
		}
	}
	if nt == 0 {
		return
	}
	w.Key("grouped")
	w.ObjStart()
	for _, t := range types[:nt] {
		w.Key(groupName(t))
		w.ArrStart()
		p := off
		for i := 0; i < n; i++ {
			rec, next, st := readRR(r.msg, p)
			if st != nameOK {
				break
			}
			p = next
			if rec.typ != t {
				continue
			}
			switch t {
			case typeSOA:
				r.soa(w, rec)
			case typeSRV:
				r.srv(w, rec)
			case typeSSHFP:
				r.sshfp(w, rec)
			default:
				if !r.rdata(rec) {
					r.scratch = r.scratch[:0]
				}
				w.Bytes(r.scratch)
			}
		}
		w.ArrEnd()
	}
	w.ObjEnd()
}

func groupName(t uint16) string {
	switch t {
	case typeA, typeAAAA, typeCNAME, typeMX, typeNS, typePTR, typeTXT, typeSOA, typeSRV, typeSSHFP:
		return typeString(t)
	}
	return ""
}

// rdata puts the string form of rec's data in r.scratch and reports
// whether the type has one.
func (r *record) rdata(rec rr) bool {
	msg := r.msg
	d := msg[rec.rdOff : rec.rdOff+rec.rdLen]
	r.scratch = r.scratch[:0]
	switch rec.typ {
	case typeA:
		if len(d) != 4 {
			return false
		}
		r.scratch = netip.AddrFrom4([4]byte(d)).AppendTo(r.scratch)
	case typeAAAA:
		if len(d) != 16 {
			return false
		}
		r.scratch = netip.AddrFrom16([16]byte(d)).AppendTo(r.scratch)
	case typeCNAME, typeNS, typePTR:
		r.scratch, _, _ = appendName(r.scratch, msg[:rec.rdOff+rec.rdLen], rec.rdOff)
	case typeMX:
		if len(d) < 3 {
			return false
		}
		r.scratch, _, _ = appendName(r.scratch, msg[:rec.rdOff+rec.rdLen], rec.rdOff+2)
	case typeTXT:
		// The character-strings, concatenated.
		for len(d) > 0 {
			l := int(d[0])
			if 1+l > len(d) {
				l = len(d) - 1
			}
			r.scratch = append(r.scratch, d[1:1+l]...)
			d = d[1+l:]
		}
	default:
		return false
	}
	return true
}

func (r *record) soa(w *event.Writer, rec rr) {
	msg := r.msg[:rec.rdOff+rec.rdLen]
	w.ObjStart()
	var n int
	var ok bool
	r.scratch, n, ok = appendName(r.scratch[:0], msg, rec.rdOff)
	if ok {
		w.KBytes("mname", r.scratch)
		r.scratch, n, ok = appendName(r.scratch[:0], msg, n)
	}
	if ok {
		w.KBytes("rname", r.scratch)
	}
	if ok && n+20 <= len(msg) {
		for i, k := range [...]string{"serial", "refresh", "retry", "expire", "minimum"} {
			w.KUint(k, uint64(binary.BigEndian.Uint32(msg[n+4*i:])))
		}
	}
	w.ObjEnd()
}

func (r *record) srv(w *event.Writer, rec rr) {
	msg := r.msg[:rec.rdOff+rec.rdLen]
	w.ObjStart()
	if rec.rdLen >= 7 {
		d := msg[rec.rdOff:]
		w.KUint("priority", uint64(binary.BigEndian.Uint16(d)))
		w.KUint("weight", uint64(binary.BigEndian.Uint16(d[2:])))
		w.KUint("port", uint64(binary.BigEndian.Uint16(d[4:])))
		var ok bool
		r.scratch, _, ok = appendName(r.scratch[:0], msg, rec.rdOff+6)
		if ok {
			w.KBytes("name", r.scratch)
		}
	}
	w.ObjEnd()
}

func (r *record) sshfp(w *event.Writer, rec rr) {
	d := r.msg[rec.rdOff : rec.rdOff+rec.rdLen]
	w.ObjStart()
	if len(d) >= 2 {
		w.KUint("algo", uint64(d[0]))
		w.KUint("type", uint64(d[1]))
		r.scratch = event.AppendHex(r.scratch[:0], d[2:], ':')
		w.KBytes("fingerprint", r.scratch)
	}
	w.ObjEnd()
}

var rcodeNames = [...]string{"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"}

// rcodeString names a header RCODE (4 bits) as Suricata does.
func rcodeString(rc uint8) string {
	if int(rc) < len(rcodeNames) {
		return rcodeNames[rc]
	}
	return strconv.Itoa(int(rc)) // < 100: strconv's cached strings, no allocation
}

// writeType writes an RR type's name, or its number as a string when it
// has none (as Suricata does).
func writeType(w *event.Writer, t uint16) {
	if s := typeString(t); s != "" {
		w.String(s)
		return
	}
	var b [8]byte
	w.Bytes(strconv.AppendUint(b[:0], uint64(t), 10))
}

// typeString names an RR type as Suricata does; "" when it has no name.
func typeString(t uint16) string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	switch t {
	case 99:
		return "SPF"
	case 249:
		return "TKEY"
	case 250:
		return "TSIG"
	case 251:
		return "IXFR"
	case 252:
		return "AXFR"
	case 255:
		return "ANY"
	case 256:
		return "URI"
	case 257:
		return "CAA"
	case 32769:
		return "DLV"
	}
	return ""
}

var typeNames = [...]string{
	1: "A", 2: "NS", 3: "MD", 4: "MF", 5: "CNAME", 6: "SOA", 7: "MB", 8: "MG", 9: "MR", 10: "NULL",
	11: "WKS", 12: "PTR", 13: "HINFO", 14: "MINFO", 15: "MX", 16: "TXT", 17: "RP", 18: "AFSDB", 19: "X25",
	20: "ISDN", 21: "RT", 22: "NSAP", 23: "NSAPPTR", 24: "SIG", 25: "KEY", 26: "PX", 27: "GPOS", 28: "AAAA",
	29: "LOC", 30: "NXT", 33: "SRV", 34: "ATMA", 35: "NAPTR", 36: "KX", 37: "CERT", 38: "A6", 39: "DNAME",
	41: "OPT", 42: "APL", 43: "DS", 44: "SSHFP", 45: "IPSECKEY", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY",
	49: "DHCID", 50: "NSEC3", 51: "NSEC3PARAM", 52: "TLSA", 55: "HIP", 59: "CDS", 60: "CDNSKEY",
	64: "SVCB", 65: "HTTPS",
}
