package decode

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// piece is a fragment's payload range [lo, hi); data, when set, replaces
// the datagram's bytes (to build conflicting overlaps).
type piece struct {
	lo, hi int
	data   []byte
}

// bigPayload is a UDP payload that needs three 1480-byte fragments.
var bigPayload = func() []byte {
	b := make([]byte, 3500)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}()

// udp4Datagram returns an IPv4/UDP datagram (header, then UDP) carrying
// payload, with IP id id.
func udp4Datagram(t testing.TB, id uint16, payload []byte) []byte {
	ip := ipv4(ip4A, ip4B, layers.IPProtocolUDP)
	ip.Id = id
	return ser(t, cat([]sl{ip}, udpDgram(5353, 53, payload))...)
}

// frag4 cuts an IPv4 datagram into Ethernet frames carrying the given
// pieces of its payload.
func frag4(dgram []byte, ps ...piece) [][]byte {
	hdr, body := dgram[:20], dgram[20:]
	var out [][]byte
	for _, pc := range ps {
		data := pc.data
		if data == nil {
			data = body[pc.lo:pc.hi]
		}
		h := append([]byte(nil), hdr...)
		binary.BigEndian.PutUint16(h[2:], uint16(20+len(data)))
		fo := uint16(pc.lo / 8)
		if pc.hi < len(body) || pc.data != nil && pc.lo+len(data) < len(body) {
			fo |= 0x2000 // MF
		}
		binary.BigEndian.PutUint16(h[6:], fo)
		f := append([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00}, h...)
		out = append(out, append(f, data...))
	}
	return out
}

// udp6Body returns the fragmentable part of an IPv6/UDP datagram: the UDP
// header and payload.
func udp6Body(t testing.TB, payload []byte) []byte {
	b := ser(t, cat([]sl{ipv6(ip6A, ip6B, layers.IPProtocolUDP)}, udpDgram(5353, 53, payload))...)
	return b[40:]
}

// frag6 cuts an IPv6 fragmentable part into Ethernet frames with fragment
// headers (next header nh, identification id).
func frag6(body []byte, nh uint8, id uint32, ps ...piece) [][]byte {
	var out [][]byte
	for _, pc := range ps {
		data := pc.data
		if data == nil {
			data = body[pc.lo:pc.hi]
		}
		h := make([]byte, 48)
		h[0] = 0x60
		binary.BigEndian.PutUint16(h[4:], uint16(8+len(data)))
		h[6] = 44
		h[7] = 63
		copy(h[8:], ip6A.To16())
		copy(h[24:], ip6B.To16())
		h[40] = nh
		om := uint16(pc.lo) &^ 7
		if pc.lo+len(data) < len(body) {
			om |= 1
		}
		binary.BigEndian.PutUint16(h[42:], om)
		binary.BigEndian.PutUint32(h[44:], id)
		f := append([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x86, 0xdd}, h...)
		out = append(out, append(f, data...))
	}
	return out
}

// feed decodes frames in order one second apart and returns the anomaly
// of each; p holds the last decode.
func feed(d *Decoder, p *Packet, frames [][]byte) []Anomaly {
	var as []Anomaly
	for i, f := range frames {
		d.Decode(LinkEthernet, f, t0.Add(time.Duration(i)*time.Second), p)
		as = append(as, p.Anomaly)
	}
	return as
}

func wantAnomalies(t *testing.T, got []Anomaly, want ...Anomaly) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("anomalies %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("anomalies %v, want %v", got, want)
		}
	}
}

// checkReassembled checks the packet decoded from a complete datagram.
func checkReassembled(t *testing.T, p *Packet, ver uint8, payload []byte) {
	t.Helper()
	if p.Anomaly != AnomalyNone || !p.Fragmented || p.IPVersion != ver || p.Proto != ProtoUDP || p.SrcPort != 5353 || p.DstPort != 53 {
		t.Fatalf("reassembled: anomaly %v fragmented %v ver %d proto %d ports %d/%d", p.Anomaly, p.Fragmented, p.IPVersion, p.Proto, p.SrcPort, p.DstPort)
	}
	if !bytes.Equal(p.Payload, payload) {
		t.Fatalf("reassembled payload differs (%d bytes, want %d)", len(p.Payload), len(payload))
	}
}

const (
	P = AnomalyFragPending
	N = AnomalyNone
)

func TestFragIPv4(t *testing.T) {
	dg := udp4Datagram(t, 77, bigPayload)
	n := len(dg) - 20 // 3508
	inOrder := []piece{{lo: 0, hi: 1480}, {lo: 1480, hi: 2960}, {lo: 2960, hi: n}}
	t.Run("in-order", func(t *testing.T) {
		d, p := NewDecoder(Config{}), &Packet{}
		wantAnomalies(t, feed(d, p, frag4(dg, inOrder...)), P, P, N)
		checkReassembled(t, p, 4, bigPayload)
		if p.TTL != 64 || string(p.Src[:4]) != string(ip4A) {
			t.Errorf("ttl %d src %v", p.TTL, p.Src)
		}
		if s := d.Stats(); s.FragReassembled != 1 || s.FragDatagrams != 0 {
			t.Errorf("stats %+v", s)
		}
	})
	t.Run("reversed", func(t *testing.T) {
		d, p := NewDecoder(Config{}), &Packet{}
		wantAnomalies(t, feed(d, p, frag4(dg, inOrder[2], inOrder[1], inOrder[0])), P, P, N)
		checkReassembled(t, p, 4, bigPayload)
	})
	t.Run("middle-last", func(t *testing.T) {
		d, p := NewDecoder(Config{}), &Packet{}
		wantAnomalies(t, feed(d, p, frag4(dg, inOrder[0], inOrder[2], inOrder[1])), P, P, N)
		checkReassembled(t, p, 4, bigPayload)
	})
	t.Run("interleaved-datagrams", func(t *testing.T) {
		dg2 := udp4Datagram(t, 78, bigPayload[:2000])
		a, b := frag4(dg, inOrder...), frag4(dg2, piece{lo: 0, hi: 1480}, piece{lo: 1480, hi: 2008})
		d, p := NewDecoder(Config{}), &Packet{}
		wantAnomalies(t, feed(d, p, [][]byte{a[0], b[1], a[1], b[0]}), P, P, P, N)
		checkReassembled(t, p, 4, bigPayload[:2000])
		wantAnomalies(t, feed(d, p, [][]byte{a[2]}), N)
		checkReassembled(t, p, 4, bigPayload)
	})
	t.Run("duplicate", func(t *testing.T) {
		d, p := NewDecoder(Config{}), &Packet{}
		f := frag4(dg, inOrder...)
		wantAnomalies(t, feed(d, p, [][]byte{f[0], f[0], f[1], f[1], f[2]}), P, P, P, P, N)
		checkReassembled(t, p, 4, bigPayload)
	})
	t.Run("overlap", func(t *testing.T) {
		d, p := NewDecoder(Config{}), &Packet{}
		evil := bytes.Repeat([]byte{'X'}, 1000)
		f := frag4(dg, inOrder[0], piece{lo: 1000, hi: 2000, data: evil}, inOrder[1], inOrder[2])
		wantAnomalies(t, feed(d, p, f), P, AnomalyFragOverlap, AnomalyFragOverlap, AnomalyFragOverlap)
		if s := d.Stats(); s.FragDropped != 1 || s.FragReassembled != 0 {
			t.Errorf("stats %+v", s)
		}
	})
	t.Run("overlap-same-bytes", func(t *testing.T) {
		// Overlapping pieces are refused even when the bytes agree
		// (RFC 5722 for IPv6; the same rule for IPv4 avoids evasion).
		d, p := NewDecoder(Config{}), &Packet{}
		f := frag4(dg, inOrder[0], piece{lo: 1000, hi: 2000}, inOrder[1], inOrder[2])
		wantAnomalies(t, feed(d, p, f), P, AnomalyFragOverlap, AnomalyFragOverlap, AnomalyFragOverlap)
	})
	t.Run("incomplete-timeout", func(t *testing.T) {
		d, p := NewDecoder(Config{FragTimeout: 30 * time.Second}), &Packet{}
		f := frag4(dg, inOrder...)
		d.Decode(LinkEthernet, f[0], t0, p)
		d.Decode(LinkEthernet, f[1], t0.Add(10*time.Second), p)
		d.Decode(LinkEthernet, f[2], t0.Add(31*time.Second), p) // f[0] and f[1] are gone
		if p.Anomaly != P {
			t.Fatalf("after timeout: %v", p.Anomaly)
		}
		if s := d.Stats(); s.FragTimedOut != 1 || s.FragDatagrams != 1 {
			t.Errorf("stats %+v", s)
		}
		// Within the timeout it completes.
		d.Decode(LinkEthernet, f[0], t0.Add(40*time.Second), p)
		d.Decode(LinkEthernet, f[1], t0.Add(50*time.Second), p)
		checkReassembled(t, p, 4, bigPayload)
	})
	t.Run("too-large", func(t *testing.T) {
		d, p := NewDecoder(Config{}), &Packet{}
		f := frag4(dg, piece{lo: 65520, hi: 65520 + 40, data: make([]byte, 40)})
		wantAnomalies(t, feed(d, p, f), AnomalyFragTooLarge)
		// A fragment ending exactly at the limit is fine.
		f = frag4(dg, piece{lo: 65512, hi: 65515, data: make([]byte, 3)})
		wantAnomalies(t, feed(NewDecoder(Config{}), p, f), P)
	})
	t.Run("bad-length", func(t *testing.T) {
		d, p := NewDecoder(Config{}), &Packet{}
		wantAnomalies(t, feed(d, p, frag4(dg, piece{lo: 0, hi: 1001})), AnomalyFragBadLength)
	})
	t.Run("final-length-conflict", func(t *testing.T) {
		d, p := NewDecoder(Config{}), &Packet{}
		f := frag4(dg, inOrder[2], piece{lo: 2960, hi: 3000, data: make([]byte, 40)})
		wantAnomalies(t, feed(d, p, f), P, AnomalyFragOverlap)
	})
	t.Run("table-full", func(t *testing.T) {
		d, p := NewDecoder(Config{MaxFragDatagrams: 2}), &Packet{}
		var fs [][]byte
		for id := uint16(1); id <= 3; id++ {
			fs = append(fs, frag4(udp4Datagram(t, id, bigPayload), inOrder[0])...)
		}
		wantAnomalies(t, feed(d, p, fs), P, P, AnomalyFragTableFull)
		// Completing one frees its slot.
		f := frag4(udp4Datagram(t, 1, bigPayload), inOrder[1:]...)
		wantAnomalies(t, feed(d, p, f), P, N)
		wantAnomalies(t, feed(d, p, fs[2:]), P)
	})
	t.Run("too-many-pieces", func(t *testing.T) {
		d, p := NewDecoder(Config{FragTimeout: time.Hour}), &Packet{}
		var ps []piece
		for i := 0; i <= maxFragPieces; i++ {
			ps = append(ps, piece{lo: i * 16, hi: i*16 + 8})
		}
		got := feed(d, p, frag4(dg, ps...))
		if got[maxFragPieces-1] != P || got[maxFragPieces] != AnomalyFragTooManyPieces {
			t.Errorf("anomalies %v", got)
		}
	})
	t.Run("truncated-fragment", func(t *testing.T) {
		d, p := NewDecoder(Config{}), &Packet{}
		f := frag4(dg, inOrder[0])[0]
		wantAnomalies(t, feed(d, p, [][]byte{f[:200]}), AnomalyIPv4Truncated)
	})
	t.Run("buffer-reuse", func(t *testing.T) {
		// The reassembled payload stays valid until the next Decode, and
		// buffers are recycled after it.
		d, p := NewDecoder(Config{}), &Packet{}
		for id := uint16(0); id < 20; id++ {
			feed(d, p, frag4(udp4Datagram(t, id, bigPayload), inOrder...))
			checkReassembled(t, p, 4, bigPayload)
		}
		if len(d.frag.entries) != 1 {
			t.Errorf("%d entries allocated for sequential datagrams", len(d.frag.entries))
		}
	})
}

func TestFragIPv6(t *testing.T) {
	body := udp6Body(t, bigPayload)
	n := len(body)
	inOrder := []piece{{lo: 0, hi: 1448}, {lo: 1448, hi: 2896}, {lo: 2896, hi: n}}
	t.Run("in-order", func(t *testing.T) {
		d, p := NewDecoder(Config{}), &Packet{}
		wantAnomalies(t, feed(d, p, frag6(body, 17, 9, inOrder...)), P, P, N)
		checkReassembled(t, p, 6, bigPayload)
		if p.TTL != 63 || net.IP(p.Src[:]).String() != ip6A.String() {
			t.Errorf("hop limit %d src %v", p.TTL, net.IP(p.Src[:]))
		}
	})
	t.Run("reversed", func(t *testing.T) {
		d, p := NewDecoder(Config{}), &Packet{}
		wantAnomalies(t, feed(d, p, frag6(body, 17, 9, inOrder[2], inOrder[1], inOrder[0])), P, P, N)
		checkReassembled(t, p, 6, bigPayload)
	})
	t.Run("duplicate", func(t *testing.T) {
		d, p := NewDecoder(Config{}), &Packet{}
		f := frag6(body, 17, 9, inOrder...)
		wantAnomalies(t, feed(d, p, [][]byte{f[2], f[2], f[0], f[1]}), P, P, P, N)
		checkReassembled(t, p, 6, bigPayload)
	})
	t.Run("overlap", func(t *testing.T) {
		d, p := NewDecoder(Config{}), &Packet{}
		f := frag6(body, 17, 9, inOrder[0], piece{lo: 1440, hi: 2000, data: make([]byte, 560)}, inOrder[1], inOrder[2])
		wantAnomalies(t, feed(d, p, f), P, AnomalyFragOverlap, AnomalyFragOverlap, AnomalyFragOverlap)
	})
	t.Run("incomplete-timeout", func(t *testing.T) {
		d, p := NewDecoder(Config{FragTimeout: 5 * time.Second}), &Packet{}
		f := frag6(body, 17, 9, inOrder...)
		d.Decode(LinkEthernet, f[0], t0, p)
		d.Decode(LinkEthernet, f[1], t0.Add(6*time.Second), p)
		d.Decode(LinkEthernet, f[2], t0.Add(7*time.Second), p)
		if p.Anomaly != P || d.Stats().FragTimedOut != 1 {
			t.Fatalf("after timeout: %v, stats %+v", p.Anomaly, d.Stats())
		}
	})
	t.Run("too-large", func(t *testing.T) {
		d, p := NewDecoder(Config{}), &Packet{}
		wantAnomalies(t, feed(d, p, frag6(body, 17, 9, piece{lo: 65528, hi: 65528 + 16, data: make([]byte, 16)})), AnomalyFragTooLarge)
	})
	t.Run("bad-length", func(t *testing.T) {
		d, p := NewDecoder(Config{}), &Packet{}
		wantAnomalies(t, feed(d, p, frag6(body, 17, 9, piece{lo: 0, hi: 1001})), AnomalyFragBadLength)
	})
	t.Run("ext-header-after-fragment", func(t *testing.T) {
		// Destination options in the fragmentable part are walked after
		// reassembly.
		b2 := append([]byte{17, 0, 1, 4, 0, 0, 0, 0}, body...)
		d, p := NewDecoder(Config{}), &Packet{}
		wantAnomalies(t, feed(d, p, frag6(b2, 60, 10, piece{lo: 0, hi: 1448}, piece{lo: 1448, hi: len(b2)})), P, N)
		checkReassembled(t, p, 6, bigPayload)
	})
	t.Run("v4-and-v6-same-table", func(t *testing.T) {
		d, p := NewDecoder(Config{}), &Packet{}
		dg := udp4Datagram(t, 9, bigPayload)
		f4 := frag4(dg, piece{lo: 0, hi: 1480}, piece{lo: 1480, hi: len(dg) - 20})
		f6 := frag6(body, 17, 9, inOrder...)
		wantAnomalies(t, feed(d, p, [][]byte{f4[0], f6[0], f6[1], f4[1]}), P, P, P, N)
		checkReassembled(t, p, 4, bigPayload)
		wantAnomalies(t, feed(d, p, f6[2:]), N)
		checkReassembled(t, p, 6, bigPayload)
	})
}

// TestFragInTunnel reassembles IPv4 fragments carried in GTP-U, and a
// fragmented outer packet carrying a tunnel.
func TestFragInTunnel(t *testing.T) {
	dg := udp4Datagram(t, 5, bigPayload)
	n := len(dg) - 20
	inner := frag4(dg, piece{lo: 0, hi: 1480}, piece{lo: 1480, hi: 2960}, piece{lo: 2960, hi: n})
	d, p := NewDecoder(Config{}), &Packet{}
	var as []Anomaly
	for _, f := range inner {
		b := ser(t, cat(eth(layers.EthernetTypeIPv4), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 2152, DstPort: 2152}}, gtpGPDU(), raw(f[14:]))...)
		d.Decode(LinkEthernet, b, t0, p)
		as = append(as, p.Anomaly)
		if p.Tunnel != TunnelGTP {
			t.Errorf("tunnel %v", p.Tunnel)
		}
	}
	wantAnomalies(t, as, P, P, N)
	checkReassembled(t, p, 4, bigPayload)

	// Outer fragmentation: a VXLAN packet too big for the path MTU.
	outer := ser(t, cat([]sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 40000, DstPort: 4789}, &layers.VXLAN{ValidIDFlag: true, VNI: 1}}, eth(layers.EthernetTypeIPv6), []sl{ipv6(ip6A, ip6B, layers.IPProtocolUDP)}, udpDgram(5353, 53, bigPayload[:2000]))...)
	as = feed(d, p, frag4(outer, piece{lo: 0, hi: 1480}, piece{lo: 1480, hi: len(outer) - 20}))
	wantAnomalies(t, as, P, N)
	if p.Tunnel != TunnelVXLAN || !p.Fragmented {
		t.Errorf("tunnel %v fragmented %v", p.Tunnel, p.Fragmented)
	}
	checkReassembled(t, p, 6, bigPayload[:2000])
}
