package dtls

import (
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func vec8(b []byte) []byte  { return append([]byte{byte(len(b))}, b...) }
func vec16(b []byte) []byte { return append(binary.BigEndian.AppendUint16(nil, uint16(len(b))), b...) }

// dtlsHello builds a DTLS 1.2 ClientHello body (with an empty cookie) for
// SNI name and ALPN "webrtc".
func dtlsHello(name string) []byte {
	b := []byte{0xfe, 0xfd}
	b = append(b, make([]byte, 32)...)
	b = append(b, 0) // session id
	b = append(b, 0) // cookie
	b = append(b, vec16([]byte{0xc0, 0x2b, 0xc0, 0x2f, 0x00, 0x9c})...)
	b = append(b, 1, 0) // compression
	var ext []byte
	ext = append(ext, 0, 0)
	ext = append(ext, vec16(vec16(append([]byte{0}, vec16([]byte(name))...)))...)
	ext = append(ext, 0, 0x10)
	ext = append(ext, vec16(vec16(vec8([]byte("webrtc"))))...)
	ext = append(ext, 0, 0x0d)
	ext = append(ext, vec16(vec16([]byte{4, 3, 8, 4}))...)
	return append(b, vec16(ext)...)
}

// records splits a handshake message into DTLS fragments of at most size
// bytes, one record each.
func records(typ byte, seq uint16, body []byte, size int) [][]byte {
	var out [][]byte
	for off := 0; off < len(body); off += size {
		frag := body[off:min(off+size, len(body))]
		h := []byte{typ, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}
		h = binary.BigEndian.AppendUint16(h, seq)
		h = append(h, byte(off>>16), byte(off>>8), byte(off))
		h = append(h, byte(len(frag)>>16), byte(len(frag)>>8), byte(len(frag)))
		h = append(h, frag...)
		r := []byte{22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, byte(off)}
		r = append(r, vec16(h)...)
		out = append(out, r)
	}
	return out
}

func TestFragmentedHello(t *testing.T) {
	body := dtlsHello("dtls.example.com")
	for _, size := range []int{len(body), 40, 7} {
		recs := records(1, 0, body, size)
		// Reverse the fragment order, and put two fragments per datagram.
		f := &dissecttest.Flow{Proto: 17, Client: netip.MustParseAddrPort("10.0.0.1:5000"), Server: netip.MustParseAddrPort("10.0.0.2:4433")}
		for i := len(recs) - 1; i >= 0; i -= 2 {
			d := recs[i]
			if i > 0 {
				d = append(append([]byte(nil), d...), recs[i-1]...)
			}
			f.Segs = append(f.Segs, dissecttest.Segment{Dir: dissect.ToServer, Data: d})
		}
		// The probe wants a first fragment: put offset 0 first.
		f.Segs[0], f.Segs[len(f.Segs)-1] = f.Segs[len(f.Segs)-1], f.Segs[0]
		r := dissecttest.Run(Dissector, f)
		if r.Verdict != dissect.Match {
			t.Fatalf("size %d: verdict %d", size, r.Verdict)
		}
		if len(r.Rec.Hosts) != 1 || r.Rec.Hosts[0] != "dtls.example.com" {
			t.Errorf("size %d: hosts %q anomalies %q", size, r.Rec.Hosts, r.Rec.Anomalies)
		}
		if ja4 := r.Rec.MetaKV["ja4"]; !strings.HasPrefix(ja4, "dd2d0303wc_") {
			t.Errorf("size %d: ja4 %q", size, ja4)
		}
		if r.Rec.MetaKV["alpn"] != "webrtc" || len(r.Rec.MetaKV["ja3"]) != 32 {
			t.Errorf("size %d: meta %v", size, r.Rec.MetaKV)
		}
	}
}

func TestProbe(t *testing.T) {
	c := &dissect.Ctx{Proto: 17}
	c.Pkts[0] = 1
	hello := records(1, 0, dtlsHello("x.example"), 1000)[0]
	if v := probe(c, dissect.ToServer, hello); v != dissect.Match {
		t.Errorf("hello: %d", v)
	}
	bad := append([]byte(nil), hello...)
	bad[2] = 0x03 // TLS version, not DTLS
	if v := probe(c, dissect.ToServer, bad); v != dissect.NoMatch {
		t.Errorf("tls version: %d", v)
	}
	app := []byte{23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 1, 0, 3, 1, 2, 3}
	if v := probe(c, dissect.ToServer, app); v != dissect.Match {
		t.Errorf("app data: %d", v)
	}
	if v := probe(c, dissect.ToServer, app[:15]); v != dissect.NoMatch {
		t.Errorf("truncated app data: %d", v)
	}
	stun := []byte{0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	if v := probe(c, dissect.ToServer, stun); v != dissect.NeedMore {
		t.Errorf("stun: %d", v)
	}
	if n := testing.AllocsPerRun(100, func() { probe(c, dissect.ToServer, hello) }); n != 0 {
		t.Errorf("probe allocates %v", n)
	}
}
