package services

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
)

// Categories lists the category names Parse accepts: nDPI's category names,
// so that netsift's and nDPI's verdicts compare directly. Treat it as read-only.
var Categories = []string{
	"Unspecified", "Media", "VPN", "Email", "DataTransfer", "Web",
	"SocialNetwork", "Download", "Game", "Chat", "VoIP", "Database",
	"RemoteAccess", "Cloud", "Network", "Collaborative", "RPC", "Streaming",
	"System", "SoftwareUpdate", "Music", "Video", "Shopping", "Productivity",
	"FileSharing", "ConnCheck", "IoT-Scada", "VirtAssistant", "Cybersecurity",
	"AdultContent", "Mining", "Malware", "Advertisement", "Crypto_Currency",
	"Gambling", "Health", "ArtifIntelligence", "Finance", "News", "Sport",
	"Business", "Internet", "Blockchain", "Blog", "Government", "Education",
	"CDN", "HW_SW", "Dating", "Travel", "Food", "Bots", "Scanners", "Hosting",
	"Art", "Fashion", "Books", "Science", "Maps", "Login-Portal", "Legal",
	"Culture", "Housing", "Telecommunication", "Transportation", "Design",
	"Employment", "Events", "Weather", "Lifestyle", "Security",
	"Entertainment", "Technology", "Vehicle",
}

// maxExpand bounds what one brace-expanded token may produce, so that a
// hostile file cannot make Parse build an enormous table from a short line.
const maxExpand = 4096

// Parse reads a service table. name is used in error messages only.
//
// The format is line-oriented; '#' starts a comment, blank lines are
// ignored, and indentation is free:
//
//	service YouTube  Media  ndpi=YouTube
//	  host youtube.com youtu.be ytimg.com yt{3,4}.ggpht.com
//	  host igcdn-photos-*.akamaihd.net
//	  net  208.65.152.0/22 2620:0:1c00::/40
//
// "service NAME CATEGORY [ndpi=NAME]" starts a service; NAME is unique
// (ignoring case) and CATEGORY is one of Categories. "host" and "net" lines
// add suffixes and prefixes to the service above them. A host matches
// itself and every name below it; its first label may contain one '*'
// (a one-label wildcard, see Table.ByHost). A token may contain one or more
// "{a,b,…}" groups, expanded in place. A suffix or a prefix belongs to one
// service only; nested entries (google.com, mail.google.com) are fine and
// the longest wins.
//
// Errors name the file and line and say what is wrong:
// "services.txt:12: unknown category "Medya"".
func Parse(name string, r io.Reader) (*Table, error) {
	p := newParser(name)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		p.line++
		if err := p.parseLine(sc.Text()); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %v", name, p.line+1, err)
	}
	return p.finish()
}

func parseString(name, data string) (*Table, error) {
	return Parse(name, strings.NewReader(data))
}

type prefixDef struct {
	p    netip.Prefix
	id   uint16
	line int
}

type hostDef struct {
	id   uint16
	line int
}

type wildDef struct {
	parent         string
	prefix, suffix string
	id             uint16
	line           int
}

type parser struct {
	name     string
	line     int
	services []Service
	svcLine  []int // line of each service's "service" line
	svcUsed  []bool
	byName   map[string]int // lower-case name -> index
	hosts    map[string]hostDef
	wilds    []wildDef
	prefixes map[netip.Prefix]prefixDef
}

func newParser(name string) *parser {
	return &parser{
		name:     name,
		byName:   map[string]int{},
		hosts:    map[string]hostDef{},
		prefixes: map[netip.Prefix]prefixDef{},
	}
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.name, p.line, fmt.Sprintf(format, args...))
}

func (p *parser) parseLine(s string) error {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	f := strings.Fields(s)
	if len(f) == 0 {
		return nil
	}
	switch f[0] {
	case "service":
		return p.service(f[1:])
	case "host", "net":
		if len(p.services) == 0 {
			return p.errorf("%q line before any \"service\" line", f[0])
		}
		if len(f) == 1 {
			return p.errorf("%q line lists nothing", f[0])
		}
		id := uint16(len(p.services))
		for _, tok := range f[1:] {
			words, err := expand(tok)
			if err != nil {
				return p.errorf("%s", err)
			}
			for _, w := range words {
				if f[0] == "host" {
					err = p.host(w, id)
				} else {
					err = p.net(w, id)
				}
				if err != nil {
					return err
				}
			}
		}
		p.svcUsed[id-1] = true
		return nil
	}
	return p.errorf("unknown keyword %q (want service, host or net)", f[0])
}

func (p *parser) service(f []string) error {
	if len(f) < 2 {
		return p.errorf("want \"service NAME CATEGORY [ndpi=NAME]\"")
	}
	if err := p.checkUnused(); err != nil {
		return err
	}
	name, cat := f[0], f[1]
	if !validName(name) {
		return p.errorf("bad service name %q (want letters, digits and _ + . -)", name)
	}
	if i, dup := p.byName[strings.ToLower(name)]; dup {
		return p.errorf("service %q already defined at line %d", name, p.svcLine[i])
	}
	if !slices.Contains(Categories, cat) {
		return p.errorf("unknown category %q for service %s (want one of services.Categories, e.g. Web, Media, Chat)", cat, name)
	}
	if len(p.services) >= 0xffff {
		return p.errorf("too many services (at most 65535)")
	}
	s := Service{ID: uint16(len(p.services) + 1), Name: name, Category: cat}
	for _, opt := range f[2:] {
		k, v, ok := strings.Cut(opt, "=")
		if !ok || k != "ndpi" {
			return p.errorf("unknown option %q (want ndpi=NAME)", opt)
		}
		if !validName(v) {
			return p.errorf("bad nDPI name %q", v)
		}
		s.NDPI = v
	}
	p.byName[strings.ToLower(name)] = len(p.services)
	p.services = append(p.services, s)
	p.svcLine = append(p.svcLine, p.line)
	p.svcUsed = append(p.svcUsed, false)
	return nil
}

// checkUnused reports a service (the last one so far) that has no host and
// no net line: it could never match, which is almost surely a mistake.
func (p *parser) checkUnused() error {
	if n := len(p.services); n > 0 && !p.svcUsed[n-1] {
		return fmt.Errorf("%s:%d: service %s has no host or net line", p.name, p.svcLine[n-1], p.services[n-1].Name)
	}
	return nil
}

func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '_' || c == '+' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

func (p *parser) host(h string, id uint16) error {
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	if h == "" || len(h) > maxName {
		return p.errorf("bad host %q: want 1 to %d characters", h, maxName)
	}
	labels := strings.Split(h, ".")
	for i, l := range labels {
		if l == "" {
			return p.errorf("bad host %q: empty label", h)
		}
		if len(l) > 63 {
			return p.errorf("bad host %q: label longer than 63 characters", h)
		}
		stars := 0
		for j := 0; j < len(l); j++ {
			c := l[j]
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
			case c == '*':
				stars++
			default:
				return p.errorf("bad host %q: character %q not allowed", h, c)
			}
		}
		if stars > 1 || stars == 1 && i != 0 {
			return p.errorf("bad host %q: a '*' may appear once, in the first label only", h)
		}
	}
	if strings.Contains(labels[0], "*") {
		if len(labels) < 2 {
			return p.errorf("bad host %q: a wildcard needs a parent suffix (like *.example.com)", h)
		}
		pre, suf, _ := strings.Cut(labels[0], "*")
		parent := strings.Join(labels[1:], ".")
		for _, w := range p.wilds {
			if w.parent == parent && w.prefix == pre && w.suffix == suf {
				return p.errorf("host %q already listed for service %s at line %d", h, p.services[w.id-1].Name, w.line)
			}
		}
		p.wilds = append(p.wilds, wildDef{parent: parent, prefix: pre, suffix: suf, id: id, line: p.line})
		return nil
	}
	if d, dup := p.hosts[h]; dup {
		return p.errorf("host %q already listed for service %s at line %d", h, p.services[d.id-1].Name, d.line)
	}
	p.hosts[h] = hostDef{id: id, line: p.line}
	return nil
}

func (p *parser) net(s string, id uint16) error {
	pfx, err := netip.ParsePrefix(s)
	if err != nil {
		return p.errorf("bad net %q: want an address prefix like 192.0.2.0/24 or 2001:db8::/32", s)
	}
	if pfx.Addr().Zone() != "" {
		return p.errorf("bad net %q: zones are not allowed", s)
	}
	if pfx.Addr().Is4In6() {
		return p.errorf("bad net %q: write IPv4-mapped prefixes in IPv4 form", s)
	}
	if m := pfx.Masked(); m != pfx {
		return p.errorf("bad net %q: host bits set (did you mean %s?)", s, m)
	}
	if d, dup := p.prefixes[pfx]; dup {
		return p.errorf("net %s already listed for service %s at line %d", pfx, p.services[d.id-1].Name, d.line)
	}
	p.prefixes[pfx] = prefixDef{p: pfx, id: id, line: p.line}
	return nil
}

func (p *parser) finish() (*Table, error) {
	p.line++
	if err := p.checkUnused(); err != nil {
		return nil, err
	}
	t := &Table{
		services: p.services,
		hosts:    make(map[string]hostEntry, len(p.hosts)),
		nHosts:   len(p.hosts) + len(p.wilds),
		nNets:    len(p.prefixes),
	}
	t.minLabels = 1 << 30
	for h, d := range p.hosts {
		t.hosts[h] = hostEntry{id: d.id}
		t.maxLabels = max(t.maxLabels, strings.Count(h, ".")+1)
		t.minLabels = min(t.minLabels, strings.Count(h, ".")+1)
	}
	// Wildcards are grouped by parent, in file order within a parent, and
	// the parent key gets an entry (with id 0 if it is not a host itself).
	wilds := slices.Clone(p.wilds)
	slices.SortStableFunc(wilds, func(a, b wildDef) int { return strings.Compare(a.parent, b.parent) })
	for i := 0; i < len(wilds); {
		j := i
		for j < len(wilds) && wilds[j].parent == wilds[i].parent {
			t.wild = append(t.wild, wildcard{prefix: wilds[j].prefix, suffix: wilds[j].suffix, id: wilds[j].id})
			j++
		}
		if j-i > 0xffff {
			return nil, fmt.Errorf("%s:%d: too many wildcards under %q", p.name, wilds[j-1].line, wilds[i].parent)
		}
		e := t.hosts[wilds[i].parent]
		e.wildOff, e.wildN = uint32(len(t.wild)-(j-i)), uint16(j-i)
		t.hosts[wilds[i].parent] = e
		t.maxLabels = max(t.maxLabels, strings.Count(wilds[i].parent, ".")+1)
		t.minLabels = min(t.minLabels, strings.Count(wilds[i].parent, ".")+1)
		i = j
	}
	var v4, v6 []prefixDef
	for _, d := range p.prefixes {
		if d.p.Addr().Is4() {
			v4 = append(v4, d)
		} else {
			v6 = append(v6, d)
		}
	}
	t.v4 = buildRanges(v4)
	t.v6 = buildRanges(v6)
	return t, nil
}

// span returns the first and last address of p as 128-bit numbers (IPv4
// prefixes in the low 32 bits).
func span(p netip.Prefix) (lo, hi u128) {
	if p.Addr().Is4() {
		b := p.Addr().As4()
		v := uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
		host := uint64(1)<<(32-p.Bits()) - 1
		return u128{lo: v}, u128{lo: v | host}
	}
	lo = addr128(p.Addr())
	hi = lo
	switch bits := p.Bits(); {
	case bits == 0:
		hi = u128{^uint64(0), ^uint64(0)}
	case bits <= 64:
		hi.hi |= ^uint64(0) >> bits
		hi.lo = ^uint64(0)
	case bits < 128:
		hi.lo |= ^uint64(0) >> (bits - 64)
	}
	return lo, hi
}

// buildRanges flattens prefixes (which are either nested or disjoint) into
// disjoint segments, each owned by the longest prefix covering it.
func buildRanges(defs []prefixDef) ranges {
	type item struct {
		lo, hi u128
		bits   int
		id     uint16
	}
	items := make([]item, len(defs))
	for i, d := range defs {
		lo, hi := span(d.p)
		items[i] = item{lo, hi, d.p.Bits(), d.id}
	}
	slices.SortFunc(items, func(a, b item) int {
		switch {
		case a.lo.less(b.lo):
			return -1
		case b.lo.less(a.lo):
			return 1
		}
		return a.bits - b.bits // wider first, so it encloses the narrower
	})
	var r ranges
	emit := func(start u128, id uint16) {
		n := len(r.starts)
		if n > 0 && r.starts[n-1] == start {
			r.ids[n-1] = id
			if n > 1 && r.ids[n-2] == id || n == 1 && id == 0 {
				r.starts, r.ids = r.starts[:n-1], r.ids[:n-1]
			}
			return
		}
		if n > 0 && r.ids[n-1] == id || n == 0 && id == 0 {
			return
		}
		r.starts = append(r.starts, start)
		r.ids = append(r.ids, id)
	}
	allOnes := u128{^uint64(0), ^uint64(0)}
	var stack []item
	pop := func(until u128, all bool) {
		for len(stack) > 0 {
			top := stack[len(stack)-1]
			if !all && !top.hi.less(until) {
				return
			}
			stack = stack[:len(stack)-1]
			if top.hi == allOnes {
				continue
			}
			var id uint16
			if len(stack) > 0 {
				id = stack[len(stack)-1].id
			}
			emit(top.hi.add1(), id)
		}
	}
	for _, it := range items {
		pop(it.lo, false)
		stack = append(stack, it)
		emit(it.lo, it.id)
	}
	pop(u128{}, true)
	return r
}

// expand expands "{a,b}" groups in tok: "yt{3,4}.ggpht.com" gives
// yt3.ggpht.com and yt4.ggpht.com.
func expand(tok string) ([]string, error) {
	out := []string{""}
	rest := tok
	for {
		i := strings.IndexByte(rest, '{')
		j := strings.IndexByte(rest, '}')
		if i < 0 {
			if j >= 0 {
				return nil, fmt.Errorf("unbalanced '}' in %q", tok)
			}
			for k := range out {
				out[k] += rest
			}
			return out, nil
		}
		if j < i {
			return nil, fmt.Errorf("unbalanced braces in %q", tok)
		}
		if strings.IndexByte(rest[i+1:j], '{') >= 0 {
			return nil, fmt.Errorf("nested braces in %q", tok)
		}
		alts := strings.Split(rest[i+1:j], ",")
		if len(out)*len(alts) > maxExpand {
			return nil, fmt.Errorf("%q expands to more than %d names", tok, maxExpand)
		}
		next := make([]string, 0, len(out)*len(alts))
		for _, o := range out {
			for _, a := range alts {
				next = append(next, o+rest[:i]+a)
			}
		}
		out, rest = next, rest[j+1:]
	}
}
