package tlshello

import (
	"crypto/md5"
	"crypto/sha256"
	"slices"
	"strconv"

	"github.com/netsift/netsift/event"
)

// AppendJA3 appends the JA3 string of ch to dst:
// "version,ciphers,extensions,groups,point_formats", decimal values joined
// by '-', GREASE values left out.
func (ch *ClientHello) AppendJA3(dst []byte) []byte {
	dst = strconv.AppendUint(dst, uint64(ch.Version), 10)
	dst = append(dst, ',')
	dst = appendDecList(dst, ch.CipherSuites)
	dst = append(dst, ',')
	first := true
	forEachExt(ch.Extensions, func(typ uint16, _ []byte) {
		if IsGREASE(typ) {
			return
		}
		if !first {
			dst = append(dst, '-')
		}
		first = false
		dst = strconv.AppendUint(dst, uint64(typ), 10)
	})
	dst = append(dst, ',')
	dst = appendDecList(dst, ch.Groups)
	dst = append(dst, ',')
	for i, f := range ch.PointFormats {
		if i > 0 {
			dst = append(dst, '-')
		}
		dst = strconv.AppendUint(dst, uint64(f), 10)
	}
	return dst
}

// AppendJA3S appends the JA3S string of sh: "version,cipher,extensions".
func (sh *ServerHello) AppendJA3S(dst []byte) []byte {
	dst = strconv.AppendUint(dst, uint64(sh.Version), 10)
	dst = append(dst, ',')
	dst = strconv.AppendUint(dst, uint64(sh.Cipher), 10)
	dst = append(dst, ',')
	first := true
	forEachExt(sh.Extensions, func(typ uint16, _ []byte) {
		if IsGREASE(typ) {
			return
		}
		if !first {
			dst = append(dst, '-')
		}
		first = false
		dst = strconv.AppendUint(dst, uint64(typ), 10)
	})
	return dst
}

// AppendMD5Hex appends the lower-case hex MD5 of s (the JA3/JA3S hash).
func AppendMD5Hex(dst, s []byte) []byte {
	sum := md5.Sum(s)
	return event.AppendHex(dst, sum[:], 0)
}

func appendDecList(dst, raw []byte) []byte {
	first := true
	for i := 0; i < len(raw)/2; i++ {
		v := U16(raw, i)
		if IsGREASE(v) {
			continue
		}
		if !first {
			dst = append(dst, '-')
		}
		first = false
		dst = strconv.AppendUint(dst, uint64(v), 10)
	}
	return dst
}

// forEachExt calls fn for each whole extension of a raw extension block.
func forEachExt(ext []byte, fn func(typ uint16, data []byte)) {
	r := reader{b: ext, ok: true}
	for len(r.b) > 0 {
		typ := r.u16()
		data := r.vec16()
		if !r.ok {
			return
		}
		fn(typ, data)
	}
}

// ForEachExtension calls fn for each whole extension of a raw extension
// block (ClientHello.Extensions, ServerHello.Extensions).
func ForEachExtension(ext []byte, fn func(typ uint16, data []byte)) { forEachExt(ext, fn) }

// jaMax bounds the values JA4 sorts; a hello with more ciphers or
// extensions than this is fingerprinted on its first jaMax (real clients
// send well under 100).
const jaMax = 512

// JA4 transport prefixes.
const (
	JA4TCP  = 't'
	JA4QUIC = 'q'
	JA4DTLS = 'd'
)

// AppendJA4 appends the JA4 fingerprint of ch (FoxIO spec) with transport
// prefix proto (JA4TCP, JA4QUIC or JA4DTLS):
// a_b_c where a = proto, version, 'd'/'i' (SNI present or not), cipher
// count, extension count, first+last character of the first ALPN; b = first
// 12 hex digits of SHA-256 of the sorted cipher list; c = the same of the
// sorted extension list (without SNI and ALPN) '_' signature algorithms in
// their order. GREASE is ignored everywhere.
func (ch *ClientHello) AppendJA4(dst []byte, proto byte) []byte {
	var vals [jaMax]uint16
	dst = append(dst, proto)
	dst = append(dst, ja4Version(ch.MaxVersion())...)
	if ch.HasSNI {
		dst = append(dst, 'd')
	} else {
		dst = append(dst, 'i')
	}
	// Ciphers.
	nc := 0
	for i := 0; i < len(ch.CipherSuites)/2 && nc < jaMax; i++ {
		if v := U16(ch.CipherSuites, i); !IsGREASE(v) {
			vals[nc] = v
			nc++
		}
	}
	ciphers := vals[:nc]
	// Extensions: counted with SNI/ALPN, hashed without.
	ne := 0
	rest := vals[nc:]
	nh := 0
	forEachExt(ch.Extensions, func(typ uint16, _ []byte) {
		if IsGREASE(typ) {
			return
		}
		ne++
		if typ != ExtServerName && typ != ExtALPN && nh < len(rest) {
			rest[nh] = typ
			nh++
		}
	})
	exts := rest[:nh]
	dst = append2(dst, nc)
	dst = append2(dst, ne)
	dst = appendALPNChars(dst, ch.ALPN)
	dst = append(dst, '_')

	slices.Sort(ciphers)
	start := len(dst)
	for i, v := range ciphers {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendHex4(dst, v)
	}
	dst = hashTail(dst, start)
	dst = append(dst, '_')

	slices.Sort(exts)
	start = len(dst)
	for i, v := range exts {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendHex4(dst, v)
	}
	if len(exts) > 0 && len(ch.SigAlgs) >= 2 {
		dst = append(dst, '_')
		first := true
		for i := 0; i < len(ch.SigAlgs)/2; i++ {
			v := U16(ch.SigAlgs, i)
			if IsGREASE(v) {
				continue
			}
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = appendHex4(dst, v)
		}
	}
	return hashTail(dst, start)
}

// hashTail replaces dst[start:] by the first 12 hex digits of its SHA-256,
// or by "000000000000" when it is empty.
func hashTail(dst []byte, start int) []byte {
	if len(dst) == start {
		return append(dst, "000000000000"...)
	}
	sum := sha256.Sum256(dst[start:])
	return event.AppendHex(dst[:start], sum[:6], 0)
}

func ja4Version(v uint16) string {
	switch v {
	case 0x0304:
		return "13"
	case 0x0303:
		return "12"
	case 0x0302:
		return "11"
	case 0x0301:
		return "10"
	case 0x0300:
		return "s3"
	case 0x0002:
		return "s2"
	case 0xfeff:
		return "d1"
	case 0xfefd:
		return "d2"
	case 0xfefc:
		return "d3"
	}
	return "00"
}

func append2(dst []byte, n int) []byte {
	if n > 99 {
		n = 99
	}
	return append(dst, byte('0'+n/10), byte('0'+n%10))
}

func appendHex4(dst []byte, v uint16) []byte {
	const h = "0123456789abcdef"
	return append(dst, h[v>>12], h[v>>8&15], h[v>>4&15], h[v&15])
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// appendALPNChars writes JA4's two ALPN characters: the first and last
// character of the first protocol, or — when either is not alphanumeric —
// the first and last hex digit of the protocol's bytes; "00" without ALPN.
func appendALPNChars(dst, list []byte) []byte {
	name, _, ok := NextALPN(list)
	if !ok {
		return append(dst, '0', '0')
	}
	f, l := name[0], name[len(name)-1]
	if isAlnum(f) && isAlnum(l) {
		return append(dst, f, l)
	}
	const h = "0123456789abcdef"
	return append(dst, h[f>>4], h[l&15])
}
