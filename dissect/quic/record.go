package quic

import (
	"crypto/md5"
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/internal/tlshello"
	"github.com/netsift/netsift/event"
)

// record is a flow's QUIC facts, encoded as Suricata's "quic" object.
// Everything is copied out of the packets.
type record struct {
	version uint32
	verStr  []byte
	hello   bool
	sni     []byte
	ja3     []byte
	ja3Hash []byte
	ja4     []byte
	alpn    []byte // ProtocolNameList
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

// RuleFields implements dissect.Fields with Suricata's QUIC buffers:
// quic.version is the long header's version field as sent (4 bytes:
// "Q046" for Google QUIC, |00 00 00 01| for v1), quic.sni and quic.ua
// the ClientHello's or CHLO's, and the TLS fingerprints ja3.hash,
// ja3.string and ja4.hash of an IETF ClientHello (Suricata applies those
// keywords to QUIC; tls.sni it does not).
func (r *record) RuleFields(add func(buffer string, value []byte)) {
	if r.version != 0 {
		binary.BigEndian.PutUint32(r.verRaw[:], r.version)
		add("quic.version", r.verRaw[:])
	}
	if len(r.sni) > 0 {
		add("quic.sni", r.sni)
	}
	if len(r.ua) > 0 {
		add("quic.ua", r.ua)
	}
	if r.hello {
		add("ja3.hash", r.ja3Hash)
		add("ja3.string", r.ja3)
		add("ja4.hash", r.ja4)
	}
}

var one = []byte("1")

// setHello records a parsed ClientHello and emits its host and metadata.
func (r *record) setHello(c *dissect.Ctx, ch *tlshello.ClientHello) {
	r.hello = true
	r.sni = append(r.sni[:0], ch.SNI...)
	if len(ch.SNI) > 0 {
		c.Emit.Host(ch.SNI)
	}
	r.ja3 = ch.AppendJA3(r.ja3[:0])
	r.ja3Hash = tlshello.AppendMD5Hex(r.ja3Hash[:0], r.ja3)
	r.ja4 = ch.AppendJA4(r.ja4[:0], tlshello.JA4QUIC)
	r.alpn = append(r.alpn[:0], ch.ALPN...)
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

// extName is Suricata's name for a TLS extension in quic events.
func extName(t uint16) string {
	switch t {
	case 0:
		return "server_name"
	case 1:
		return "max_fragment_length"
	case 5:
		return "status_request"
	case 10:
		return "supported_groups"
	case 11:
		return "ec_point_formats"
	case 13:
		return "signature_algorithms"
	case 14:
		return "use_srtp"
	case 15:
		return "heartbeat"
	case 16:
		return "alpn"
	case 18:
		return "signed_certificate_timestamp"
	case 21:
		return "padding"
	case 22:
		return "encrypt_then_mac"
	case 23:
		return "extended_master_secret"
	case 27:
		return "compress_certificate"
	case 28:
		return "record_size_limit"
	case 35:
		return "session_ticket"
	case 41:
		return "pre_shared_key"
	case 42:
		return "early_data"
	case 43:
		return "supported_versions"
	case 44:
		return "cookie"
	case 45:
		return "psk_key_exchange_modes"
	case 47:
		return "certificate_authorities"
	case 49:
		return "post_handshake_auth"
	case 50:
		return "signature_algorithms_cert"
	case 51:
		return "key_share"
	case 57:
		return "quic_transport_parameters"
	case 0xff01:
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
		w.Key("ja3")
		w.ObjStart()
		w.KBytes("hash", r.ja3Hash)
		w.KBytes("string", r.ja3)
		w.ObjEnd()
		w.KBytes("ja4", r.ja4)
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
					if len(r.sni) > 0 {
						w.Key("values")
						w.ArrStart()
						w.Bytes(r.sni)
						w.ArrEnd()
					}
				case 16:
					if len(r.alpn) > 0 {
						w.Key("values")
						w.ArrStart()
						for l := r.alpn; ; {
							name, rest, ok := tlshello.NextALPN(l)
							if !ok {
								break
							}
							w.Bytes(name)
							l = rest
						}
						w.ArrEnd()
					}
				}
				w.ObjEnd()
			})
			w.ArrEnd()
		}
	}
	w.ObjEnd()
}
