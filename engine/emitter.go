package engine

import (
	"bytes"
	"net/netip"
	"strings"
	"sync"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
)

// emitter is the worker's dissect.Emitter; e is the flow being parsed.
type emitter struct {
	w *worker
	e *entry
}

var _ dissect.Emitter = (*emitter)(nil)

// Host records the flow's name; the first call wins (a DNS flow carrying
// several queries is named by its first, as TLS by its SNI). Later names
// still appear in the protocol's own events.
func (m *emitter) Host(name []byte) {
	st := &m.e.State
	name = trimHost(name)
	if len(name) == 0 {
		return
	}
	if m.w.e.cfg.Policy != nil && !(len(name) == len(st.pol.curHost) && strings.EqualFold(st.pol.curHost, string(name))) {
		// The policy sees every name (each DNS query is decided).
		st.pol.curHost = strings.ToLower(string(name))
		st.pol.hostNew = true
	}
	if st.host != "" {
		return
	}
	st.host = strings.ToLower(string(name))
	if s := m.w.e.cfg.Services; s != nil {
		if n, c, ok := s.ByHost(name); ok {
			st.service, st.category = n, c
		}
	}
}

// ServerName names the service from a server-presented name when nothing
// else did ("*.world.waze.com" → Waze).
func (m *emitter) ServerName(name []byte) {
	st := &m.e.State
	s := m.w.e.cfg.Services
	if st.service != "" || s == nil {
		return
	}
	name = bytes.TrimPrefix(trimHost(name), []byte("*."))
	if n, c, ok := s.ByHost(name); ok {
		st.service, st.category = n, c
	}
}

func trimHost(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '.' || b[len(b)-1] == 0) {
		b = b[:len(b)-1]
	}
	return b
}

func (m *emitter) Event(dir dissect.Dir, typ string, rec dissect.Record) {
	w := m.w
	st := &m.e.State
	h := w.header(m.e, typ, dir)
	event.BeginEvent(&w.w, &h)
	w.w.Key(typ)
	rec.AppendEVE(&w.w)
	w.finishEvent()
	_ = st
}

func (m *emitter) Resolved(name []byte, addr netip.Addr) {
	m.w.e.dns.put(addr, trimHost(name))
}

func (m *emitter) Anomaly(kind string) {
	m.e.State.anomalies++
	m.w.stats.addAppAnomaly(kind)
}

func (m *emitter) Meta(key string, value []byte) {
	st := &m.e.State
	for i := range st.meta {
		if st.meta[i].k == key {
			st.meta[i].v = string(value)
			return
		}
	}
	if len(st.meta) < 32 {
		st.meta = append(st.meta, metaKV{key, string(value)})
	}
}

// Inspect runs the signatures over one transaction's buffers.
func (m *emitter) Inspect(dir dissect.Dir, tx uint64, typ string, rec dissect.Record) {
	if m.w.e.cfg.Rules == nil {
		return
	}
	m.w.inspectTx(m.e, dir, tx, typ, rec)
}

func (m *emitter) Upgrade(proto string) {
	if i := m.w.e.cfg.Registry.Index(proto); i >= 0 {
		m.e.State.upgrade = int16(i)
	}
}

// dnsCache maps addresses seen in DNS answers to the name asked for. It is
// shared by all workers (answers and later flows may hash to different
// workers) and bounded: when full, it is cleared — names are re-learnt from
// the next answers.
type dnsCache struct {
	mu  sync.RWMutex
	m   map[netip.Addr]string
	max int
}

func (c *dnsCache) put(a netip.Addr, name []byte) {
	if len(name) == 0 || !a.IsValid() {
		return
	}
	c.mu.RLock()
	old, ok := c.m[a]
	c.mu.RUnlock()
	if ok && old == string(name) {
		return
	}
	s := strings.ToLower(string(name))
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[a] = s
	c.mu.Unlock()
}

func (c *dnsCache) get(a netip.Addr) (string, bool) {
	c.mu.RLock()
	s, ok := c.m[a]
	c.mu.RUnlock()
	return s, ok
}
