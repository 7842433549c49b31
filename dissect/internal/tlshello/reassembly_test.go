package tlshello

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestReassembler delivers a stream in shuffled, overlapping pieces and
// checks the prefix against the original at the end.
func TestReassembler(t *testing.T) {
	src := make([]byte, 3000)
	for i := range src {
		src[i] = byte(i * 7)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 50; round++ {
		r := Reassembler{Max: 4096}
		type piece struct{ off, end int }
		var ps []piece
		for off := 0; off < len(src); {
			n := 100 + rng.IntN(300) // ≤ 30 pieces: within maxRanges
			end := min(off+n, len(src))
			ps = append(ps, piece{off, end})
			// Overlapping retransmission of part of the piece.
			if rng.IntN(3) == 0 {
				ps = append(ps, piece{max(0, off-5), end})
			}
			off = end
		}
		rng.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
		for _, p := range ps {
			if !r.Add(uint64(p.off), src[p.off:p.end]) {
				t.Fatalf("round %d: Add(%d, %d bytes) refused", round, p.off, p.end-p.off)
			}
		}
		if got := r.Prefix(); !bytes.Equal(got, src) {
			t.Fatalf("round %d: prefix %d bytes, ranges %v", round, len(got), r.ranges[:r.nranges])
		}
	}
	var r Reassembler
	r.Max = 10
	if r.Add(5, make([]byte, 6)) || r.Prefix() != nil {
		t.Error("piece beyond Max accepted")
	}
}
