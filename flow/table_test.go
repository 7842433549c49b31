package flow

import (
	"testing"
	"time"

	"github.com/netsift/netsift/decode"
)

func pkt(a, b byte, sp, dp uint16) *decode.Packet {
	p := &decode.Packet{IPVersion: 4, Proto: decode.ProtoTCP, SrcPort: sp, DstPort: dp}
	p.Src[0], p.Src[3] = 192, a
	p.Dst[0], p.Dst[3] = 198, b
	return p
}

func TestKeySymmetric(t *testing.T) {
	p := pkt(1, 2, 1234, 80)
	q := pkt(0, 0, 80, 1234)
	q.Src, q.Dst = p.Dst, p.Src
	k1, s1 := MakeKey(p)
	k2, s2 := MakeKey(q)
	if k1 != k2 || s1 == s2 || k1.Hash() != k2.Hash() {
		t.Fatalf("keys differ: %v %v", k1, k2)
	}
}

func TestTimeoutsAndEviction(t *testing.T) {
	var ended []End
	tb := New[int](Config{MaxFlows: 3, Other: time.Minute, TCPNew: time.Minute, TCPEstablished: time.Hour}, func(e *Entry[int], why End) { ended = append(ended, why) })
	t0 := time.Unix(1000, 0)
	var keys []Key
	for i := 0; i < 4; i++ {
		k, _ := MakeKey(pkt(byte(i), 9, 1000, 80))
		keys = append(keys, k)
		e, created := tb.Lookup(&k, t0.Add(time.Duration(i)*time.Second))
		if !created {
			t.Fatal("not created")
		}
		if i == 1 {
			tb.SetClass(e, ClassTCPEstablished)
		}
	}
	if len(ended) != 1 || ended[0] != EndEvicted || tb.Len() != 3 {
		t.Fatalf("want one eviction at the cap, got %v len %d", ended, tb.Len())
	}
	tb.Expire(t0.Add(10 * time.Minute))
	if tb.Len() != 1 {
		t.Fatalf("want only the established flow left, have %d", tb.Len())
	}
	if e, created := tb.Lookup(&keys[1], t0.Add(11*time.Minute)); created || e.Class != ClassTCPEstablished {
		t.Fatal("established flow lost")
	}
	tb.Flush()
	if tb.Len() != 0 || ended[len(ended)-1] != EndShutdown {
		t.Fatal("flush")
	}
	st := tb.Stats()
	if st.Created != 4 || st.Evicted != 1 || st.Expired != 2 {
		t.Fatalf("stats %+v", st)
	}
}

func TestLookupAllocs(t *testing.T) {
	tb := New[int](Config{}, nil)
	k, _ := MakeKey(pkt(1, 2, 1000, 80))
	now := time.Unix(1, 0)
	tb.Lookup(&k, now)
	if n := testing.AllocsPerRun(1000, func() { tb.Lookup(&k, now) }); n != 0 {
		t.Fatalf("lookup allocates %v", n)
	}
}

func BenchmarkLookup(b *testing.B) {
	tb := New[[64]byte](Config{}, nil)
	keys := make([]Key, 100000)
	for i := range keys {
		p := pkt(byte(i), byte(i>>8), uint16(i), 443)
		p.Src[1] = byte(i >> 16)
		keys[i], _ = MakeKey(p)
	}
	now := time.Unix(1, 0)
	for i := range keys {
		tb.Lookup(&keys[i], now)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tb.Lookup(&keys[i%len(keys)], now)
	}
}
