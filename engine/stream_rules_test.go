package engine

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/netsift/netsift/decode"
	"github.com/netsift/netsift/dissect/all"
	"github.com/netsift/netsift/rules"
)

// TestContentAcrossSegments: a content split over two TCP segments
// matches on the reassembled stream, once; out-of-order arrival matches
// too; a retransmission of the segment that completed it does not alert
// again.
func TestContentAcrossSegments(t *testing.T) {
	rs, err := rules.NewParser(rules.DefaultVars()).Load("t.rules", strings.NewReader(
		`alert tcp any any -> any any (msg:"split"; flow:established,to_server; content:"split-across-segments"; sid:1;)
alert tcp any any -> any any (msg:"split, stream only"; flow:established,to_server,only_stream; content:"split-across-segments"; sid:2;)
alert tcp any any -> any any (msg:"split, packets only"; flow:established,to_server,no_stream; content:"split-across-segments"; sid:3;)
alert tcp any any -> any any (msg:"one segment, packets only"; flow:established,to_server,no_stream; content:"oss-segments"; sid:4;)`))
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := NewSignatures(rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	pkt := func(i int, fromClient bool, flags uint8, seq, ack uint32, payload string) decode.Packet {
		p := decode.Packet{Time: t0.Add(time.Duration(i) * time.Millisecond), IPVersion: 4, Proto: decode.ProtoTCP,
			TCPFlags: flags, Seq: seq, Ack: ack, Payload: []byte(payload), Length: 54 + len(payload), TTL: 64}
		c, s := [16]byte{192, 0, 2, 1}, [16]byte{198, 51, 100, 2}
		p.Src, p.Dst, p.SrcPort, p.DstPort = c, s, 40000, 8080
		if !fromClient {
			p.Src, p.Dst, p.SrcPort, p.DstPort = s, c, 8080, 40000
		}
		return p
	}
	const syn, ack, psh = decode.TCPSyn, decode.TCPAck, decode.TCPPsh
	a, b := "xxxx split-acr", "oss-segments yyyy"
	for _, order := range []string{"in order", "reordered", "retransmitted"} {
		var out bytes.Buffer
		e, err := New(Config{Registry: all.Registry(), Output: &out, Rules: func() *Signatures { return sigs }})
		if err != nil {
			t.Fatal(err)
		}
		w := e.workers[0]
		ps := []decode.Packet{
			pkt(0, true, syn, 100, 0, ""),
			pkt(1, false, syn|ack, 500, 101, ""),
			pkt(2, true, ack, 101, 501, ""),
		}
		first := pkt(3, true, psh|ack, 101, 501, a)
		second := pkt(4, true, psh|ack, 101+uint32(len(a)), 501, b)
		switch order {
		case "in order":
			ps = append(ps, first, second)
		case "reordered":
			ps = append(ps, second, first)
		case "retransmitted":
			ps = append(ps, first, second, second, first)
		}
		for i := range ps {
			w.handle(&ps[i])
		}
		e.Close()
		// no_stream rules see single packets: the split content is not
		// found, the content inside one segment is — in every copy of
		// that segment (a retransmission is a packet too).
		want4 := 1
		if order == "retransmitted" {
			want4 = 2
		}
		for sid, want := range map[int]int{1: 1, 2: 1, 3: 0, 4: want4} {
			if n := strings.Count(out.String(), fmt.Sprintf(`"signature_id":%d,`, sid)); n != want {
				t.Errorf("%s: sid %d: %d alerts, want %d\n%s", order, sid, n, want, out.String())
			}
		}
	}
}
