// Package tlshello parses the TLS handshake messages that carry the
// cleartext facts of a TLS, DTLS or QUIC connection: ClientHello,
// ServerHello and (TLS ≤ 1.2) Certificate, and computes the JA3, JA3S and
// JA4 fingerprints from them. It is shared by dissect/tls, dissect/quic and
// dissect/dtls and by nothing else.
//
// Parsing is zero-copy: every slice in a parsed struct points into the
// message body the caller passed, and is valid as long as that body is.
// Nothing here allocates except certificate parsing (crypto/x509), which
// runs at most once per flow.
package tlshello

import (
	"encoding/binary"
)

// Handshake message types (RFC 8446 §4, RFC 6347 §4.2.2).
const (
	TypeClientHello        = 1
	TypeServerHello        = 2
	TypeHelloVerifyRequest = 3
	TypeCertificate        = 11
	TypeServerHelloDone    = 14
)

// Extension numbers this package looks into.
const (
	ExtServerName          = 0x0000
	ExtSupportedGroups     = 0x000a
	ExtECPointFormats      = 0x000b
	ExtSignatureAlgorithms = 0x000d
	ExtALPN                = 0x0010
	ExtSupportedVersions   = 0x002b
	ExtQUICParams          = 0x0039
	ExtQUICParamsDraft     = 0xffa5
	ExtECH                 = 0xfe0d
)

// IsGREASE reports whether v is one of the RFC 8701 GREASE values
// (0x0a0a, 0x1a1a, … 0xfafa), which fingerprints ignore.
func IsGREASE(v uint16) bool {
	return v&0x0f0f == 0x0a0a && v>>8 == v&0xff
}

// ClientHello is a parsed ClientHello. Raw lists (CipherSuites, Groups,
// SigAlgs, SupportedVersions) hold big-endian uint16 values back to back;
// use U16 to read them.
type ClientHello struct {
	// Version is legacy_version.
	Version      uint16
	Random       []byte
	SessionID    []byte
	Cookie       []byte // DTLS only
	CipherSuites []byte
	Compression  []byte
	// Extensions is the raw extension block (type, length, data)*.
	Extensions []byte
	// SNI is the first host_name of server_name (nil when absent).
	SNI    []byte
	HasSNI bool
	// ALPN is the ProtocolNameList content: (len8, name)*. Walk it with
	// NextALPN.
	ALPN              []byte
	SupportedVersions []byte
	Groups            []byte
	PointFormats      []byte
	SigAlgs           []byte
	// ECH is set when encrypted_client_hello (0xfe0d) is offered.
	ECH bool
	// QUICParams is set when quic_transport_parameters is present.
	QUICParams bool
	// SSLv2 is set for an SSLv2-compatible ClientHello (no extensions).
	SSLv2 bool
}

// U16 returns the i-th big-endian uint16 of a raw list.
func U16(raw []byte, i int) uint16 { return binary.BigEndian.Uint16(raw[2*i:]) }

// reader is a bounds-checked cursor; after any failure ok is false and
// every further read returns zero values.
type reader struct {
	b  []byte
	ok bool
}

func (r *reader) u8() byte {
	if !r.ok || len(r.b) < 1 {
		r.ok = false
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) u16() uint16 {
	if !r.ok || len(r.b) < 2 {
		r.ok = false
		return 0
	}
	v := binary.BigEndian.Uint16(r.b)
	r.b = r.b[2:]
	return v
}

func (r *reader) bytes(n int) []byte {
	if !r.ok || n < 0 || len(r.b) < n {
		r.ok = false
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) vec8() []byte  { return r.bytes(int(r.u8())) }
func (r *reader) vec16() []byte { return r.bytes(int(r.u16())) }

// ParseClientHello parses a ClientHello body (the bytes after the 4-byte
// TLS handshake header, or after the 12-byte DTLS one when dtls is set)
// into ch. It reports false when the body is malformed; fields parsed
// before the damage are kept. A body cut short inside the extension block
// keeps the extensions that were whole.
func ParseClientHello(body []byte, dtls bool, ch *ClientHello) bool {
	*ch = ClientHello{}
	r := reader{b: body, ok: true}
	ch.Version = r.u16()
	ch.Random = r.bytes(32)
	ch.SessionID = r.vec8()
	if dtls {
		ch.Cookie = r.vec8()
	}
	ch.CipherSuites = r.vec16()
	if len(ch.CipherSuites)%2 != 0 {
		return false
	}
	ch.Compression = r.vec8()
	if !r.ok {
		return false
	}
	if len(r.b) == 0 {
		return true // no extensions (SSLv3, old clients)
	}
	ext := r.vec16()
	if !r.ok {
		return false
	}
	ch.Extensions = ext
	return parseCHExtensions(ch)
}

func parseCHExtensions(ch *ClientHello) bool {
	r := reader{b: ch.Extensions, ok: true}
	for len(r.b) > 0 {
		typ := r.u16()
		data := r.vec16()
		if !r.ok {
			return false
		}
		switch typ {
		case ExtServerName:
			ch.HasSNI = true
			ch.SNI = parseSNI(data)
		case ExtALPN:
			e := reader{b: data, ok: true}
			ch.ALPN = e.vec16()
		case ExtSupportedVersions:
			e := reader{b: data, ok: true}
			v := e.vec8()
			if len(v)%2 == 0 {
				ch.SupportedVersions = v
			}
		case ExtSupportedGroups:
			e := reader{b: data, ok: true}
			v := e.vec16()
			if len(v)%2 == 0 {
				ch.Groups = v
			}
		case ExtECPointFormats:
			e := reader{b: data, ok: true}
			ch.PointFormats = e.vec8()
		case ExtSignatureAlgorithms:
			e := reader{b: data, ok: true}
			v := e.vec16()
			if len(v)%2 == 0 {
				ch.SigAlgs = v
			}
		case ExtECH:
			ch.ECH = true
		case ExtQUICParams, ExtQUICParamsDraft:
			ch.QUICParams = true
		}
	}
	return true
}

// parseSNI returns the first host_name entry of a server_name extension.
func parseSNI(data []byte) []byte {
	r := reader{b: data, ok: true}
	list := r.vec16()
	l := reader{b: list, ok: r.ok}
	for len(l.b) > 0 {
		typ := l.u8()
		name := l.vec16()
		if !l.ok {
			return nil
		}
		if typ == 0 {
			return name
		}
	}
	return nil
}

// ParseSSLv2ClientHello parses an SSLv2-compatible CLIENT-HELLO record
// (RFC 6101 appendix E.2): the 2-byte record header with the high bit set,
// message type 1, version, and cipher specs of 3 bytes each. Only ciphers
// of the form 0x00XXXX are kept in CipherSuites (as 2-byte values) — those
// are the TLS suites; the rest are SSLv2 kinds. It needs scratch space for
// the converted suites (at least half the record) and returns false when
// the record is malformed.
func ParseSSLv2ClientHello(rec []byte, scratch []byte, ch *ClientHello) bool {
	*ch = ClientHello{SSLv2: true}
	if len(rec) < 11 || rec[0]&0x80 == 0 || rec[2] != 1 {
		return false
	}
	n := int(rec[0]&0x7f)<<8 | int(rec[1])
	if n+2 > len(rec) || n < 9 {
		return false
	}
	m := rec[2 : 2+n]
	ch.Version = binary.BigEndian.Uint16(m[1:])
	csLen := int(binary.BigEndian.Uint16(m[3:]))
	sidLen := int(binary.BigEndian.Uint16(m[5:]))
	chLen := int(binary.BigEndian.Uint16(m[7:]))
	if csLen%3 != 0 || 9+csLen+sidLen+chLen > len(m) {
		return false
	}
	cs := m[9 : 9+csLen]
	out := scratch[:0]
	for i := 0; i+3 <= len(cs) && len(out)+2 <= cap(scratch); i += 3 {
		if cs[i] == 0 {
			out = append(out, cs[i+1], cs[i+2])
		}
	}
	ch.CipherSuites = out
	ch.SessionID = m[9+csLen : 9+csLen+sidLen]
	ch.Random = m[9+csLen+sidLen : 9+csLen+sidLen+chLen]
	return true
}

// NextALPN splits the first protocol name off an ALPN ProtocolNameList
// (as in ClientHello.ALPN); ok is false at the end or on damage.
func NextALPN(list []byte) (name, rest []byte, ok bool) {
	if len(list) < 1 {
		return nil, nil, false
	}
	n := int(list[0])
	if n == 0 || 1+n > len(list) {
		return nil, nil, false
	}
	return list[1 : 1+n], list[1+n:], true
}

// MaxVersion is the highest non-GREASE value of supported_versions, or
// legacy_version when the extension is absent (the version JA4 reports).
func (ch *ClientHello) MaxVersion() uint16 {
	var best uint16
	for i := 0; i < len(ch.SupportedVersions)/2; i++ {
		v := U16(ch.SupportedVersions, i)
		if !IsGREASE(v) && v > best {
			best = v
		}
	}
	if best == 0 {
		return ch.Version
	}
	return best
}

// ServerHello is a parsed ServerHello (or DTLS HelloVerifyRequest's
// version only).
type ServerHello struct {
	// Version is legacy_version.
	Version     uint16
	Random      []byte
	SessionID   []byte
	Cipher      uint16
	Compression byte
	Extensions  []byte
	// SelectedVersion is supported_versions' value (TLS 1.3), else 0.
	SelectedVersion uint16
	// ALPN is the protocol the server selected (nil when none).
	ALPN []byte
	// RetryRequest is set for a TLS 1.3 HelloRetryRequest.
	RetryRequest bool
}

// helloRetryRandom is the special Random of a HelloRetryRequest
// (RFC 8446 §4.1.3: SHA-256 of "HelloRetryRequest").
var helloRetryRandom = [32]byte{
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
}

// ParseServerHello parses a ServerHello body (after the handshake header).
func ParseServerHello(body []byte, sh *ServerHello) bool {
	*sh = ServerHello{}
	r := reader{b: body, ok: true}
	sh.Version = r.u16()
	sh.Random = r.bytes(32)
	sh.SessionID = r.vec8()
	sh.Cipher = r.u16()
	sh.Compression = r.u8()
	if !r.ok {
		return false
	}
	sh.RetryRequest = string(sh.Random) == string(helloRetryRandom[:])
	if len(r.b) == 0 {
		return true
	}
	sh.Extensions = r.vec16()
	if !r.ok {
		return false
	}
	e := reader{b: sh.Extensions, ok: true}
	for len(e.b) > 0 {
		typ := e.u16()
		data := e.vec16()
		if !e.ok {
			return false
		}
		switch typ {
		case ExtSupportedVersions:
			if len(data) == 2 {
				sh.SelectedVersion = binary.BigEndian.Uint16(data)
			}
		case ExtALPN:
			d := reader{b: data, ok: true}
			if name, _, ok := NextALPN(d.vec16()); ok {
				sh.ALPN = name
			}
		}
	}
	return true
}

// NegotiatedVersion returns the negotiated version: supported_versions when present,
// else legacy_version.
func (sh *ServerHello) NegotiatedVersion() uint16 {
	if sh.SelectedVersion != 0 {
		return sh.SelectedVersion
	}
	return sh.Version
}

// FirstCertificate returns the DER bytes of the first certificate of a
// TLS ≤ 1.2 Certificate message body, and how many certificates the
// message holds. ok is false when the message is malformed.
func FirstCertificate(body []byte) (der []byte, n int, ok bool) {
	if len(body) < 3 {
		return nil, 0, false
	}
	total := int(body[0])<<16 | int(body[1])<<8 | int(body[2])
	list := body[3:]
	if total > len(list) {
		return nil, 0, false
	}
	list = list[:total]
	for len(list) > 0 {
		if len(list) < 3 {
			return der, n, false
		}
		l := int(list[0])<<16 | int(list[1])<<8 | int(list[2])
		if 3+l > len(list) {
			return der, n, false
		}
		if n == 0 {
			der = list[3 : 3+l : 3+l]
		}
		n++
		list = list[3+l:]
	}
	return der, n, true
}

// VersionName returns Suricata's name for a protocol version: "SSLv2",
// "SSLv3", "TLSv1", "TLS 1.1", "TLS 1.2", "TLS 1.3", "DTLS 1.0",
// "DTLS 1.2", "DTLS 1.3", "TLS 1.3 draft" for 0x7fXX, "UNDETERMINED"
// otherwise.
func VersionName(v uint16) string {
	switch v {
	case 0x0002:
		return "SSLv2"
	case 0x0300:
		return "SSLv3"
	case 0x0301:
		return "TLSv1"
	case 0x0302:
		return "TLS 1.1"
	case 0x0303:
		return "TLS 1.2"
	case 0x0304:
		return "TLS 1.3"
	case 0xfeff:
		return "DTLS 1.0"
	case 0xfefd:
		return "DTLS 1.2"
	case 0xfefc:
		return "DTLS 1.3"
	}
	if v>>8 == 0x7f {
		return "TLS 1.3 draft"
	}
	return "UNDETERMINED"
}
