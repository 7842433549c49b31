package tls

import (
	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
)

// inspectRec offers the flow's handshake, as far as it has gone, to the
// signature engine (Emitter.Inspect, transaction 0). side is the
// direction of the message that prompted it: tls.random is that side's
// Random, as Suricata's tls.random reads the client's in to_server and
// the server's in to_client inspection.
type inspectRec struct {
	r    *record
	side dissect.Dir
}

var (
	_ dissect.Record = (*inspectRec)(nil)
	_ dissect.Fields = (*inspectRec)(nil)
)

// AppendEVE writes the flow's tls object.
func (f *inspectRec) AppendEVE(w *event.Writer) { f.r.AppendEVE(w) }

// RuleFields implements dissect.Fields with Suricata's TLS buffers. The
// certificate strings are those of the EVE record (Suricata's formats:
// "C=US, O=…, CN=…", serial "0C:9A:5E", fingerprint "aa:bb:…"); tls.certs
// is each certificate's DER, server certificate first.
func (f *inspectRec) RuleFields(add func(buffer string, value []byte)) {
	r := f.r
	if len(r.sni) > 0 {
		add("tls.sni", r.sni)
	}
	if r.chSeen {
		add("ja3.hash", r.ja3Hash)
		add("ja3.string", r.ja3)
		if len(r.ja4) > 0 {
			add("ja4.hash", r.ja4)
		}
	}
	if r.shSeen {
		add("ja3s.hash", r.ja3sHash)
		add("ja3s.string", r.ja3s)
	}
	// tls.version: the negotiated version once the ServerHello is seen,
	// else the ClientHello's; two bytes, big-endian (0x0303 = TLS 1.2).
	if v := r.version; v != 0 || r.clientVersion != 0 {
		if v == 0 {
			v = r.clientVersion
		}
		r.verBuf = [2]byte{byte(v >> 8), byte(v)}
		add("tls.version", r.verBuf[:])
	}
	if f.side == dissect.ToServer && len(r.clientRandom) > 0 {
		add("tls.random", r.clientRandom)
	} else if f.side == dissect.ToClient && len(r.serverRandom) > 0 {
		add("tls.random", r.serverRandom)
	}
	if r.certSeen {
		ci := &r.cert
		// The strings are converted in a reused buffer: no allocation.
		for _, v := range [...]struct{ buf, s string }{
			{"tls.cert_subject", ci.Subject}, {"tls.cert_issuer", ci.Issuer},
			{"tls.cert_serial", ci.Serial}, {"tls.cert_fingerprint", ci.Fingerprint},
		} {
			if v.s != "" {
				r.scratch = append(r.scratch[:0], v.s...)
				add(v.buf, r.scratch)
			}
		}
		forEachCert(r.certs, func(der []byte) { add("tls.certs", der) })
	}
}

// forEachCert calls fn with each certificate of a TLS ≤ 1.2 Certificate
// message body, stopping at the first malformed entry.
func forEachCert(body []byte, fn func(der []byte)) {
	if len(body) < 3 {
		return
	}
	list := body[3:]
	if total := int(body[0])<<16 | int(body[1])<<8 | int(body[2]); total < len(list) {
		list = list[:total]
	}
	for len(list) >= 3 {
		l := int(list[0])<<16 | int(list[1])<<8 | int(list[2])
		if 3+l > len(list) {
			return
		}
		fn(list[3 : 3+l])
		list = list[3+l:]
	}
}
