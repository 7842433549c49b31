package quic

import (
	"crypto/md5"
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/internal/tlshello"
	"github.com/netsift/netsift/event"
)

// record is one QUIC transaction (one packet, as Suricata counts them),
// encoded as Suricata's "quic" object. Everything is copied out of the
// packets; the parser reuses one record for all its transactions.
type record struct {
	version uint32
	verStr  []byte
	client  bool // sent by the client: a hello here is a ClientHello
	long    bool // the packet had a long header
	hello   bool // carries a parsed TLS ClientHello or ServerHello
	sni     []byte
	ja3     []byte // JA3 (client) or JA3S (server) string
	ja3Hash []byte
	ja4     []byte // client only
	exts    []byte // raw extension block (copied)
	ua      []byte
	cyu     []byte
	cyuHash []byte
	scratch []byte
	verRaw  [4]byte // quic.version's bytes
}

var (
	_ dissect.Record = (*record)(nil)
	_ dissect.Fields = (*record)(nil)
)

// reset starts a transaction of a packet of version v, keeping buffers.
func (r *record) reset(v uint32, client, long bool) {
	r.version, r.client, r.long, r.hello = v, client, long, false
	r.sni, r.ja3, r.ja3Hash, r.ja4 = r.sni[:0], r.ja3[:0], r.ja3Hash[:0], r.ja4[:0]
	r.exts, r.ua = r.exts[:0], r.ua[:0]
	r.cyu, r.cyuHash = r.cyu[:0], r.cyuHash[:0]
}

// RuleFields implements dissect.Fields with Suricata's QUIC buffers:
// quic.version is the long header's version field as sent (4 bytes:
// "Q046" for Google QUIC, |00 00 00 01| for v1; none for a Google QUIC
// public header), quic.sni and quic.ua the ClientHello's or CHLO's, and
// the TLS fingerprints of a hello: ja3.hash, ja3.string and ja4.hash of
// a ClientHello, ja3s.hash and ja3s.string of a ServerHello (Suricata
// applies those keywords to QUIC; tls.sni it does not).
func (r *record) RuleFields(add func(buffer string, value []byte)) {
	if r.long {
		binary.BigEndian.PutUint32(r.verRaw[:], r.version)
		add("quic.version", r.verRaw[:])
	}
	if len(r.sni) > 0 {
		add("quic.sni", r.sni)
	}
	if len(r.ua) > 0 {
		add("quic.ua", r.ua)
	}
	if r.hello && r.client {
		add("ja3.hash", r.ja3Hash)
		add("ja3.string", r.ja3)
		add("ja4.hash", r.ja4)
	}
	if r.hello && !r.client {
		add("ja3s.hash", r.ja3Hash)
		add("ja3s.string", r.ja3)
	}
}

var one = []byte("1")

// setClientHello records a parsed ClientHello and emits its host and
// metadata.
func (r *record) setClientHello(c *dissect.Ctx, ch *tlshello.ClientHello) {
	r.hello = true
	r.sni = append(r.sni[:0], ch.SNI...)
	if len(ch.SNI) > 0 {
		c.Emit.Host(ch.SNI)
	}
	r.ja3 = ch.AppendJA3(r.ja3[:0])
	r.ja3Hash = tlshello.AppendMD5Hex(r.ja3Hash[:0], r.ja3)
	r.ja4 = ch.AppendJA4(r.ja4[:0], tlshello.JA4QUIC)
	r.exts = append(r.exts[:0], ch.Extensions...)
	c.Emit.Meta("ja3", r.ja3Hash)
	c.Emit.Meta("ja4", r.ja4)
	if len(ch.ALPN) > 0 {
		r.scratch = r.scratch[:0]
		for l, first := ch.ALPN, true; ; first = false {
			name, rest, ok := tlshello.NextALPN(l)
			if !ok {
				break
			}
			if !first {
				r.scratch = append(r.scratch, ',')
			}
			r.scratch = append(r.scratch, name...)
			l = rest
		}
		c.Emit.Meta("alpn", r.scratch)
	}
	if ch.ECH {
		c.Emit.Meta("ech", one)
	}
}

// setServerHello records a parsed ServerHello (JA3S and its extensions,
// in their order).
func (r *record) setServerHello(c *dissect.Ctx, sh *tlshello.ServerHello) {
	r.hello = true
	r.ja3 = sh.AppendJA3S(r.ja3[:0])
	r.ja3Hash = tlshello.AppendMD5Hex(r.ja3Hash[:0], r.ja3)
	r.exts = append(r.exts[:0], sh.Extensions...)
	c.Emit.Meta("ja3s", r.ja3Hash)
}

func appendMD5(dst, s []byte) []byte {
	sum := md5.Sum(s)
	return event.AppendHex(dst, sum[:], 0)
}

// appendVersion writes a version as Suricata does: Google's ASCII tags
// as text ("Q046"), others in hex without leading zeros ("1",
// "ff00001d", "6b3343cf").
func appendVersion(dst []byte, v uint32) []byte {
	if isGoogle(v) {
		return append(dst, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	const h = "0123456789abcdef"
	started := false
	for s := 28; s >= 0; s -= 4 {
		d := v >> uint(s) & 15
		if d != 0 || started || s == 0 {
			dst = append(dst, h[d])
			started = true
		}
	}
	return dst
}

// extNames are the TLS extension names Suricata logs in quic events
// (the IANA registry's, 0–59).
var extNames = [...]string{
	0: "server_name", 1: "max_fragment_length", 2: "client_certificate_url",
	3: "trusted_ca_keys", 4: "truncated_hmac", 5: "status_request",
	6: "user_mapping", 7: "client_authz", 8: "server_authz", 9: "cert_type",
	10: "supported_groups", 11: "ec_point_formats", 12: "srp",
	13: "signature_algorithms", 14: "use_srtp", 15: "heartbeat", 16: "alpn",
	17: "status_request_v2", 18: "signed_certificate_timestamp",
	19: "client_certificate_type", 20: "server_certificate_type",
	21: "padding", 22: "encrypt_then_mac", 23: "extended_master_secret",
	24: "token_binding", 25: "cached_info", 26: "tls_lts",
	27: "compress_certificate", 28: "record_size_limit", 29: "pwd_protect",
	30: "pwd_clear", 31: "password_salt", 32: "ticket_pinning",
	33: "tls_cert_with_extern_psk", 34: "delegated_credentials",
	35: "session_ticket", 36: "tlmsp", 37: "tlmsp_proxying",
	38: "tlmsp_delegate", 39: "supported_ekt_ciphers", 41: "pre_shared_key",
	42: "early_data", 43: "supported_versions", 44: "cookie",
	45: "psk_key_exchange_modes", 47: "certificate_authorities",
	48: "oid_filters", 49: "post_handshake_auth",
	50: "signature_algorithms_cert", 51: "key_share", 52: "transparency_info",
	53: "connection_id_deprecated", 54: "connection_id",
	55: "external_id_hash", 56: "external_session_id",
	57: "quic_transport_parameters", 58: "ticket_request", 59: "dnssec_chain",
}

// extName is Suricata's name for a TLS extension in quic events ("" for
// unnamed types, which are logged by number only).
func extName(t uint16) string {
	switch {
	case int(t) < len(extNames):
		return extNames[t]
	case t == 13172:
		return "next_protocol_negotiation"
	case t == 0xff01:
		return "renegotiation_info"
	}
	return ""
}

// AppendEVE implements dissect.Record.
func (r *record) AppendEVE(w *event.Writer) {
	w.ObjStart()
	w.KBytes("version", r.verStr)
	if len(r.sni) > 0 {
		w.KBytes("sni", r.sni)
	}
	if len(r.ua) > 0 {
		w.KBytes("ua", r.ua)
	}
	if len(r.cyu) > 0 {
		w.Key("cyu")
		w.ArrStart()
		w.ObjStart()
		w.KBytes("hash", r.cyuHash)
		w.KBytes("string", r.cyu)
		w.ObjEnd()
		w.ArrEnd()
	}
	if r.hello {
		if r.client {
			w.Key("ja3")
		} else {
			w.Key("ja3s")
		}
		w.ObjStart()
		w.KBytes("hash", r.ja3Hash)
		w.KBytes("string", r.ja3)
		w.ObjEnd()
		if len(r.ja4) > 0 {
			w.KBytes("ja4", r.ja4)
		}
		if len(r.exts) > 0 {
			w.Key("extensions")
			w.ArrStart()
			tlshello.ForEachExtension(r.exts, func(typ uint16, data []byte) {
				w.ObjStart()
				if n := extName(typ); n != "" {
					w.KString("name", n)
				}
				w.KUint("type", uint64(typ))
				switch typ {
				case 0:
					appendSNIValues(w, data)
				case 16:
					appendALPNValues(w, data)
				}
				w.ObjEnd()
			})
			w.ArrEnd()
		}
	}
	w.ObjEnd()
}

// appendSNIValues writes a server_name extension's names as "values".
func appendSNIValues(w *event.Writer, data []byte) {
	if len(data) < 2 {
		return
	}
	l := min(int(binary.BigEndian.Uint16(data)), len(data)-2)
	list := data[2 : 2+l]
	open := false
	for len(list) >= 3 {
		n := int(binary.BigEndian.Uint16(list[1:]))
		if 3+n > len(list) {
			break
		}
		if !open {
			w.Key("values")
			w.ArrStart()
			open = true
		}
		w.Bytes(list[3 : 3+n])
		list = list[3+n:]
	}
	if open {
		w.ArrEnd()
	}
}

// appendALPNValues writes an ALPN extension's protocols as "values".
func appendALPNValues(w *event.Writer, data []byte) {
	if len(data) < 2 {
		return
	}
	l := min(int(binary.BigEndian.Uint16(data)), len(data)-2)
	open := false
	for list := data[2 : 2+l]; ; {
		name, rest, ok := tlshello.NextALPN(list)
		if !ok {
			break
		}
		if !open {
			w.Key("values")
			w.ArrStart()
			open = true
		}
		w.Bytes(name)
		list = rest
	}
	if open {
		w.ArrEnd()
	}
}
