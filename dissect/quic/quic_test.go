package quic

import (
	"context"
	gotls "crypto/tls"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
	"github.com/netsift/netsift/dissect/internal/tlshello"
	"github.com/netsift/netsift/event"
)

func unhex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// TestInitialSecrets checks key derivation against RFC 9001 appendix A.1
// and RFC 9369 appendix A.1 (DCID 0x8394c8f03e515708).
func TestInitialSecrets(t *testing.T) {
	dcid := unhex("8394c8f03e515708")
	for _, tc := range []struct {
		v           uint32
		server      bool
		key, iv, hp string
	}{
		{v1, false, "1f369613dd76d5467730efcbe3b1a22d", "fa044b2f42a3fd3b46fb255c", "9f50449e04a0e810283a1e9933adedd2"},
		{v1, true, "cf3a5331653c364c88f0f379b6067e37", "0ac1493ca1905853b0bba03e", "c206b8d9b9f0f37644430b490eeaa314"},
		{v2, false, "8b1a0bc121284290a29e0971b5cd045d", "91f73e2351d8fa91660e909f", "45b95e15235d6f45a6b19cbcb0294ba9"},
		{v2, true, "82db637861d55e1d011f19ea71d5d2a7", "dd13c276499c0249d3310652", "edf6d05c83121201b436e16877593c3a"},
	} {
		key, iv, hp, err := deriveSecrets(tc.v, dcid, tc.server)
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(key) != tc.key || hex.EncodeToString(iv) != tc.iv || hex.EncodeToString(hp) != tc.hp {
			t.Errorf("v=%#x server=%v: key %x iv %x hp %x", tc.v, tc.server, key, iv, hp)
		}
	}
}

// TestPacketNumber checks RFC 9000 appendix A.3's example.
func TestPacketNumber(t *testing.T) {
	if got := decodePN(0xa82f30ea, 0x9b32, 16); got != 0xa82f9b32 {
		t.Errorf("decodePN = %#x", got)
	}
}

// clientHello makes crypto/tls produce a QUIC ClientHello.
func clientHello(t *testing.T, sni string, alpn []string) []byte {
	t.Helper()
	q := gotls.QUICClient(&gotls.QUICConfig{TLSConfig: &gotls.Config{ServerName: sni, NextProtos: alpn, MinVersion: gotls.VersionTLS13}})
	q.SetTransportParameters([]byte{0x01, 0x02, 0x40, 0x64})
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	for {
		ev := q.NextEvent()
		switch ev.Kind {
		case gotls.QUICNoEvent:
			t.Fatal("no ClientHello")
		case gotls.QUICWriteData:
			if ev.Level == gotls.QUICEncryptionLevelInitial {
				return append([]byte(nil), ev.Data...)
			}
		}
	}
}

// sealInitial builds one protected client Initial packet carrying frames,
// padded so the packet is at least size bytes.
func sealInitial(t *testing.T, v uint32, dcid []byte, pn uint32, frames []byte, size int) []byte {
	t.Helper()
	k, err := deriveKeys(v, dcid, false)
	if err != nil {
		t.Fatal(err)
	}
	return sealWith(t, k, v, dcid, pn, frames, size)
}

// sealWith builds one Initial packet protected with k (either side's).
func sealWith(t *testing.T, k *keys, v uint32, dcid []byte, pn uint32, frames []byte, size int) []byte {
	t.Helper()
	typ := byte(0)
	if v == v2 {
		typ = 1
	}
	hdr := []byte{0xc0 | typ<<4 | 3}
	hdr = binary.BigEndian.AppendUint32(hdr, v)
	hdr = append(hdr, byte(len(dcid)))
	hdr = append(hdr, dcid...)
	hdr = append(hdr, 4, 1, 2, 3, 4) // SCID
	hdr = append(hdr, 0)             // token length
	// Pad the plaintext so header + pn + payload + tag reaches size.
	fixed := len(hdr) + 2 + 4 + 16
	if pad := size - fixed - len(frames); pad > 0 {
		frames = append(frames, make([]byte, pad)...)
	}
	l := 4 + len(frames) + 16
	hdr = binary.BigEndian.AppendUint16(hdr, uint16(l)|0x4000)
	pnOff := len(hdr)
	hdr = binary.BigEndian.AppendUint32(hdr, pn)
	var nonce [12]byte
	nonce = k.iv
	for i := 0; i < 8; i++ {
		nonce[4+i] ^= byte(uint64(pn) >> (56 - 8*i))
	}
	pkt := k.aead.Seal(append([]byte(nil), hdr...), nonce[:], frames, hdr)
	var mask [16]byte
	k.hp.Encrypt(mask[:], pkt[pnOff+4:pnOff+20])
	pkt[0] ^= mask[0] & 0x0f
	for i := 0; i < 4; i++ {
		pkt[pnOff+i] ^= mask[1+i]
	}
	return pkt
}

func cryptoFrame(off int, data []byte) []byte {
	f := []byte{0x06}
	f = binary.BigEndian.AppendUint32(f, uint32(off)|0x80000000)
	f = binary.BigEndian.AppendUint16(f, uint16(len(data))|0x4000)
	return append(f, data...)
}

func runDatagrams(dgs ...[]byte) dissecttest.Result {
	f := &dissecttest.Flow{Proto: 17,
		Client: netip.MustParseAddrPort("10.0.0.1:50000"),
		Server: netip.MustParseAddrPort("10.0.0.2:443")}
	for _, d := range dgs {
		f.Segs = append(f.Segs, dissecttest.Segment{Dir: dissect.ToServer, Data: d})
	}
	return dissecttest.Run(Dissector, f)
}

func checkHello(t *testing.T, r dissecttest.Result, sni, version string) {
	t.Helper()
	if r.Verdict != dissect.Match {
		t.Fatalf("verdict %d", r.Verdict)
	}
	if len(r.Rec.Hosts) == 0 || r.Rec.Hosts[0] != sni {
		t.Errorf("hosts %q anomalies %q", r.Rec.Hosts, r.Rec.Anomalies)
	}
	if !strings.HasPrefix(r.Rec.MetaKV["ja4"], "q13d") {
		t.Errorf("ja4 %q", r.Rec.MetaKV["ja4"])
	}
	// One transaction per packet: the one that completed the ClientHello
	// carries it, the others their version only.
	hellos := 0
	for _, e := range r.Rec.Events {
		var ev map[string]any
		if err := json.Unmarshal([]byte(strings.TrimPrefix(e, "quic ")), &ev); err != nil {
			t.Fatal(err)
		}
		if ev["version"] != version {
			t.Errorf("event %s", e)
		}
		if _, ok := ev["ja3"]; ok {
			hellos++
			if ev["sni"] != sni {
				t.Errorf("event %s", e)
			}
		}
	}
	if hellos != 1 {
		t.Fatalf("events %q", r.Rec.Events)
	}
}

func TestInitialRoundTrip(t *testing.T) {
	ch := clientHello(t, "quic.example.com", []string{"h3"})
	dcid := unhex("8394c8f03e515708")
	for _, tc := range []struct {
		v    uint32
		name string
	}{{v1, "1"}, {v2, "6b3343cf"}, {0xff00001d, "ff00001d"}, {0xff00001b, "ff00001b"}, {0xff000022, "ff000022"}} {
		t.Run(tc.name, func(t *testing.T) {
			// One datagram.
			checkHello(t, runDatagrams(sealInitial(t, tc.v, dcid, 0, cryptoFrame(0, ch), 1200)), "quic.example.com", tc.name)
			// Split over two datagrams, second half first.
			half := len(ch) / 2
			a := sealInitial(t, tc.v, dcid, 0, cryptoFrame(0, ch[:half]), 1200)
			b := sealInitial(t, tc.v, dcid, 1, cryptoFrame(half, ch[half:]), 1200)
			checkHello(t, runDatagrams(b, a), "quic.example.com", tc.name)
			// Two coalesced packets in one datagram, three frames.
			third := len(ch) / 3
			p1 := sealInitial(t, tc.v, dcid, 2, append(cryptoFrame(third, ch[third:2*third]), cryptoFrame(0, ch[:third])...), 0)
			p2 := sealInitial(t, tc.v, dcid, 3, cryptoFrame(2*third, ch[2*third:]), 1200-len(p1))
			checkHello(t, runDatagrams(append(p1, p2...)), "quic.example.com", tc.name)
		})
	}
}

// TestRetryDCID: after a Retry the client's Initial uses a new DCID,
// which must give new keys.
func TestRetryDCID(t *testing.T) {
	ch := clientHello(t, "retry.example.com", []string{"h3"})
	half := len(ch) / 2
	a := sealInitial(t, v1, unhex("0102030405060708"), 0, cryptoFrame(0, ch[:half]), 1200)
	b := sealInitial(t, v1, unhex("a1a2a3a4a5a6a7a8a9"), 1, cryptoFrame(half, ch[half:]), 1200)
	b2 := sealInitial(t, v1, unhex("a1a2a3a4a5a6a7a8a9"), 2, cryptoFrame(0, ch[:half]), 1200)
	checkHello(t, runDatagrams(a, b, b2), "retry.example.com", "1")
}

func TestProbe(t *testing.T) {
	c := &dissect.Ctx{Proto: 17}
	c.Pkts[0] = 1
	ch := clientHello(t, "probe.example.com", nil)
	good := sealInitial(t, v1, unhex("0102030405060708"), 0, cryptoFrame(0, ch), 1200)
	if v := probe(c, dissect.ToServer, good); v != dissect.Match {
		t.Errorf("initial: %d", v)
	}
	if v := probe(c, dissect.ToServer, good[:1000]); v != dissect.NoMatch {
		t.Errorf("short initial: %d", v)
	}
	bad := append([]byte(nil), good...)
	bad[1] = 0x12 // unknown version
	if v := probe(c, dissect.ToServer, bad); v != dissect.NoMatch {
		t.Errorf("unknown version: %d", v)
	}
	for _, s := range []string{"\x00\x01\x02\x03\x04\x05\x06\x07", "GET / HTTP/1.1\r\n", "\x80\x00\x00\x00\x01\x00\x00\x00"} {
		if v := probe(c, dissect.ToServer, []byte(s)); v != dissect.NoMatch {
			t.Errorf("probe(%q) = %d", s, v)
		}
	}
	if n := testing.AllocsPerRun(100, func() { probe(c, dissect.ToServer, good) }); n != 0 {
		t.Errorf("probe allocates %v", n)
	}
}

// TestDecryptAllocs: once the keys exist, removing header protection and
// decrypting an Initial allocates nothing.
func TestDecryptAllocs(t *testing.T) {
	ch := clientHello(t, "alloc.example.com", []string{"h3"})
	dcid := unhex("8394c8f03e515708")
	pkt := sealInitial(t, v1, dcid, 0, cryptoFrame(0, ch[:100]), 1200)
	var h header
	if !parseLong(pkt, &h) {
		t.Fatal("header")
	}
	p := newParser()
	if !p.setKeys(v1, h.dcid) {
		t.Fatal("keys")
	}
	if _, ok := p.decrypt(&p.sides[dissect.ToServer], pkt[:h.end], h.pnOff); !ok {
		t.Fatal("decrypt")
	}
	n := testing.AllocsPerRun(100, func() {
		p.sides[dissect.ToServer].largest = -1
		if _, ok := p.decrypt(&p.sides[dissect.ToServer], pkt[:h.end], h.pnOff); !ok {
			t.Fatal("decrypt")
		}
	})
	if n != 0 {
		t.Errorf("decrypt allocates %v", n)
	}
}

// BenchmarkInitial measures decrypting a 1200-byte client Initial.
func BenchmarkInitial(b *testing.B) {
	ch := clientHello(&testing.T{}, "bench.example.com", []string{"h3"})
	dcid := unhex("8394c8f03e515708")
	pkt := sealInitial(&testing.T{}, v1, dcid, 0, cryptoFrame(0, ch), 1200)
	var h header
	parseLong(pkt, &h)
	p := newParser()
	p.setKeys(v1, h.dcid)
	b.ReportAllocs()
	b.SetBytes(int64(len(pkt)))
	for b.Loop() {
		p.sides[dissect.ToServer].largest = -1
		p.decrypt(&p.sides[dissect.ToServer], pkt[:h.end], h.pnOff)
	}
}

// TestFeedAllocs: once a flow's keys exist, a datagram that is logged as a
// transaction (decrypted, its CRYPTO frame reassembled, its event and
// rule buffers produced) allocates nothing.
func TestFeedAllocs(t *testing.T) {
	ch := clientHello(t, "alloc.example.com", []string{"h3"})
	dcid := unhex("8394c8f03e515708")
	pkt := sealInitial(t, v1, dcid, 0, cryptoFrame(100, ch[100:200]), 1200)
	c := &dissect.Ctx{Proto: 17, Emit: dissecttest.Nop{}}
	p := newParser()
	p.Feed(c, dissect.ToServer, pkt)
	s := &p.sides[dissect.ToServer]
	n := testing.AllocsPerRun(100, func() {
		s.pkts, s.largest = 0, -1
		if p.Feed(c, dissect.ToServer, pkt) != dissect.Continue || s.stopped {
			t.Fatal("stopped")
		}
	})
	if n != 0 {
		t.Errorf("Feed allocates %v per datagram", n)
	}
	// Encoding a ClientHello transaction's event into a reused writer.
	p.sides[dissect.ToServer].crypto.Add(0, ch)
	p.tryHello(c, dissect.ToServer, v1)
	if !p.rec.hello || len(p.rec.exts) == 0 {
		t.Fatal("no hello")
	}
	var w event.Writer
	n = testing.AllocsPerRun(100, func() {
		w.Reset()
		p.rec.AppendEVE(&w)
	})
	if n != 0 {
		t.Errorf("AppendEVE allocates %v", n)
	}
}

// TestServerHello: the server's Initial is decrypted with the server's
// keys and its ServerHello logged as its own transaction, with JA3S and
// the ServerHello's extensions in their order.
func TestServerHello(t *testing.T) {
	ch := clientHello(t, "sh.example.com", []string{"h3"})
	dcid := unhex("8394c8f03e515708")
	// ServerHello: legacy_version, random, empty session id, cipher
	// TLS_AES_128_GCM_SHA256, null compression, supported_versions and
	// key_share (x25519, 32 bytes).
	body := []byte{0x03, 0x03}
	body = append(body, make([]byte, 32)...)
	body = append(body, 0, 0x13, 0x01, 0)
	ext := []byte{0, 43, 0, 2, 0x03, 0x04, 0, 51, 0, 36, 0, 29, 0, 32}
	ext = append(ext, make([]byte, 32)...)
	body = binary.BigEndian.AppendUint16(body, uint16(len(ext)))
	body = append(body, ext...)
	sh := append([]byte{2, 0, byte(len(body) >> 8), byte(len(body))}, body...)

	k, err := deriveKeys(v1, dcid, true)
	if err != nil {
		t.Fatal(err)
	}
	srv := sealWith(t, k, v1, []byte{9, 9, 9, 9}, 0, cryptoFrame(0, sh), 0)
	f := &dissecttest.Flow{Proto: 17,
		Client: netip.MustParseAddrPort("10.0.0.1:50000"),
		Server: netip.MustParseAddrPort("10.0.0.2:443")}
	f.Segs = []dissecttest.Segment{
		{Dir: dissect.ToServer, Data: sealInitial(t, v1, dcid, 0, cryptoFrame(0, ch), 1200)},
		{Dir: dissect.ToClient, Data: srv},
	}
	r := dissecttest.Run(Dissector, f)
	if len(r.Rec.Events) != 2 {
		t.Fatalf("events %q", r.Rec.Events)
	}
	want := `quic {"version":"1","ja3s":{"hash":"` + string(tlshello.AppendMD5Hex(nil, []byte("771,4865,43-51"))) +
		`","string":"771,4865,43-51"},"extensions":[{"name":"supported_versions","type":43},{"name":"key_share","type":51}]}`
	if r.Rec.Events[1] != want {
		t.Errorf("server event\n got %s\nwant %s", r.Rec.Events[1], want)
	}
	hasBuf(t, r.Rec.Buffers, "1 quic ja3s.string=771,4865,43-51", "1 quic quic.version=\x00\x00\x00\x01")
	if r.Rec.MetaKV["ja3s"] == "" {
		t.Errorf("meta %v", r.Rec.MetaKV)
	}
}
