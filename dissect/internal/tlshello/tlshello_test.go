package tlshello

import (
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"
)

// builder assembles a ClientHello body by hand for known-answer tests.
type builder struct{ exts []byte }

func u16s(vals ...uint16) []byte {
	var b []byte
	for _, v := range vals {
		b = binary.BigEndian.AppendUint16(b, v)
	}
	return b
}

func vec16(b []byte) []byte { return append(binary.BigEndian.AppendUint16(nil, uint16(len(b))), b...) }
func vec8(b []byte) []byte  { return append([]byte{byte(len(b))}, b...) }

func (bl *builder) ext(typ uint16, data []byte) {
	bl.exts = binary.BigEndian.AppendUint16(bl.exts, typ)
	bl.exts = append(bl.exts, vec16(data)...)
}

func (bl *builder) hello(version uint16, ciphers []uint16) []byte {
	b := binary.BigEndian.AppendUint16(nil, version)
	b = append(b, make([]byte, 32)...)
	b = append(b, vec8(make([]byte, 32))...)
	b = append(b, vec16(u16s(ciphers...))...)
	b = append(b, 1, 0)
	return append(b, vec16(bl.exts)...)
}

func sniExt(name string) []byte {
	entry := append([]byte{0}, vec16([]byte(name))...)
	return vec16(entry)
}

func alpnExt(names ...string) []byte {
	var l []byte
	for _, n := range names {
		l = append(l, vec8([]byte(n))...)
	}
	return vec16(l)
}

func hexList(t *testing.T, s string) []uint16 {
	var out []uint16
	for _, h := range strings.Split(s, ",") {
		b, err := hex.DecodeString(h)
		if err != nil || len(b) != 2 {
			t.Fatalf("bad hex %q", h)
		}
		out = append(out, binary.BigEndian.Uint16(b))
	}
	return out
}

// chromeHello rebuilds a Chrome 143 ClientHello from a published
// fingerprint record (original orders of ciphers, extensions and signature
// algorithms, plus two GREASE values that every fingerprint must ignore).
func chromeHello(t *testing.T) []byte {
	ciphers := append([]uint16{0x3a3a}, hexList(t, "1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035")...)
	sigs := hexList(t, "0403,0804,0401,0503,0805,0501,0806,0601")
	var bl builder
	bl.ext(0x2a2a, nil) // GREASE
	for _, e := range hexList(t, "002d,0033,0010,fe0d,0017,44cd,0000,000b,000a,002b,ff01,0023,0012,0005,000d,001b") {
		switch e {
		case 0x0000:
			bl.ext(e, sniExt("tls.browserleaks.com"))
		case 0x0010:
			bl.ext(e, alpnExt("h2", "http/1.1"))
		case 0x000b:
			bl.ext(e, vec8([]byte{0}))
		case 0x000a:
			bl.ext(e, vec16(u16s(0x4a4a, 4588, 29, 23, 24)))
		case 0x002b:
			bl.ext(e, vec8(u16s(0x5a5a, 0x0304, 0x0303)))
		case 0x000d:
			bl.ext(e, vec16(u16s(sigs...)))
		default:
			bl.ext(e, []byte{0})
		}
	}
	return bl.hello(0x0303, ciphers)
}

// TestFingerprintsKnownAnswer checks JA3 and JA4 against the values a
// public fingerprinting service published for this hello (JA4
// t13d1516h2_8daaf6152771_d8a2da3f94cd, JA3 98487aa1…).
func TestFingerprintsKnownAnswer(t *testing.T) {
	var ch ClientHello
	if !ParseClientHello(chromeHello(t), false, &ch) {
		t.Fatal("parse failed")
	}
	if string(ch.SNI) != "tls.browserleaks.com" || !ch.ECH {
		t.Errorf("SNI %q ECH %v", ch.SNI, ch.ECH)
	}
	ja3 := string(ch.AppendJA3(nil))
	const wantJA3 = "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,45-51-16-65037-23-17613-0-11-10-43-65281-35-18-5-13-27,4588-29-23-24,0"
	if ja3 != wantJA3 {
		t.Errorf("JA3\n got %s\nwant %s", ja3, wantJA3)
	}
	if h := string(AppendMD5Hex(nil, []byte(ja3))); h != "98487aa16281980e7d1120d399efb6a4" {
		t.Errorf("JA3 hash %s", h)
	}
	if ja4 := string(ch.AppendJA4(nil, JA4TCP)); ja4 != "t13d1516h2_8daaf6152771_d8a2da3f94cd" {
		t.Errorf("JA4 %s", ja4)
	}
	if v := ch.MaxVersion(); v != 0x0304 {
		t.Errorf("max version %#x", v)
	}
}

// TestJA4Rules checks the spec's corner cases, built by hand: no SNI ('i'),
// no ALPN ("00"), non-alphanumeric ALPN (hex digits), no extensions
// (000000000000), counts capped at 99, and the QUIC prefix.
func TestJA4Rules(t *testing.T) {
	var bl builder
	bl.ext(0x0010, alpnExt("\x01x\xfe"))
	bl.ext(0x000d, vec16(u16s(0x0403)))
	var ch ClientHello
	if !ParseClientHello(bl.hello(0x0303, []uint16{0x1301}), false, &ch) {
		t.Fatal("parse")
	}
	got := string(ch.AppendJA4(nil, JA4QUIC))
	if !strings.HasPrefix(got, "q12i01020e_") {
		t.Errorf("JA4 a part: %s", got)
	}
	// No extensions at all; 120 ciphers.
	var many []uint16
	for i := range 120 {
		many = append(many, uint16(i+1))
	}
	var empty builder
	b := empty.hello(0x0301, many)
	b = b[:len(b)-2] // drop the (empty) extension block entirely
	if !ParseClientHello(b, false, &ch) {
		t.Fatal("parse 2")
	}
	got = string(ch.AppendJA4(nil, JA4TCP))
	if !strings.HasPrefix(got, "t10i990000_") || !strings.HasSuffix(got, "_000000000000") {
		t.Errorf("JA4 without extensions: %s", got)
	}
}

func TestServerHelloAndVersions(t *testing.T) {
	var bl builder
	bl.ext(0x002b, u16s(0x0304))
	bl.ext(0x0010, alpnExt("h2"))
	body := binary.BigEndian.AppendUint16(nil, 0x0303)
	body = append(body, make([]byte, 32)...)
	body = append(body, 0)
	body = binary.BigEndian.AppendUint16(body, 0x1301)
	body = append(body, 0)
	body = append(body, vec16(bl.exts)...)
	var sh ServerHello
	if !ParseServerHello(body, &sh) {
		t.Fatal("parse")
	}
	if sh.NegotiatedVersion() != 0x0304 || string(sh.ALPN) != "h2" || sh.Cipher != 0x1301 {
		t.Errorf("%+v", sh)
	}
	if s := string(sh.AppendJA3S(nil)); s != "771,4865,43-16" {
		t.Errorf("JA3S %s", s)
	}
	for v, want := range map[uint16]string{0x0300: "SSLv3", 0x0301: "TLSv1", 0x0302: "TLS 1.1", 0x0303: "TLS 1.2", 0x0304: "TLS 1.3", 0xfefd: "DTLS 1.2", 0x1234: "UNDETERMINED"} {
		if got := VersionName(v); got != want {
			t.Errorf("VersionName(%#x) = %q", v, got)
		}
	}
}

func TestTruncatedHellos(t *testing.T) {
	full := chromeHello(t)
	var ch ClientHello
	for i := range full {
		ParseClientHello(full[:i], false, &ch) // must not panic
		ParseClientHello(full[:i], true, &ch)
	}
	var sh ServerHello
	for i := range full {
		ParseServerHello(full[:i], &sh)
		FirstCertificate(full[:i])
	}
}

func TestGREASE(t *testing.T) {
	n := 0
	for v := range 0x10000 {
		if IsGREASE(uint16(v)) {
			n++
		}
	}
	if n != 16 || !IsGREASE(0x0a0a) || !IsGREASE(0xfafa) || IsGREASE(0x0a1a) {
		t.Errorf("GREASE: %d values", n)
	}
}

// BenchmarkClientHello measures parsing a Chrome ClientHello and computing
// JA3 (with hash) and JA4; it must not allocate.
func BenchmarkClientHello(b *testing.B) {
	body := chromeHello(&testing.T{})
	buf := make([]byte, 0, 1024)
	var ch ClientHello
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		ParseClientHello(body, false, &ch)
		buf = ch.AppendJA3(buf[:0])
		buf = AppendMD5Hex(buf, buf)
		buf = ch.AppendJA4(buf[:0], JA4TCP)
	}
}

func TestClientHelloAllocs(t *testing.T) {
	body := chromeHello(t)
	buf := make([]byte, 0, 1024)
	var ch ClientHello
	n := testing.AllocsPerRun(100, func() {
		ParseClientHello(body, false, &ch)
		buf = ch.AppendJA3(buf[:0])
		buf = AppendMD5Hex(buf, buf)
		buf = ch.AppendJA4(buf[:0], JA4TCP)
	})
	if n != 0 {
		t.Errorf("%v allocations per hello, want 0", n)
	}
}
