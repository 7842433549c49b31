package policy

import (
	"hash/maphash"
	"net/netip"
	"strings"

	"github.com/gaissmai/bart"
)

// listKind is the type of a named list.
type listKind uint8

const (
	kindCIDR listKind = iota + 1
	kindDomain
	kindApp
)

func (k listKind) String() string {
	switch k {
	case kindCIDR:
		return "cidr"
	case kindDomain:
		return "domain"
	case kindApp:
		return "app"
	}
	return "?"
}

// list is a named list of the policy file. Exactly one of the sets is
// non-nil, by kind.
type list struct {
	name         string
	kind         listKind
	file         string // resolved path, "" without a file
	line         int    // where it is defined in the policy file
	cidr         *cidrSet
	domain       *domainSet
	app          *nameSet
	skipped      int
	skippedLines []string
}

func (l *list) entries() int {
	switch l.kind {
	case kindCIDR:
		return l.cidr.tbl.Size()
	case kindDomain:
		return l.domain.n
	case kindApp:
		return len(l.app.m)
	}
	return 0
}

// skip records a skipped list-file line.
func (l *list) skip(file string, line int, reason string) {
	l.skipped++
	if len(l.skippedLines) < maxSkippedLines {
		l.skippedLines = append(l.skippedLines, file+":"+itoa(line)+": "+reason)
	}
}

// cidrSet is a longest-prefix-match table of IPv4 and IPv6 prefixes whose
// value is the entry text (as written when canonical, otherwise the masked
// prefix), so a lookup names the matching entry without allocating.
//
// Inserts go to tbl (bart.Table, the source of truth), which answers
// lookups until finish flattens it into flat (addrtable.go); an insert
// after finish drops flat again, so the answer is always tbl's. A set is
// not modified once the policy is published, so lookups need no lock.
//
// Measured with the 1M-prefix scale list (loaded, numbers in README.md):
// hits in bart.Fast cost 100–290 ns (bart walks four to six nodes,
// Table[string] was ~1.6x slower still), in flat 55–90 ns (two or three
// dependent reads). tbl is a Table, not a Fast, now that it only builds:
// 40 MB less heap for 1M prefixes; a set that is never finished (a rule's
// inline values) is small, and any bart is fast on a small set.
type cidrSet struct {
	name  string // list name; "" for a rule's inline values
	tbl   bart.Table[string]
	built bool // flat holds tbl's prefixes
	flat  addrTable
}

func (s *cidrSet) insert(p netip.Prefix, entry string) {
	s.tbl.Insert(p, entry)
	if s.built {
		s.built, s.flat = false, addrTable{}
	}
}

// finish builds the flattened table; call it after the last insert (the
// list loader does, once all of a list's files and items are in).
func (s *cidrSet) finish() {
	if s.built {
		return
	}
	s.flat, s.built = buildAddrTable(s.tbl.All(), s.tbl.Size4(), s.tbl.Size6())
}

func (s *cidrSet) lookup(a netip.Addr) (string, bool) {
	if s.built {
		return s.flat.lookup(a)
	}
	return s.tbl.Lookup(a)
}

// parsePrefix parses an address or CIDR ("192.0.2.1", "192.0.2.0/24",
// "2001:db8::/32"). IPv4-mapped IPv6 prefixes become IPv4 prefixes, since
// lookups unmap addresses. The returned entry is text when text is the
// canonical form, else the masked prefix.
func parsePrefix(text string) (netip.Prefix, string, bool) {
	var p netip.Prefix
	if strings.IndexByte(text, '/') >= 0 {
		var err error
		if p, err = netip.ParsePrefix(text); err != nil {
			return p, "", false
		}
	} else {
		a, err := netip.ParseAddr(text)
		if err != nil || a.Zone() != "" {
			return p, "", false
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		return p.Masked(), p.Masked().String(), true
	}
	if m := p.Masked(); m != p {
		return m, m.String(), true
	}
	return p, text, true
}

// domainSet is a set of domain suffixes: an entry matches itself and every
// subdomain. Lookup tries the host's suffixes at label boundaries, longest
// first, at most maxLabels of them, without allocating (substrings of the
// host).
//
// Small sets (inline values, short lists) are an exact Go map. Large sets
// are a Bloom filter (16 bits per entry, 2 probes: 2 MB for 1M names, so it
// stays in cache) in front of an open-addressing table of 64-bit keyed
// fingerprints (maphash, a random seed per load, 8 bytes per slot at most
// half full). Reason, measured with 1M names: a Go map probe is two cache
// misses on a hit (control group, then the key's bytes) and one per miss,
// 3–5 probes per host: ~340 ns per lookup; filter + fingerprint table: one
// miss on a hit, none on most misses (numbers in README.md). The price is a
// false match when an unlisted suffix's 64-bit fingerprint equals a listed
// one's: with a fresh random seed, probability below 1e-12 per lookup for
// 1M entries, and no one can aim for it.
type domainSet struct {
	name      string // list name; "" for a rule's inline values
	n         int    // distinct entries
	maxLabels int
	small     map[string]struct{} // all entries until finish; nil after it for large sets

	seed      maphash.Seed
	fps       []uint64 // fingerprints; 0 = empty slot
	fpShift   uint8    // slot = (fp * golden) >> fpShift
	bloom     []uint64 // bit set; len(bloom)*64 is a power of two
	bloomMask uint64
}

// smallDomainSet is the size up to which a set stays an exact map.
const smallDomainSet = 4096

// maxHostLabels bounds the suffixes considered: a 253-byte name has at
// most 127 labels.
const maxHostLabels = 127

func newDomainSet(name string, hint int) *domainSet {
	return &domainSet{name: name, small: make(map[string]struct{}, hint)}
}

// add adds an entry; finish must be called after the last add.
func (s *domainSet) add(d string) {
	s.small[d] = struct{}{}
	s.n = len(s.small)
	if n := strings.Count(d, ".") + 1; n > s.maxLabels {
		s.maxLabels = min(n, maxHostLabels)
	}
}

const golden = 0x9e3779b97f4a7c15

// finish builds the filter and fingerprint table of a large set.
func (s *domainSet) finish() {
	if len(s.small) <= smallDomainSet {
		return
	}
	s.seed = maphash.MakeSeed()
	bits := uint64(64)
	for bits < uint64(len(s.small))*16 {
		bits <<= 1
	}
	s.bloom, s.bloomMask = make([]uint64, bits/64), bits-1
	slots, shift := 1, uint8(64)
	for slots < 2*len(s.small) {
		slots, shift = slots<<1, shift-1
	}
	s.fps, s.fpShift = make([]uint64, slots), shift
	mask := uint64(slots - 1)
	for d := range s.small {
		fp := s.fingerprint(d)
		b1, b2 := fp&s.bloomMask, (fp>>32)*golden>>20&s.bloomMask
		s.bloom[b1>>6] |= 1 << (b1 & 63)
		s.bloom[b2>>6] |= 1 << (b2 & 63)
		for i := fp * golden >> s.fpShift; ; i = (i + 1) & mask {
			if s.fps[i] == 0 || s.fps[i] == fp {
				s.fps[i] = fp
				break
			}
		}
	}
	s.small = nil
}

func (s *domainSet) fingerprint(d string) uint64 {
	fp := maphash.String(s.seed, d)
	if fp == 0 {
		fp = 1
	}
	return fp
}

// has reports whether d is an entry.
func (s *domainSet) has(d string) bool {
	if s.small != nil {
		_, ok := s.small[d]
		return ok
	}
	fp := s.fingerprint(d)
	b1, b2 := fp&s.bloomMask, (fp>>32)*golden>>20&s.bloomMask
	if s.bloom[b1>>6]&(1<<(b1&63)) == 0 || s.bloom[b2>>6]&(1<<(b2&63)) == 0 {
		return false
	}
	mask := uint64(len(s.fps) - 1)
	for i := fp * golden >> s.fpShift; ; i = (i + 1) & mask {
		switch s.fps[i] {
		case fp:
			return true
		case 0:
			return false
		}
	}
}

// lookup returns the longest entry that host equals or is a subdomain of.
// The entry returned is a substring of host.
func (s *domainSet) lookup(host string) (string, bool) {
	if s.n == 0 || host == "" {
		return "", false
	}
	// Find where the suffix of maxLabels labels starts, then try it and
	// each shorter suffix.
	i := len(host)
	for n := 0; i > 0; i-- {
		if host[i-1] == '.' {
			n++
			if n == s.maxLabels {
				break
			}
		}
	}
	for {
		if s.has(host[i:]) {
			return host[i:], true
		}
		j := strings.IndexByte(host[i:], '.')
		if j < 0 {
			return "", false
		}
		i += j + 1
	}
}

// nameSet is a set of application names (lower case).
type nameSet struct {
	name string // list name; "" for a rule's inline values
	m    map[string]string
}

func (s *nameSet) lookup(app string) (string, bool) {
	e, ok := s.m[app]
	return e, ok
}

// localNames are names in hosts-file headers that are housekeeping, not
// blocklist entries.
var localNames = map[string]bool{
	"localhost": true, "localhost.localdomain": true, "local": true, "broadcasthost": true,
	"ip6-localhost": true, "ip6-loopback": true, "ip6-localnet": true, "ip6-mcastprefix": true,
	"ip6-allnodes": true, "ip6-allrouters": true, "ip6-allhosts": true,
}

// normDomain turns a domain entry into its key: "example.com",
// "*.example.com", ".example.com", "||example.com^" and "example.com."
// all become "example.com", lower-cased. It returns a reason when the text
// is not a host name. The result is a substring of text unless text has
// upper-case letters.
func normDomain(text string) (string, string) {
	d := text
	if strings.HasPrefix(d, "||") {
		d = strings.TrimSuffix(d[2:], "^")
	}
	switch {
	case strings.HasPrefix(d, "*."):
		d = d[2:]
	case strings.HasPrefix(d, "."):
		d = d[1:]
	}
	d = strings.TrimSuffix(d, ".")
	if d == "" {
		return "", "not a host name: " + quote(text)
	}
	if len(d) > 253 {
		return "", "host name longer than 253 characters"
	}
	upper := false
	label := 0
	for i := 0; i < len(d); i++ {
		c := d[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
			label++
		case c >= 'A' && c <= 'Z':
			upper = true
			label++
		case c == '.':
			if label == 0 {
				return "", "empty label in host name " + quote(text)
			}
			label = 0
			continue
		default:
			return "", "not a host name (character " + quote(string(rune(c))) + "): " + quote(text)
		}
		if label > 63 {
			return "", "label longer than 63 characters in " + quote(text)
		}
	}
	if label == 0 {
		return "", "empty label in host name " + quote(text)
	}
	if _, err := netip.ParseAddr(d); err == nil {
		return "", "an address, not a host name (put addresses in a cidr list): " + quote(text)
	}
	if upper {
		d = strings.ToLower(d)
	}
	return d, ""
}

// quote quotes s for a message, shortened to 80 bytes.
func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// eachLine calls fn with each line of data (1-based number), without the
// comment (from commentChars) and surrounding blanks; blank lines are not
// passed. Lines are substrings of data.
func eachLine(data, commentChars string, fn func(n int, line string)) {
	data = strings.TrimPrefix(data, "\ufeff")
	n := 0
	for len(data) > 0 {
		n++
		var line string
		if i := strings.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, ""
		}
		if i := strings.IndexAny(line, commentChars); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line != "" {
			fn(n, line)
		}
	}
}

// loadCIDRFile adds the lines of a cidr list file to l, then builds its
// lookup table (cidrSet.finish). Comments start with '#' or ';' (Spamhaus
// DROP style "192.0.2.0/24 ; SBL1"). A line that is not an address or
// CIDR is skipped and recorded.
func (l *list) loadCIDRFile(file, data string) {
	eachLine(data, "#;", func(n int, line string) {
		if i := strings.IndexAny(line, " \t"); i >= 0 {
			line = line[:i] // "192.0.2.0/24 extra words"
		}
		p, e, ok := parsePrefix(line)
		if !ok {
			l.skip(file, n, "not an IP address or CIDR: "+quote(line))
			return
		}
		l.cidr.insert(p, e)
	})
}

// loadDomainFile adds the lines of a domain list file to l: one name per
// line, or hosts-file lines "0.0.0.0 name [name…]". A name that is not a
// host name is skipped and recorded.
func (l *list) loadDomainFile(file, data string) {
	eachLine(data, "#", func(n int, line string) {
		if i := strings.IndexAny(line, " \t"); i >= 0 {
			first := line[:i]
			if _, err := netip.ParseAddr(first); err != nil {
				l.skip(file, n, "not a host name or hosts-file line: "+quote(line))
				return
			}
			for _, name := range strings.Fields(line[i:]) {
				l.addDomainLine(file, n, name, true)
			}
			return
		}
		l.addDomainLine(file, n, line, false)
	})
}

func (l *list) addDomainLine(file string, n int, name string, hosts bool) {
	d, why := normDomain(name)
	if why != "" {
		l.skip(file, n, why)
		return
	}
	if hosts && localNames[d] {
		l.skip(file, n, "local name "+quote(d)+" in a hosts-file line")
		return
	}
	l.domain.add(d)
}

// loadAppFile adds the lines of an app list file: one app name per line.
func (l *list) loadAppFile(file, data string) {
	eachLine(data, "#", func(n int, line string) {
		if why := checkAppName(line); why != "" {
			l.skip(file, n, why)
			return
		}
		a := strings.ToLower(line)
		l.app.m[a] = a
	})
}

// checkAppName reports why s is not an application name ("" if it is).
func checkAppName(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return "not an application name: " + quote(s)
		}
	}
	if s == "" {
		return "empty application name"
	}
	return ""
}
