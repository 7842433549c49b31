package flow

import (
	"errors"
	"time"
)

// Config sets the table's limits. Zero values take the documented defaults.
type Config struct {
	// MaxFlows caps live entries per table; at the cap the least recently
	// seen flow is evicted (counted in Stats.Evicted). Default 262144.
	MaxFlows int
	// TCPNew applies to TCP flows that have not completed a handshake or
	// have closed (FIN/RST). Default 60s.
	TCPNew time.Duration
	// TCPEstablished applies to established TCP flows. Default 600s.
	TCPEstablished time.Duration
	// Other applies to UDP, ICMP and everything else. Default 120s.
	Other time.Duration
}

// Validate checks the configuration.
func (c Config) Validate() error {
	if c.MaxFlows < 0 || c.TCPNew < 0 || c.TCPEstablished < 0 || c.Other < 0 {
		return errors.New("flow: limits must not be negative")
	}
	return nil
}

func (c *Config) defaults() {
	if c.MaxFlows == 0 {
		c.MaxFlows = 262144
	}
	if c.TCPNew == 0 {
		c.TCPNew = 60 * time.Second
	}
	if c.TCPEstablished == 0 {
		c.TCPEstablished = 600 * time.Second
	}
	if c.Other == 0 {
		c.Other = 120 * time.Second
	}
}

// Class selects the idle timeout (and the LRU list) of an entry.
type Class uint8

const (
	ClassOther Class = iota
	ClassTCPNew
	ClassTCPEstablished
	numClasses
)

// End says why a flow ended.
type End uint8

const (
	EndTimeout  End = iota // idle longer than its class's timeout
	EndEvicted             // table full, least recently seen
	EndShutdown            // end of input / engine stopped
)

// String returns Suricata's flow "reason" word.
func (e End) String() string {
	switch e {
	case EndEvicted:
		return "forced"
	case EndShutdown:
		return "shutdown"
	}
	return "timeout"
}

// Entry is one flow. S is the owner's per-flow state, stored inline so a
// flow costs one allocation, reused after the flow ends.
type Entry[S any] struct {
	Key  Key
	Last time.Time // last packet, either direction
	// Class is the timeout class; change it with Table.SetClass.
	Class Class

	State S

	prev, next *Entry[S]
}

// Stats counts table events.
type Stats struct {
	Created, Expired, Evicted uint64
	Active                    int
	Peak                      int
}

// Table maps keys to entries. Not safe for concurrent use.
type Table[S any] struct {
	cfg     Config
	timeout [numClasses]time.Duration
	m       map[Key]*Entry[S]
	lru     [numClasses]list[S] // per class, least recently seen first
	free    *Entry[S]
	stats   Stats
	// onEnd is called for every entry that leaves the table, before its
	// memory is reused.
	onEnd func(*Entry[S], End)
}

type list[S any] struct{ head, tail *Entry[S] }

func (l *list[S]) push(e *Entry[S]) {
	e.prev, e.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = e
	} else {
		l.head = e
	}
	l.tail = e
}

func (l *list[S]) remove(e *Entry[S]) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		l.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		l.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

// New creates a table; onEnd is called for each flow that ends (timeout,
// eviction or Flush) and must not keep the entry.
func New[S any](cfg Config, onEnd func(*Entry[S], End)) *Table[S] {
	cfg.defaults()
	t := &Table[S]{cfg: cfg, onEnd: onEnd}
	t.timeout = [numClasses]time.Duration{cfg.Other, cfg.TCPNew, cfg.TCPEstablished}
	t.m = make(map[Key]*Entry[S], min(cfg.MaxFlows, 1024))
	return t
}

// Lookup finds or creates the entry for k, marking it seen at now. A new
// entry has a zeroed State (reused memory is reset).
func (t *Table[S]) Lookup(k *Key, now time.Time) (e *Entry[S], created bool) {
	if e = t.m[*k]; e != nil {
		l := &t.lru[e.Class]
		if l.tail != e {
			l.remove(e)
			l.push(e)
		}
		if now.After(e.Last) {
			e.Last = now
		}
		return e, false
	}
	if len(t.m) >= t.cfg.MaxFlows {
		t.evictOne()
	}
	if e = t.free; e != nil {
		t.free = e.next
		*e = Entry[S]{}
	} else {
		e = new(Entry[S])
	}
	e.Key, e.Last = *k, now
	t.m[*k] = e
	t.lru[ClassOther].push(e)
	t.stats.Created++
	if len(t.m) > t.stats.Peak {
		t.stats.Peak = len(t.m)
	}
	return e, true
}

// SetClass moves e to another timeout class.
func (t *Table[S]) SetClass(e *Entry[S], c Class) {
	if e.Class == c {
		return
	}
	t.lru[e.Class].remove(e)
	e.Class = c
	t.lru[c].push(e)
}

func (t *Table[S]) evictOne() {
	var oldest *Entry[S]
	for c := range t.lru {
		if h := t.lru[c].head; h != nil && (oldest == nil || h.Last.Before(oldest.Last)) {
			oldest = h
		}
	}
	if oldest != nil {
		t.stats.Evicted++
		t.end(oldest, EndEvicted)
	}
}

func (t *Table[S]) end(e *Entry[S], why End) {
	t.lru[e.Class].remove(e)
	delete(t.m, e.Key)
	if t.onEnd != nil {
		t.onEnd(e, why)
	}
	var zero S
	e.State = zero
	e.next = t.free
	t.free = e
}

// Expire ends every flow idle for longer than its class's timeout at now.
func (t *Table[S]) Expire(now time.Time) {
	for c := range t.lru {
		limit := now.Add(-t.timeout[c])
		for e := t.lru[c].head; e != nil && e.Last.Before(limit); e = t.lru[c].head {
			t.stats.Expired++
			t.end(e, EndTimeout)
		}
	}
}

// Flush ends every flow (end of input), oldest first.
func (t *Table[S]) Flush() {
	for {
		var oldest *Entry[S]
		for c := range t.lru {
			if h := t.lru[c].head; h != nil && (oldest == nil || h.Last.Before(oldest.Last)) {
				oldest = h
			}
		}
		if oldest == nil {
			return
		}
		t.end(oldest, EndShutdown)
	}
}

// Len returns the number of live flows.
func (t *Table[S]) Len() int { return len(t.m) }

// Stats returns the counters.
func (t *Table[S]) Stats() Stats {
	s := t.stats
	s.Active = len(t.m)
	return s
}
