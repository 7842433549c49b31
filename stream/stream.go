// Package stream reassembles one direction of a TCP connection: bytes come
// out in sequence order, exactly once; retransmissions and overlaps are
// trimmed (first copy wins, as most stacks do); out-of-order segments wait
// in a bounded buffer; and when the buffer is full or the flow ends, the
// missing bytes are reported as a gap instead of being hidden.
package stream

// Sink receives reassembled data. data is valid only during the call.
type Sink interface {
	Data(data []byte)
	Gap(n int)
}

// Config bounds reassembly per direction.
type Config struct {
	// MaxPending is the most out-of-order bytes held per direction (default
	// 64 KiB); beyond it the hole is declared a gap and data flows on.
	MaxPending int
	// MaxSegments is the most out-of-order segments held (default 64).
	MaxSegments int
}

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	c.defaults()
	return c
}

func (c *Config) defaults() {
	if c.MaxPending <= 0 {
		c.MaxPending = 64 << 10
	}
	if c.MaxSegments <= 0 {
		c.MaxSegments = 64
	}
}

type seg struct {
	seq  uint32
	data []byte
}

// Half is the reassembly state of one direction. The zero value is ready.
type Half struct {
	init    bool
	next    uint32 // next expected sequence number
	pending []seg  // sorted by seq, non-overlapping, all after next
	pbytes  int
	// Delivered, GapBytes and Gaps count what went to the sink.
	Delivered uint64
	GapBytes  uint64
	Gaps      uint32
}

// after reports a > b in sequence space (RFC 1982 style).
func after(a, b uint32) bool { return int32(a-b) > 0 }

// Segment processes one TCP segment. syn marks a SYN (its sequence number
// precedes the data by one). Segments before the first SYN or data seen set
// the starting point: a capture that begins mid-connection starts at the
// first segment seen.
func (h *Half) Segment(cfg *Config, seq uint32, syn bool, payload []byte, sink Sink) {
	if syn {
		if !h.init {
			h.init, h.next = true, seq+1
		}
		seq++
	}
	if len(payload) == 0 {
		return
	}
	if !h.init {
		h.init, h.next = true, seq
	}
	end := seq + uint32(len(payload))
	if !after(end, h.next) {
		return // entirely old: a retransmission
	}
	if after(h.next, seq) {
		payload = payload[h.next-seq:]
		seq = h.next
	}
	if seq == h.next {
		h.deliver(payload, sink)
		h.drain(sink)
		return
	}
	h.store(cfg, seq, payload)
	if h.pbytes > cfg.MaxPending || len(h.pending) > cfg.MaxSegments {
		h.skipToPending(sink)
	}
}

func (h *Half) deliver(b []byte, sink Sink) {
	h.next += uint32(len(b))
	h.Delivered += uint64(len(b))
	sink.Data(b)
}

// drain delivers pending segments that have become contiguous.
func (h *Half) drain(sink Sink) {
	for len(h.pending) > 0 {
		s := h.pending[0]
		end := s.seq + uint32(len(s.data))
		if after(s.seq, h.next) {
			return
		}
		h.pending = h.pending[1:]
		h.pbytes -= len(s.data)
		if after(end, h.next) {
			h.deliver(s.data[h.next-s.seq:], sink)
		}
	}
	if len(h.pending) == 0 {
		h.pending = h.pending[:0:0]
	}
}

// store keeps a copy of an out-of-order segment, trimming overlaps with
// segments already held (first copy wins). Only this path allocates.
func (h *Half) store(cfg *Config, seq uint32, payload []byte) {
	i := 0
	for i < len(h.pending) && after(seq, h.pending[i].seq) {
		i++
	}
	// Trim against the previous segment.
	if i > 0 {
		p := h.pending[i-1]
		pend := p.seq + uint32(len(p.data))
		if after(pend, seq) {
			cut := pend - seq
			if int(cut) >= len(payload) {
				return
			}
			payload, seq = payload[cut:], pend
		}
	}
	// Trim against the next segment; what reaches past it is stored after
	// it (recursively), so a long retransmission fills every hole it covers.
	var rest []byte
	var restSeq uint32
	if i < len(h.pending) {
		n := h.pending[i]
		if !after(n.seq, seq) {
			nend := n.seq + uint32(len(n.data))
			if after(seq+uint32(len(payload)), nend) {
				h.store(cfg, nend, payload[nend-seq:])
			}
			return // same start: first copy wins
		}
		if d := n.seq - seq; int(d) < len(payload) {
			nend := n.seq + uint32(len(n.data))
			if after(seq+uint32(len(payload)), nend) {
				rest, restSeq = payload[nend-seq:], nend
			}
			payload = payload[:d]
		}
	}
	defer func() {
		if rest != nil {
			h.store(cfg, restSeq, rest)
		}
	}()
	c := make([]byte, len(payload))
	copy(c, payload)
	h.pending = append(h.pending, seg{})
	copy(h.pending[i+1:], h.pending[i:])
	h.pending[i] = seg{seq, c}
	h.pbytes += len(c)
}

// skipToPending declares the hole before the first pending segment a gap.
func (h *Half) skipToPending(sink Sink) {
	if len(h.pending) == 0 {
		return
	}
	n := h.pending[0].seq - h.next
	h.Gaps++
	h.GapBytes += uint64(n)
	sink.Gap(int(n))
	h.next = h.pending[0].seq
	h.drain(sink)
}

// Flush delivers everything still pending, reporting the holes as gaps
// (at flow end).
func (h *Half) Flush(sink Sink) {
	for len(h.pending) > 0 {
		h.skipToPending(sink)
	}
}

// Pending returns the number of out-of-order bytes held.
func (h *Half) Pending() int { return h.pbytes }
