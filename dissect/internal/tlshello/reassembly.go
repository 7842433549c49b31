package tlshello

// maxRanges bounds the number of disjoint pieces a Reassembler tracks;
// real handshakes arrive in a handful.
const maxRanges = 32

// Reassembler rebuilds a handshake byte stream delivered in pieces by
// offset, in any order, with overlaps and retransmissions (QUIC CRYPTO
// frames, DTLS handshake fragments). Its buffer grows up to Max bytes and
// is reused by Reset. The zero value with Max set is ready.
type Reassembler struct {
	// Max bounds the stream: pieces ending beyond it are refused.
	Max     int
	data    []byte
	ranges  [maxRanges][2]int
	nranges int
}

// Reset forgets all pieces, keeping the buffer.
func (r *Reassembler) Reset() {
	r.data = r.data[:0]
	r.nranges = 0
}

// Add stores piece at offset off. It reports false (storing nothing) when
// the piece ends beyond Max or the stream is too fragmented.
func (r *Reassembler) Add(off uint64, piece []byte) bool {
	if off > uint64(r.Max) || off+uint64(len(piece)) > uint64(r.Max) {
		return false
	}
	s, e := int(off), int(off)+len(piece)
	// Find where [s,e) goes and which ranges it merges with.
	rs := r.ranges[:r.nranges]
	i := 0
	for i < len(rs) && rs[i][1] < s {
		i++
	}
	j := i
	ms, me := s, e
	for j < len(rs) && rs[j][0] <= e {
		ms = min(ms, rs[j][0])
		me = max(me, rs[j][1])
		j++
	}
	if i == j && r.nranges == maxRanges {
		return false
	}
	if e > len(r.data) {
		if e > cap(r.data) {
			nb := make([]byte, e, max(e, 2048, 2*cap(r.data)))
			copy(nb, r.data)
			r.data = nb
		}
		r.data = r.data[:e]
	}
	copy(r.data[s:e], piece)
	if i == j {
		copy(r.ranges[i+1:r.nranges+1], r.ranges[i:r.nranges])
		r.nranges++
	} else {
		copy(r.ranges[i+1:], r.ranges[j:r.nranges])
		r.nranges -= j - i - 1
	}
	r.ranges[i] = [2]int{ms, me}
	return true
}

// Prefix returns the contiguous bytes from offset 0 (nil when offset 0 has
// not arrived). It aliases the Reassembler's buffer until the next Add or
// Reset.
func (r *Reassembler) Prefix() []byte {
	if r.nranges == 0 || r.ranges[0][0] != 0 {
		return nil
	}
	return r.data[:r.ranges[0][1]]
}
