// Package services names the service behind a flow (YouTube, NetFlix,
// Google, …) from a host name (TLS/QUIC SNI, HTTP Host, DNS query name) or
// from a server address.
//
// The data is a small line-oriented text file (see Parse for the format);
// the default table is embedded from data/services.txt. A Table is
// immutable after Parse, so one Table may be shared by every worker without
// locking. ByHost and ByAddr allocate nothing and are meant for the
// per-flow path.
package services

import (
	_ "embed"
	"encoding/binary"
	"net/netip"
	"sync"
)

// Service is one named service. It is a small value type: copy it freely.
type Service struct {
	// ID is the service's 1-based position in Table.Services(); 0 is never
	// a valid ID, so a zero ID can mean "no service" in packed flow state.
	ID uint16
	// Name is netsift's name for the service. Where nDPI has the same
	// service, it is nDPI's name ("YouTube", "NetFlix", "GoogleServices").
	Name string
	// Category is an nDPI-style category ("Media", "SocialNetwork", …).
	Category string
	// NDPI is the application name nDPI reports for this service's hosts
	// ("Google" for Google Analytics, say), or "" when nDPI has none.
	NDPI string
}

// maxName is the longest host name ByHost looks at: a DNS name has at most
// 253 characters without its trailing dot. A longer input is matched on its
// last maxName bytes (starting at a label boundary), so that padding the
// front of a name cannot hide its registered suffix.
const maxName = 253

// hostEntry is the value stored for one suffix key.
type hostEntry struct {
	id      uint16 // service for the exact suffix; 0 when the key only carries wildcards
	wildN   uint16 // number of wildcards whose parent is this key
	wildOff uint32 // their first index in Table.wild
}

// wildcard is a one-label pattern "prefix*suffix" left of a parent suffix:
// "igcdn-photos-*.akamaihd.net" is {prefix "igcdn-photos-", suffix ""}
// under the key "akamaihd.net".
type wildcard struct {
	prefix, suffix string
	id             uint16
}

// Table maps host names and addresses to services. The zero Table matches
// nothing; build one with Parse or Default.
type Table struct {
	services  []Service
	hosts     map[string]hostEntry
	wild      []wildcard
	maxLabels int // most labels in any key of hosts; longer suffixes are not probed
	minLabels int // fewest labels in any key of hosts; shorter suffixes are not probed
	v4, v6    ranges
	nHosts    int
	nNets     int
}

//go:embed data/services.txt
var defaultData string

var (
	defaultOnce  sync.Once
	defaultTable *Table
)

// Default returns the table parsed from the embedded data/services.txt. It
// is parsed once, on first use. The embedded file is checked by the
// package's tests, so a parse error here is a build defect and panics.
func Default() *Table {
	defaultOnce.Do(func() {
		t, err := parseString("services.txt", defaultData)
		if err != nil {
			panic("services: embedded data: " + err.Error())
		}
		defaultTable = t
	})
	return defaultTable
}

// Len returns the number of services in t.
func (t *Table) Len() int { return len(t.services) }

// Services returns a copy of t's services, in file order; Services()[i].ID
// is i+1.
func (t *Table) Services() []Service { return append([]Service(nil), t.services...) }

// ByID returns the service with the given ID.
func (t *Table) ByID(id uint16) (Service, bool) {
	if id == 0 || int(id) > len(t.services) {
		return Service{}, false
	}
	return t.services[id-1], true
}

// ByHost returns the service whose host suffix is the longest one matching
// host on label boundaries: "www.youtube.com" and "youtube.com" match
// "youtube.com", "notyoutube.com" does not. Matching ignores ASCII case and
// one trailing dot, and drops a ":port" suffix (as in an HTTP Host header).
// A wildcard entry "x*y.parent" matches one label beginning with x and
// ending with y directly left of parent; it is less specific than an exact
// entry for that whole label, more specific than parent alone.
//
// ByHost does not allocate and does not keep host.
func (t *Table) ByHost(host []byte) (Service, bool) {
	if id := t.hostID(host); id != 0 {
		return t.services[id-1], true
	}
	return Service{}, false
}

func (t *Table) hostID(host []byte) uint16 {
	if len(t.hosts) == 0 {
		return 0
	}
	host = trimHost(host)
	partial := false // the first label was cut by the maxName limit
	if len(host) > maxName {
		cut := len(host) - maxName
		partial = host[cut-1] != '.'
		host = host[cut:]
	}
	if len(host) == 0 {
		return 0
	}
	// Lower-case into a stack buffer and note where each label starts.
	var buf [maxName]byte
	var starts [maxName/2 + 1]uint8
	nl := 1 // starts[0] == 0
	n := len(host)
	for i := 0; i < n; i++ {
		c := host[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		} else if c == '.' && i+1 < n && nl < len(starts) {
			starts[nl] = uint8(i + 1)
			nl++
		}
		buf[i] = c
	}
	first := 0
	if partial {
		first = 1
	}
	if nl-first > t.maxLabels {
		first = nl - t.maxLabels
	}
	// Probe from the longest suffix to the shortest: the first hit is the
	// longest match. Each probe is one map lookup; the string conversion in
	// the index expression does not allocate.
	for k := first; k <= nl-t.minLabels; k++ {
		e, ok := t.hosts[string(buf[starts[k]:n])]
		if !ok {
			continue
		}
		if e.wildN != 0 && k > 0 && (k > 1 || !partial) {
			label := buf[starts[k-1] : starts[k]-1]
			for _, w := range t.wild[e.wildOff : e.wildOff+uint32(e.wildN)] {
				if len(label) >= len(w.prefix)+len(w.suffix) &&
					string(label[:len(w.prefix)]) == w.prefix &&
					string(label[len(label)-len(w.suffix):]) == w.suffix {
					return w.id
				}
			}
		}
		if e.id != 0 {
			return e.id
		}
	}
	return 0
}

// trimHost drops one trailing dot and a ":digits" port suffix. A name with
// more than one colon (an IPv6 literal) keeps its colons.
func trimHost(h []byte) []byte {
	colon := -1
	for i, c := range h {
		if c == ':' {
			if colon >= 0 {
				colon = -1
				break
			}
			colon = i
		}
	}
	if colon >= 0 {
		digits := colon+1 < len(h)
		for _, c := range h[colon+1:] {
			if c < '0' || c > '9' {
				digits = false
				break
			}
		}
		if digits {
			h = h[:colon]
		}
	}
	if n := len(h); n > 0 && h[n-1] == '.' {
		h = h[:n-1]
	}
	return h
}

// ByAddr returns the service of the longest prefix containing a. An
// IPv4-mapped IPv6 address is looked up as IPv4; a zone is ignored. ByAddr
// does not allocate.
func (t *Table) ByAddr(a netip.Addr) (Service, bool) {
	if id := t.addrID(a); id != 0 {
		return t.services[id-1], true
	}
	return Service{}, false
}

func (t *Table) addrID(a netip.Addr) uint16 {
	a = a.Unmap()
	switch {
	case a.Is4():
		b := a.As4()
		return t.v4.lookup(u128{lo: uint64(binary.BigEndian.Uint32(b[:]))})
	case a.Is6():
		return t.v6.lookup(addr128(a))
	}
	return 0
}

func addr128(a netip.Addr) u128 {
	b := a.As16()
	return u128{hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:])}
}

// u128 is an address as a 128-bit unsigned number (IPv4 in the low bits).
type u128 struct{ hi, lo uint64 }

func (x u128) less(y u128) bool { return x.hi < y.hi || x.hi == y.hi && x.lo < y.lo }

func (x u128) add1() u128 {
	x.lo++
	if x.lo == 0 {
		x.hi++
	}
	return x
}

// ranges is a longest-prefix-match table flattened into disjoint segments:
// segment i covers [starts[i], starts[i+1]) and belongs to ids[i] (0 = no
// service). Addresses below starts[0] belong to no service. A lookup is one
// binary search: about 12 comparisons for a few thousand prefixes, with no
// per-prefix-length probing.
type ranges struct {
	starts []u128
	ids    []uint16
}

func (r *ranges) lookup(x u128) uint16 {
	lo, hi := 0, len(r.starts) // find the first start > x
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if x.less(r.starts[m]) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	if lo == 0 {
		return 0
	}
	return r.ids[lo-1]
}
