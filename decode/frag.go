package decode

import (
	"bytes"
	"time"
)

// fragKey identifies a datagram being reassembled: RFC 791's (src, dst,
// protocol, id) for IPv4 and RFC 8200's (src, dst, id) for IPv6. 40 bytes,
// comparable, pointer-free.
type fragKey struct {
	src, dst [16]byte
	id       uint32
	proto    uint8 // IPv4 only; 0 for IPv6
	v6       bool
}

// fragRange is a received byte range [lo, hi) of a datagram's payload.
type fragRange struct{ lo, hi uint32 }

// maxFragPieces bounds the disjoint ranges one datagram may have. Adjacent
// ranges merge, so in-order or reverse-order arrival uses one or two.
const maxFragPieces = 32

// fragInitialBuf is the first capacity given to a datagram's buffer; it
// grows (doubling, up to 64 KiB) as later fragments need.
const fragInitialBuf = 2048

// fragEntry is one datagram being reassembled. Entries live in
// fragTable.entries and are named by index.
type fragEntry struct {
	key        fragKey
	first      int64 // capture time of the first fragment, Unix ns
	prev, next int32 // age list, oldest first; -1 ends
	buf        []byte
	total      int // payload length, -1 until the final fragment arrived
	dead       bool
	ttl        uint8 // from the offset-0 fragment
	nh         uint8 // IPv6: next header from the offset-0 fragment
	n          int   // ranges in use
	ranges     [maxFragPieces]fragRange
}

// fragTable reassembles IPv4 and IPv6 fragments. It holds at most max
// datagrams; buffers are recycled through free indices, so once warmed up
// it allocates only when a datagram needs a bigger buffer than any before.
type fragTable struct {
	max     int
	timeout int64 // ns
	entries []fragEntry
	free    []int32
	index   map[fragKey]int32
	oldest  int32
	newest  int32
	live    int
	// held are completed entries whose buffers back the Packet returned by
	// the current Decode call; they are freed at the start of the next.
	held []int32
}

func (t *fragTable) init(max int, timeout time.Duration) {
	t.max = max
	t.timeout = int64(timeout)
	t.oldest, t.newest = -1, -1
}

// releaseHeld frees the entries whose buffers the previous Packet used.
func (t *fragTable) releaseHeld() {
	t.free = append(t.free, t.held...)
	t.held = t.held[:0]
}

// unlink removes entry i from the index and the age list.
func (t *fragTable) unlink(i int32) {
	e := &t.entries[i]
	if e.prev >= 0 {
		t.entries[e.prev].next = e.next
	} else {
		t.oldest = e.next
	}
	if e.next >= 0 {
		t.entries[e.next].prev = e.prev
	} else {
		t.newest = e.prev
	}
	delete(t.index, e.key)
	t.live--
}

// expire drops datagrams whose first fragment is older than the timeout.
func (t *fragTable) expire(now int64, st *Stats) {
	for t.oldest >= 0 {
		i := t.oldest
		if now-t.entries[i].first <= t.timeout {
			return
		}
		if !t.entries[i].dead {
			st.FragTimedOut++
		}
		t.unlink(i)
		t.free = append(t.free, i)
	}
}

// get returns the entry for k, creating it if needed; -1 when the table is
// full.
func (t *fragTable) get(k *fragKey, now int64) int32 {
	if t.index == nil {
		t.index = make(map[fragKey]int32)
	}
	if i, ok := t.index[*k]; ok {
		return i
	}
	var i int32
	switch {
	case len(t.free) > 0:
		i = t.free[len(t.free)-1]
		t.free = t.free[:len(t.free)-1]
	case len(t.entries) < t.max:
		t.entries = append(t.entries, fragEntry{})
		i = int32(len(t.entries) - 1)
	default:
		return -1
	}
	e := &t.entries[i]
	buf := e.buf[:0]
	*e = fragEntry{key: *k, first: now, buf: buf, total: -1, prev: t.newest, next: -1}
	if t.newest >= 0 {
		t.entries[t.newest].next = i
	} else {
		t.oldest = i
	}
	t.newest = i
	t.index[*k] = i
	t.live++
	return i
}

// kill abandons entry i's datagram: it stays in the table until it times
// out, so its remaining fragments are recognised and reported, not
// reassembled into a new datagram.
func (t *fragTable) kill(e *fragEntry, st *Stats) {
	if !e.dead {
		e.dead = true
		st.FragDropped++
	}
}

// fragResult is what add learned about the datagram.
type fragResult struct {
	data []byte // the reassembled payload when complete
	ttl  uint8  // from the offset-0 fragment
	nh   uint8  // IPv6 next header from the offset-0 fragment
}

// add stores a fragment carrying payload bytes [off, off+len(data)) of the
// datagram k; last is set for the final fragment (MF clear), limit is the
// largest payload the datagram may have. It returns AnomalyNone with the
// whole payload when the datagram is complete, AnomalyFragPending when more
// fragments are needed, or the reason the fragment (and for overlaps and
// oversize, the whole datagram) was dropped.
func (t *fragTable) add(k *fragKey, off int, data []byte, last bool, ttl, nh uint8, limit int, now int64, st *Stats) (fragResult, Anomaly) {
	t.expire(now, st)
	i := t.get(k, now)
	if i < 0 {
		return fragResult{}, AnomalyFragTableFull
	}
	e := &t.entries[i]
	if e.dead {
		return fragResult{}, AnomalyFragOverlap
	}
	lo, hi := off, off+len(data)
	switch {
	case hi > limit:
		t.kill(e, st)
		return fragResult{}, AnomalyFragTooLarge
	case !last && len(data)%8 != 0:
		t.kill(e, st)
		return fragResult{}, AnomalyFragBadLength
	case last:
		if e.total >= 0 && e.total != hi {
			t.kill(e, st)
			return fragResult{}, AnomalyFragOverlap
		}
		if e.n > 0 && int(e.ranges[e.n-1].hi) > hi {
			t.kill(e, st)
			return fragResult{}, AnomalyFragOverlap
		}
		e.total = hi
	case e.total >= 0 && hi > e.total:
		t.kill(e, st)
		return fragResult{}, AnomalyFragOverlap
	}
	if lo == hi { // an empty fragment adds nothing (an empty final one set total)
		return t.finish(i, e, st)
	}
	// Find where [lo, hi) goes among the sorted, disjoint ranges and
	// reject overlaps; an exact repeat of received bytes is a harmless
	// duplicate (retransmission) and is ignored.
	pos := 0
	for pos < e.n && int(e.ranges[pos].hi) <= lo {
		pos++
	}
	if pos < e.n && int(e.ranges[pos].lo) < hi {
		r := e.ranges[pos]
		if lo >= int(r.lo) && hi <= int(r.hi) && bytes.Equal(e.buf[lo:hi], data) {
			return fragResult{}, AnomalyFragPending
		}
		t.kill(e, st)
		return fragResult{}, AnomalyFragOverlap
	}
	// Store the bytes.
	if hi > cap(e.buf) {
		c := 2 * cap(e.buf)
		if c < fragInitialBuf {
			c = fragInitialBuf
		}
		if c < hi {
			c = hi
		}
		if c > limit {
			c = limit
		}
		nb := make([]byte, hi, c)
		copy(nb, e.buf)
		e.buf = nb
	} else if hi > len(e.buf) {
		e.buf = e.buf[:hi]
	}
	copy(e.buf[lo:hi], data)
	// Insert the range at pos, merging with touching neighbours.
	joinPrev := pos > 0 && int(e.ranges[pos-1].hi) == lo
	joinNext := pos < e.n && int(e.ranges[pos].lo) == hi
	switch {
	case joinPrev && joinNext:
		e.ranges[pos-1].hi = e.ranges[pos].hi
		copy(e.ranges[pos:e.n-1], e.ranges[pos+1:e.n])
		e.n--
	case joinPrev:
		e.ranges[pos-1].hi = uint32(hi)
	case joinNext:
		e.ranges[pos].lo = uint32(lo)
	default:
		if e.n >= maxFragPieces {
			t.kill(e, st)
			return fragResult{}, AnomalyFragTooManyPieces
		}
		copy(e.ranges[pos+1:e.n+1], e.ranges[pos:e.n])
		e.ranges[pos] = fragRange{uint32(lo), uint32(hi)}
		e.n++
	}
	if lo == 0 {
		e.ttl = ttl
		e.nh = nh
	}
	return t.finish(i, e, st)
}

// finish reports whether entry i's datagram is complete and, if so, hands
// out its payload: the entry leaves the index now (a new datagram may reuse
// the id) but keeps its buffer until the next Decode call.
func (t *fragTable) finish(i int32, e *fragEntry, st *Stats) (fragResult, Anomaly) {
	if e.total < 0 || e.n != 1 || e.ranges[0].lo != 0 || int(e.ranges[0].hi) != e.total {
		return fragResult{}, AnomalyFragPending
	}
	t.unlink(i)
	t.held = append(t.held, i)
	st.FragReassembled++
	return fragResult{data: e.buf[:e.total], ttl: e.ttl, nh: e.nh}, AnomalyNone
}

// fragV4 feeds an IPv4 fragment (b is the whole IPv4 packet, cut to its
// total length) to the table and decodes the datagram once complete.
func (d *Decoder) fragV4(b []byte, ihl int, p *Packet, depth int) {
	if p.Truncated {
		p.Anomaly = AnomalyIPv4Truncated // cannot reassemble what was not captured
		return
	}
	fo := be.Uint16(b[6:8])
	k := fragKey{src: p.Src, dst: p.Dst, id: uint32(be.Uint16(b[4:6])), proto: b[9]}
	r, a := d.frag.add(&k, int(fo&0x1fff)*8, b[ihl:], fo&0x2000 == 0, b[8], 0, 65535-ihl, p.Time.UnixNano(), &d.stats)
	if a != AnomalyNone {
		p.Anomaly = a
		return
	}
	p.Fragmented = true
	p.TTL = r.ttl
	d.l4(b[9], r.data, p, depth)
}

// fragV6 feeds an IPv6 fragment (data starts at its fragment header; n
// extension headers came before it) to the table and, once the datagram is
// complete, continues the header chain in the reassembled payload.
func (d *Decoder) fragV6(data []byte, p *Packet, depth, n int) {
	if p.Truncated {
		p.Anomaly = AnomalyIPv6Truncated
		return
	}
	om := be.Uint16(data[2:4])
	k := fragKey{src: p.Src, dst: p.Dst, id: be.Uint32(data[4:8]), v6: true}
	r, a := d.frag.add(&k, int(om&0xfff8), data[8:], om&1 == 0, p.TTL, data[0], 65535, p.Time.UnixNano(), &d.stats)
	if a != AnomalyNone {
		p.Anomaly = a
		return
	}
	p.Fragmented = true
	p.TTL = r.ttl
	d.ipv6Ext(r.nh, r.data, p, depth, n+1)
}
