package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load reads the policy file at path and the list files it names (relative
// to the policy file's directory). Errors name path:line.
func Load(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	return Parse(path, data, filepath.Dir(path))
}

// Parse parses a policy; name is used in error messages (name:line: …) and
// relative list-file paths are resolved against dir.
func Parse(name string, data []byte, dir string) (*Policy, error) {
	ps := &parser{name: name, dir: dir, lists: map[string]*list{}}
	p, err := ps.parse(data)
	if err != nil {
		return nil, err
	}
	return p, nil
}

type parser struct {
	name  string
	dir   string
	lists map[string]*list
	order []*list
}

func (ps *parser) errf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", ps.name, n.Line, fmt.Sprintf(format, args...))
}

var yamlLineRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// yamlErr rewrites the YAML library's "yaml: line N: msg" as "name:N: msg".
func (ps *parser) yamlErr(err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		if m[1] != "" {
			return fmt.Errorf("%s:%s: %s", ps.name, m[1], m[2])
		}
		return fmt.Errorf("%s: %s", ps.name, m[2])
	}
	return fmt.Errorf("%s: %s", ps.name, msg)
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// mapping returns the key/value pairs of a mapping node, checking keys
// against allowed (in the order given, for messages) and duplicates.
func (ps *parser) mapping(n *yaml.Node, what string, allowed ...string) ([][2]*yaml.Node, error) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		return nil, ps.errf(n, "%s must be a mapping, not %s", what, kindName(n))
	}
	seen := map[string]int{}
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			return nil, ps.errf(k, "%s: keys must be plain names", what)
		}
		if allowed != nil && !contains(allowed, k.Value) {
			return nil, ps.errf(k, "unknown key %q in %s (want %s)", k.Value, what, strings.Join(allowed, ", "))
		}
		if l, dup := seen[k.Value]; dup {
			return nil, ps.errf(k, "duplicate key %q in %s (first at line %d)", k.Value, what, l)
		}
		seen[k.Value] = k.Line
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out, nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

// scalars returns the values of a scalar or a sequence of scalars.
func (ps *parser) scalars(n *yaml.Node, what string) ([]*yaml.Node, error) {
	n = resolve(n)
	switch n.Kind {
	case yaml.ScalarNode:
		if isNull(n) {
			return nil, ps.errf(n, "%s has no values", what)
		}
		return []*yaml.Node{n}, nil
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return nil, ps.errf(n, "%s has no values", what)
		}
		out := make([]*yaml.Node, 0, len(n.Content))
		for _, c := range n.Content {
			c = resolve(c)
			if c.Kind != yaml.ScalarNode || isNull(c) {
				return nil, ps.errf(c, "%s: each value must be a plain value, not %s", what, kindName(c))
			}
			out = append(out, c)
		}
		return out, nil
	}
	return nil, ps.errf(n, "%s must be a value or a list of values, not %s", what, kindName(n))
}

func (ps *parser) scalar(n *yaml.Node, what string) (string, error) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || isNull(n) {
		return "", ps.errf(n, "%s must be a plain value, not %s", what, kindName(n))
	}
	return n.Value, nil
}

func (ps *parser) parse(data []byte) (*Policy, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, ps.yamlErr(err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: policy is empty (want lists, rules, default)", ps.name)
	}
	top, err := ps.mapping(doc.Content[0], "the policy", "lists", "rules", "default")
	if err != nil {
		return nil, err
	}
	p := &Policy{name: ps.name, def: actionSpec{act: Allow}}
	var rulesNode *yaml.Node
	for _, kv := range top {
		switch kv[0].Value {
		case "lists":
			if isNull(kv[1]) {
				continue
			}
			if err := ps.parseLists(kv[1]); err != nil {
				return nil, err
			}
		case "rules":
			rulesNode = kv[1]
		case "default":
			a, err := ps.parseAction(kv[1], "")
			if err != nil {
				return nil, err
			}
			if a.act == Log {
				return nil, ps.errf(kv[1], "default cannot be log (log records and continues; the default must decide: allow, drop, reject, sinkhole or notice)")
			}
			p.def = a
		}
	}
	if p.def.act == Notice && p.def.notice == "" {
		p.def.notice = "Blocked by the network policy (default)."
	}
	// Rules after lists, whatever the key order, so rules can name lists
	// defined below them.
	if rulesNode != nil && !isNull(rulesNode) {
		rn := resolve(rulesNode)
		if rn.Kind != yaml.SequenceNode {
			return nil, ps.errf(rn, "rules must be a list of rules, not %s", kindName(rn))
		}
		ids := map[string]int{}
		for _, item := range rn.Content {
			r, err := ps.parseRule(item)
			if err != nil {
				return nil, err
			}
			if l, dup := ids[r.id]; dup {
				return nil, ps.errf(item, "duplicate rule id %q (first at line %d)", r.id, l)
			}
			ids[r.id] = r.line
			if r.act.act == Log {
				r.logIdx = len(p.logIDs)
				p.logIDs = append(p.logIDs, r.id)
			}
			p.rules = append(p.rules, r)
			p.ruleIDs = append(p.ruleIDs, r.id)
		}
	}
	p.lists = ps.order
	return p, nil
}

var actionWant = "(want allow, drop, reject, sinkhole, notice, log)"

// parseAction parses a scalar action or a {sinkhole: …} / {notice: …}
// mapping. rule is the rule id, for the default notice text.
func (ps *parser) parseAction(n *yaml.Node, rule string) (actionSpec, error) {
	n = resolve(n)
	a := actionSpec{sinkA: netip.IPv4Unspecified(), sinkQ: netip.IPv6Unspecified()}
	var name string
	var arg *yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		if isNull(n) {
			return a, ps.errf(n, "missing action %s", actionWant)
		}
		name = n.Value
	case yaml.MappingNode:
		kvs, err := ps.mapping(n, "the action", "sinkhole", "notice")
		if err != nil {
			return a, err
		}
		if len(kvs) != 1 {
			return a, ps.errf(n, "an action mapping has exactly one key, sinkhole or notice")
		}
		name, arg = kvs[0][0].Value, kvs[0][1]
	default:
		return a, ps.errf(n, "action must be a name or a mapping, not %s", kindName(n))
	}
	found := false
	for i, s := range actionNames {
		if s == name {
			a.act, found = Action(i), true
		}
	}
	if !found {
		return a, ps.errf(n, "unknown action %q %s", name, actionWant)
	}
	switch a.act {
	case Sinkhole:
		if !isNull(arg) {
			kvs, err := ps.mapping(arg, "sinkhole", "a", "aaaa")
			if err != nil {
				return a, err
			}
			for _, kv := range kvs {
				s, err := ps.scalar(kv[1], "sinkhole "+kv[0].Value)
				if err != nil {
					return a, err
				}
				ip, err := netip.ParseAddr(s)
				switch {
				case err != nil:
					return a, ps.errf(kv[1], "sinkhole %s: bad address %q", kv[0].Value, s)
				case kv[0].Value == "a" && !ip.Is4():
					return a, ps.errf(kv[1], "sinkhole a: %q is not an IPv4 address", s)
				case kv[0].Value == "aaaa" && (!ip.Is6() || ip.Is4In6() || ip.Zone() != ""):
					return a, ps.errf(kv[1], "sinkhole aaaa: %q is not an IPv6 address", s)
				}
				if kv[0].Value == "a" {
					a.sinkA = ip
				} else {
					a.sinkQ = ip
				}
			}
		}
	case Notice:
		if !isNull(arg) {
			s, err := ps.scalar(arg, "notice")
			if err != nil {
				return a, err
			}
			a.notice = s
		}
		if a.notice == "" && rule != "" {
			a.notice = "Blocked by the network policy (rule " + rule + ")."
		}
	}
	return a, nil
}

var listKeys = []string{"type", "file", "items", "description"}

func (ps *parser) parseLists(n *yaml.Node) error {
	kvs, err := ps.mapping(n, "lists", nil...)
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		name := kv[0].Value
		if name == "" {
			return ps.errf(kv[0], "a list needs a name")
		}
		l, err := ps.parseList(name, kv[0], kv[1])
		if err != nil {
			return err
		}
		ps.lists[name] = l
		ps.order = append(ps.order, l)
	}
	return nil
}

func (ps *parser) parseList(name string, key, n *yaml.Node) (*list, error) {
	what := fmt.Sprintf("list %q", name)
	kvs, err := ps.mapping(n, what, listKeys...)
	if err != nil {
		return nil, err
	}
	l := &list{name: name, line: key.Line}
	var fileNode, itemsNode *yaml.Node
	for _, kv := range kvs {
		switch kv[0].Value {
		case "type":
			t, err := ps.scalar(kv[1], what+": type")
			if err != nil {
				return nil, err
			}
			switch t {
			case "cidr":
				l.kind = kindCIDR
			case "domain":
				l.kind = kindDomain
			case "app":
				l.kind = kindApp
			default:
				return nil, ps.errf(kv[1], "%s: unknown type %q (want cidr, domain, app)", what, t)
			}
		case "file":
			fileNode = kv[1]
		case "items":
			itemsNode = kv[1]
		}
	}
	if l.kind == 0 {
		return nil, ps.errf(key, "%s: missing type (want cidr, domain, app)", what)
	}
	if isNull(fileNode) && isNull(itemsNode) {
		return nil, ps.errf(key, "%s: needs a file or items", what)
	}
	switch l.kind {
	case kindCIDR:
		l.cidr = &cidrSet{name: name}
	case kindDomain:
		l.domain = newDomainSet(name, 0)
	case kindApp:
		l.app = &nameSet{name: name, m: map[string]string{}}
	}
	if !isNull(itemsNode) {
		items := resolve(itemsNode)
		if items.Kind == yaml.SequenceNode && len(items.Content) == 0 && !isNull(fileNode) {
			items = nil // "items: []" next to a file
		}
		if items != nil {
			vals, err := ps.scalars(items, what+": items")
			if err != nil {
				return nil, err
			}
			for _, v := range vals {
				if err := ps.addItem(l, v, what); err != nil {
					return nil, err
				}
			}
		}
	}
	if !isNull(fileNode) {
		f, err := ps.scalar(fileNode, what+": file")
		if err != nil {
			return nil, err
		}
		path := f
		if !filepath.IsAbs(path) {
			path = filepath.Join(ps.dir, path)
		}
		data, err := readListFile(path)
		if err != nil {
			return nil, ps.errf(fileNode, "%s: cannot read list file %s: %v", what, path, err)
		}
		l.file = path
		switch l.kind {
		case kindCIDR:
			l.loadCIDRFile(path, data)
		case kindDomain:
			if l.domain.n == 0 {
				// Pre-size from the line count (~1 entry per line).
				l.domain = newDomainSet(name, strings.Count(data, "\n")+1)
			}
			l.loadDomainFile(path, data)
		case kindApp:
			l.loadAppFile(path, data)
		}
	}
	switch {
	case l.kind == kindDomain:
		l.domain.finish()
	case l.cidr != nil:
		l.cidr.finish() // items: and files alike get the flat lookup table
	}
	return l, nil
}

// readListFile reads a regular file (a device or a directory is an error,
// not an endless read).
func readListFile(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", errors.New("no such file")
		}
		return "", err
	}
	if !st.Mode().IsRegular() {
		return "", errors.New("not a regular file")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return string(data), nil
}

// addItem adds an inline item (from a list's items, in the policy file):
// unlike a list-file line, a bad item is an error.
func (ps *parser) addItem(l *list, v *yaml.Node, what string) error {
	switch l.kind {
	case kindCIDR:
		p, e, ok := parsePrefix(v.Value)
		if !ok {
			return ps.errf(v, "%s: bad address or CIDR %q", what, v.Value)
		}
		l.cidr.insert(p, e)
	case kindDomain:
		d, why := normDomain(v.Value)
		if why != "" {
			return ps.errf(v, "%s: %s", what, why)
		}
		l.domain.add(d)
	case kindApp:
		if why := checkAppName(v.Value); why != "" {
			return ps.errf(v, "%s: %s", what, why)
		}
		a := strings.ToLower(v.Value)
		l.app.m[a] = a
	}
	return nil
}

var ruleKeys = []string{"id", "match", "action", "description"}

// matchKeys are the match keys with their kind, the list type a *_list key
// needs, and the explanation priority (lower is reported first in
// Decision.List/Entry: named lists, then host, app, service, addresses,
// ports, protocol).
var matchKeys = []struct {
	name string
	kind keyKind
	list listKind // for *_list keys
	prio uint8
}{
	{"src", keySrc, 0, 8},
	{"dst", keyDst, 0, 7},
	{"src_list", keySrcList, kindCIDR, 3},
	{"dst_list", keyDstList, kindCIDR, 2},
	{"host", keyHost, 0, 4},
	{"host_list", keyHostList, kindDomain, 0},
	{"app", keyApp, 0, 5},
	{"app_list", keyAppList, kindApp, 1},
	{"service", keyService, 0, 6},
	{"proto", keyProto, 0, 11},
	{"port", keyDstPort, 0, 9},
	{"dst_port", keyDstPort, 0, 9},
	{"src_port", keySrcPort, 0, 10},
}

func matchKeyNames() []string {
	out := make([]string, len(matchKeys))
	for i, k := range matchKeys {
		out[i] = k.name
	}
	return out
}

func (ps *parser) parseRule(n *yaml.Node) (rule, error) {
	n = resolve(n)
	var r rule
	kvs, err := ps.mapping(n, "a rule", ruleKeys...)
	if err != nil {
		return r, err
	}
	r.line = n.Line
	var matchNode, actionNode *yaml.Node
	for _, kv := range kvs {
		switch kv[0].Value {
		case "id":
			id, err := ps.scalar(kv[1], "rule id")
			if err != nil {
				return r, err
			}
			r.id = id
		case "match":
			matchNode = kv[1]
		case "action":
			actionNode = kv[1]
		}
	}
	if r.id == "" {
		return r, ps.errf(n, "rule without id (every rule needs a unique id)")
	}
	if r.id == DefaultRule {
		return r, ps.errf(n, "rule id %q is reserved for the default action", r.id)
	}
	if actionNode == nil {
		return r, ps.errf(n, "rule %q: missing action %s", r.id, actionWant)
	}
	if r.act, err = ps.parseAction(actionNode, r.id); err != nil {
		return r, err
	}
	if matchNode != nil && !isNull(matchNode) {
		if r.conds, err = ps.parseMatch(r.id, matchNode); err != nil {
			return r, err
		}
	}
	return r, nil
}

func (ps *parser) parseMatch(id string, n *yaml.Node) ([]cond, error) {
	kvs, err := ps.mapping(n, fmt.Sprintf("rule %q: match", id), matchKeyNames()...)
	if err != nil {
		return nil, err
	}
	var conds []cond
	var portKey *yaml.Node
	for _, kv := range kvs {
		key := kv[0].Value
		if key == "port" || key == "dst_port" {
			if portKey != nil {
				return nil, ps.errf(kv[0], "rule %q: port and dst_port are the same key (the server's port); use one", id)
			}
			portKey = kv[0]
		}
		var mk = matchKeys[0]
		for _, m := range matchKeys {
			if m.name == key {
				mk = m
			}
		}
		what := fmt.Sprintf("rule %q: %s", id, key)
		vals, err := ps.scalars(kv[1], what)
		if err != nil {
			return nil, err
		}
		c := cond{kind: mk.kind, prio: mk.prio}
		if mk.list != 0 {
			for _, v := range vals {
				l := ps.lists[v.Value]
				if l == nil {
					return nil, ps.errf(v, "%s: unknown list %q%s", what, v.Value, ps.listHint(mk.list))
				}
				if l.kind != mk.list {
					return nil, ps.errf(v, "%s: list %q is a %s list; %s needs a %s list", what, v.Value, l.kind, key, mk.list)
				}
				switch l.kind {
				case kindCIDR:
					c.cidrs = append(c.cidrs, l.cidr)
				case kindDomain:
					c.domains = append(c.domains, l.domain)
				case kindApp:
					c.apps = append(c.apps, l.app)
				}
			}
			conds = append(conds, c)
			continue
		}
		switch mk.kind {
		case keySrc, keyDst:
			s := &cidrSet{}
			for _, v := range vals {
				p, e, ok := parsePrefix(v.Value)
				if !ok {
					return nil, ps.errf(v, "%s: bad address or CIDR %q", what, v.Value)
				}
				s.insert(p, e)
			}
			s.finish()
			c.cidrs = []*cidrSet{s}
		case keyHost:
			s := newDomainSet("", len(vals))
			for _, v := range vals {
				d, why := normDomain(v.Value)
				if why != "" {
					return nil, ps.errf(v, "%s: %s", what, why)
				}
				s.add(d)
			}
			s.finish()
			c.domains = []*domainSet{s}
		case keyApp:
			s := &nameSet{m: map[string]string{}}
			for _, v := range vals {
				if why := checkAppName(v.Value); why != "" {
					return nil, ps.errf(v, "%s: %s", what, why)
				}
				s.m[strings.ToLower(v.Value)] = v.Value
			}
			c.apps = []*nameSet{s}
		case keyService:
			for _, v := range vals {
				c.services = append(c.services, v.Value)
			}
		case keyProto:
			for _, v := range vals {
				pi, ok := parseProto(v.Value)
				if !ok {
					return nil, ps.errf(v, "%s: unknown protocol %q (want tcp, udp, icmp, icmpv6, sctp, gre, esp or a number 0-255)", what, v.Value)
				}
				c.protos = append(c.protos, pi)
			}
		case keyDstPort, keySrcPort:
			for _, v := range vals {
				pr, ok := parsePorts(v.Value)
				if !ok {
					return nil, ps.errf(v, "%s: bad port %q (want a number 0-65535 or a range like 1000-2000)", what, v.Value)
				}
				c.ports = append(c.ports, pr)
			}
		}
		conds = append(conds, c)
	}
	// Evaluation order: facts known at the first packet first (cheapest
	// first), then those that may be pending; so a rule failing on an
	// address is never reported as pending.
	sort.SliceStable(conds, func(i, j int) bool { return conds[i].kind < conds[j].kind })
	return conds, nil
}

// listHint names the defined lists of kind k, for an unknown-list error.
func (ps *parser) listHint(k listKind) string {
	var names []string
	for _, l := range ps.order {
		if l.kind == k {
			names = append(names, l.name)
		}
	}
	if len(names) == 0 {
		return fmt.Sprintf(" (no %s lists are defined under lists:)", k)
	}
	return fmt.Sprintf(" (%s lists: %s)", k, strings.Join(names, ", "))
}

var protoNames = map[string]protoItem{
	"tcp": {num: 6}, "udp": {num: 17}, "icmp": {num: 1, alt: 58},
	"icmpv6": {num: 58}, "ipv6-icmp": {num: 58}, "sctp": {num: 132}, "gre": {num: 47}, "esp": {num: 50},
}

func parseProto(s string) (protoItem, bool) {
	if pi, ok := protoNames[strings.ToLower(s)]; ok {
		pi.text = s
		return pi, true
	}
	n, err := strconv.ParseUint(s, 10, 8)
	if err != nil {
		return protoItem{}, false
	}
	return protoItem{num: uint8(n), text: s}, true
}

func parsePorts(s string) (portRange, bool) {
	lo, hi, isRange := strings.Cut(s, "-")
	a, err := strconv.ParseUint(strings.TrimSpace(lo), 10, 16)
	if err != nil {
		return portRange{}, false
	}
	b := a
	if isRange {
		if b, err = strconv.ParseUint(strings.TrimSpace(hi), 10, 16); err != nil || b < a {
			return portRange{}, false
		}
	}
	return portRange{lo: uint16(a), hi: uint16(b), text: s}, true
}
