package tls

import (
	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/internal/tlshello"
	"github.com/netsift/netsift/event"
)

// record is a flow's TLS facts; it encodes as Suricata's "tls" object.
// Byte slices are owned by the record (copied out of the handshake).
type record struct {
	chSeen, shSeen, certSeen bool

	sni           []byte
	clientVersion uint16
	version       uint16  // negotiated (0 = no ServerHello)
	verBuf        [2]byte // tls.version rule buffer (RuleFields)
	cipher        uint16
	ja3, ja3Hash  []byte
	ja3s          []byte
	ja3sHash      []byte
	ja4           []byte
	alpn          []byte // client's ProtocolNameList
	serverALPN    []byte
	ciphers       []byte // raw uint16 lists
	exts          []byte
	sigAlgs       []byte
	serverExts    []byte
	ech           bool
	cert          tlshello.CertInfo
	chainLen      int
	// For the signature engine (fields.go): the hello Randoms, the
	// Certificate message body (every certificate's DER) and a buffer
	// the certificate strings are offered from.
	clientRandom []byte
	serverRandom []byte
	certs        []byte
	scratch      []byte
}

var _ dissect.Record = (*record)(nil)

// AppendEVE implements dissect.Record with Suricata's field names.
func (r *record) AppendEVE(w *event.Writer) {
	w.ObjStart()
	if r.certSeen {
		ci := &r.cert
		if ci.Subject != "" {
			w.KString("subject", ci.Subject)
		}
		if ci.Issuer != "" {
			w.KString("issuerdn", ci.Issuer)
		}
		if ci.Serial != "" {
			w.KString("serial", ci.Serial)
		}
		if ci.Fingerprint != "" {
			w.KString("fingerprint", ci.Fingerprint)
		}
	}
	if len(r.sni) > 0 {
		w.KBytes("sni", r.sni)
	}
	switch {
	case r.shSeen:
		w.KString("version", tlshello.VersionName(r.version))
	case r.chSeen:
		// No ServerHello: Suricata (≥ 8.0.3) reports the ClientHello's.
		w.KString("version", tlshello.VersionName(r.clientVersion))
	default:
		w.KString("version", "UNDETERMINED")
	}
	if r.certSeen {
		if r.cert.NotBefore != "" {
			w.KString("notbefore", r.cert.NotBefore)
		}
		if r.cert.NotAfter != "" {
			w.KString("notafter", r.cert.NotAfter)
		}
		if len(r.cert.DNSNames) > 0 {
			w.Key("subjectaltname")
			w.ArrStart()
			for _, n := range r.cert.DNSNames {
				w.String(n)
			}
			w.ArrEnd()
		}
	}
	if r.chSeen {
		w.Key("ja3")
		w.ObjStart()
		w.KBytes("hash", r.ja3Hash)
		w.KBytes("string", r.ja3)
		w.ObjEnd()
	}
	if r.shSeen {
		w.Key("ja3s")
		w.ObjStart()
		w.KBytes("hash", r.ja3sHash)
		w.KBytes("string", r.ja3s)
		w.ObjEnd()
	}
	if len(r.ja4) > 0 {
		w.KBytes("ja4", r.ja4)
	}
	if len(r.alpn) > 0 {
		w.Key("client_alpns")
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
	if len(r.serverALPN) > 0 {
		w.Key("server_alpns")
		w.ArrStart()
		w.Bytes(r.serverALPN)
		w.ArrEnd()
	}
	if r.chSeen {
		w.Key("client_handshake")
		w.ObjStart()
		w.KString("version", tlshello.VersionName(r.clientVersion))
		u16Array(w, "ciphers", r.ciphers)
		u16Array(w, "exts", r.exts)
		u16Array(w, "sig_algs", r.sigAlgs)
		w.ObjEnd()
	}
	if r.shSeen {
		w.Key("server_handshake")
		w.ObjStart()
		w.KString("version", tlshello.VersionName(r.version))
		w.KUint("cipher", uint64(r.cipher))
		u16Array(w, "exts", r.serverExts)
		w.ObjEnd()
	}
	w.ObjEnd()
}

// u16Array writes a raw big-endian uint16 list as a JSON array of
// integers; the schema wants at least one item, so an empty list is
// left out.
func u16Array(w *event.Writer, key string, raw []byte) {
	if len(raw) < 2 {
		return
	}
	w.Key(key)
	w.ArrStart()
	for i := 0; i < len(raw)/2; i++ {
		w.Uint(uint64(tlshello.U16(raw, i)))
	}
	w.ArrEnd()
}
