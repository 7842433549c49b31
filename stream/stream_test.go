package stream

import (
	"bytes"
	"math/rand"
	"testing"
)

type rec struct {
	data []byte
	gaps []int
}

func (r *rec) Data(b []byte) { r.data = append(r.data, b...) }
func (r *rec) Gap(n int) {
	r.gaps = append(r.gaps, n)
	r.data = append(r.data, bytes.Repeat([]byte{'?'}, n)...)
}

func TestInOrderRetransmitReorder(t *testing.T) {
	msg := []byte("GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n")
	var cfg Config
	cfg.defaults()
	for trial := 0; trial < 500; trial++ {
		rng := rand.New(rand.NewSource(int64(trial)))
		const isn = 0xfffffff0 // wraps around
		type s struct {
			seq uint32
			b   []byte
		}
		var segs []s
		for off := 0; off < len(msg); {
			n := 1 + rng.Intn(10)
			if off+n > len(msg) {
				n = len(msg) - off
			}
			segs = append(segs, s{isn + 1 + uint32(off), msg[off : off+n]})
			off += n
		}
		// Retransmit some, with overlapping variants.
		for i := 0; i < 5; i++ {
			a := rng.Intn(len(msg))
			b := a + 1 + rng.Intn(len(msg)-a)
			segs = append(segs, s{isn + 1 + uint32(a), msg[a:b]})
		}
		rng.Shuffle(len(segs), func(i, j int) { segs[i], segs[j] = segs[j], segs[i] })
		var h Half
		var r rec
		h.Segment(&cfg, isn, true, nil, &r)
		for _, sg := range segs {
			h.Segment(&cfg, sg.seq, false, sg.b, &r)
		}
		h.Flush(&r)
		if !bytes.Equal(r.data, msg) || len(r.gaps) != 0 {
			t.Fatalf("trial %d: got %q gaps %v", trial, r.data, r.gaps)
		}
	}
}

func TestGapWhenBufferFull(t *testing.T) {
	cfg := Config{MaxPending: 10, MaxSegments: 4}
	var h Half
	var r rec
	h.Segment(&cfg, 100, true, nil, &r)
	h.Segment(&cfg, 101, false, []byte("abc"), &r)
	// bytes 104..107 lost; later data arrives
	h.Segment(&cfg, 108, false, []byte("hijklm"), &r)
	h.Segment(&cfg, 114, false, []byte("nopqrs"), &r)
	if string(r.data) != "abc????hijklmnopqrs" || len(r.gaps) != 1 || r.gaps[0] != 4 {
		t.Fatalf("got %q gaps %v", r.data, r.gaps)
	}
	h.Segment(&cfg, 104, false, []byte("defg"), &r) // too late: old data
	if string(r.data) != "abc????hijklmnopqrs" {
		t.Fatalf("late data delivered: %q", r.data)
	}
}

func TestMidStream(t *testing.T) {
	var cfg Config
	var h Half
	var r rec
	h.Segment(&cfg, 5000, false, []byte("hello "), &r)
	h.Segment(&cfg, 5006, false, []byte("world"), &r)
	if string(r.data) != "hello world" {
		t.Fatalf("got %q", r.data)
	}
}

func TestInOrderAllocs(t *testing.T) {
	var cfg Config
	cfg.defaults()
	var h Half
	var r nop
	seq := uint32(1)
	p := make([]byte, 100)
	n := testing.AllocsPerRun(1000, func() {
		h.Segment(&cfg, seq, false, p, r)
		seq += 100
	})
	if n != 0 {
		t.Fatalf("in-order segment allocates %v times", n)
	}
}

type nop struct{}

func (nop) Data([]byte) {}
func (nop) Gap(int)     {}

func BenchmarkInOrder(b *testing.B) {
	var cfg Config
	cfg.defaults()
	var h Half
	p := make([]byte, 1400)
	seq := uint32(1)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		h.Segment(&cfg, seq, false, p, nop{})
		seq += 1400
	}
}

func FuzzSegments(f *testing.F) {
	f.Add([]byte{0, 5, 1, 2, 3, 4, 5, 3, 4, 9, 9, 9, 9})
	f.Fuzz(func(t *testing.T, in []byte) {
		cfg := Config{MaxPending: 64, MaxSegments: 4}
		var h Half
		var r rec
		for len(in) >= 2 {
			off, n := in[0], int(in[1]%16)
			in = in[2:]
			if n > len(in) {
				n = len(in)
			}
			h.Segment(&cfg, 1000+uint32(off), false, in[:n], &r)
			in = in[n:]
		}
		h.Flush(&r)
	})
}
