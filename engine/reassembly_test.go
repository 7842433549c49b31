package engine

import (
	"bytes"
	"strings"
	"testing"

	"github.com/netsift/netsift/decode"
	"github.com/netsift/netsift/dissect/all"
)

// TestSplitReorderedClientHello: the sample's TLS ClientHello and HTTP
// request, cut into small segments delivered out of order with
// retransmissions and overlaps, are still parsed whole.
func TestSplitReorderedClientHello(t *testing.T) {
	pkts := samplePackets(t)
	for _, port := range []uint16{443, 80} {
		var out []decode.Packet
		done := map[uint16]bool{}
		for _, p := range pkts {
			if p.Proto == decode.ProtoTCP && p.DstPort == port && len(p.Payload) > 100 && !done[p.SrcPort] {
				done[p.SrcPort] = true
				out = append(out, mangle(p)...)
				continue
			}
			out = append(out, p)
		}
		var buf bytes.Buffer
		e, err := New(Config{Registry: all.Registry(), Output: &buf})
		if err != nil {
			t.Fatal(err)
		}
		for i := range out {
			e.workers[0].handle(&out[i])
		}
		e.Close()
		s := buf.String()
		switch port {
		case 443:
			if !strings.Contains(s, `"sni":"www.youtube.com"`) || !strings.Contains(s, `"sni":"www.example.com"`) {
				t.Errorf("SNI lost after splitting and reordering:\n%s", s)
			}
		case 80:
			if !strings.Contains(s, `"hostname":"www.example.org"`) || !strings.Contains(s, `"url":"/index.html"`) {
				t.Errorf("HTTP request lost after splitting and reordering:\n%s", s)
			}
		}
	}
}

// mangle cuts p's payload into 40-byte segments, sends them in an order
// that puts every later piece first, and repeats some with overlaps.
func mangle(p decode.Packet) []decode.Packet {
	var segs []decode.Packet
	for off := 0; off < len(p.Payload); off += 40 {
		q := p
		end := min(off+40, len(p.Payload))
		q.Payload = p.Payload[off:end]
		q.Seq = p.Seq + uint32(off)
		segs = append(segs, q)
	}
	var out []decode.Packet
	// Reverse order for the tail, then the head: everything but the first
	// segment waits in the out-of-order buffer.
	for i := len(segs) - 1; i >= 1; i-- {
		out = append(out, segs[i])
		if i%3 == 0 { // retransmission overlapping two segments
			q := p
			lo := (i - 1) * 40
			hi := min(lo+80, len(p.Payload))
			q.Payload, q.Seq = p.Payload[lo:hi], p.Seq+uint32(lo)
			out = append(out, q)
		}
	}
	out = append(out, segs[0], segs[0])
	return out
}
