package main

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Event is one decoded EVE record; numbers stay json.Number so that large
// integers (flow_id) compare exactly.
type Event = map[string]any

// ops are the key suffixes run.py understands; they end a path, either as
// their own dotted part ("dns.answers.__len") or glued to the last part
// ("dns.answers__len").
var ops = []string{"__len", "__contains", "__find", "__startswith", "__endswith", "__gte", "__gt", "__lte", "__lt"}

var indexRE = regexp.MustCompile(`^(.*)\[(\d+)\]$`)

// splitOp separates a match key into its path and suffix operator ("" for
// plain equality).
func splitOp(key string) (path, op string) {
	for _, o := range ops {
		if strings.HasSuffix(key, "."+o) {
			return strings.TrimSuffix(key, "."+o), o
		}
		if strings.HasSuffix(key, o) {
			return strings.TrimSuffix(key, o), o
		}
	}
	return key, ""
}

// Find returns the value at a dotted path with [i] indexes, and whether
// it exists.
func Find(path string, obj any) (any, bool) {
	if path == "" {
		return obj, true
	}
	for part := range strings.SplitSeq(path, ".") {
		name, idx := part, -1
		if m := indexRE.FindStringSubmatch(part); m != nil {
			name = m[1]
			idx, _ = strconv.Atoi(m[2])
		}
		if name != "" {
			m, ok := obj.(map[string]any)
			if !ok {
				return nil, false
			}
			if obj, ok = m[name]; !ok {
				return nil, false
			}
		}
		if idx >= 0 {
			l, ok := obj.([]any)
			if !ok || idx >= len(l) {
				return nil, false
			}
			obj = l[idx]
		}
	}
	return obj, true
}

// MatchOne reports whether one match entry holds for ev, and what was
// found at the key (for diagnostics; found=false means the key is absent).
func MatchOne(ev Event, key string, want any) (ok bool, got any, found bool) {
	switch key {
	case "has-key", "not-has-key":
		all := true
		for _, k := range list(want) {
			v, f := Find(k, ev)
			// run.py treats a JSON null like a missing key.
			has := f && v != nil
			if has != (key == "has-key") {
				all = false
				got, found = v, f
				break
			}
		}
		return all, got, found
	}
	path, op := splitOp(key)
	v, f := Find(path, ev)
	switch op {
	case "":
		if !f {
			return want == nil, nil, false
		}
		return Equal(v, want), v, true
	case "__len":
		n := -1
		switch x := v.(type) {
		case string:
			n = len([]rune(x))
		case []any:
			n = len(x)
		case map[string]any:
			n = len(x)
		}
		if !f {
			return false, nil, false
		}
		return Equal(json.Number(strconv.Itoa(n)), want), n, true
	case "__contains":
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				if Equal(e, want) {
					return true, v, f
				}
			}
		case string:
			return strings.Contains(x, fmt.Sprint(want)), v, f
		case map[string]any:
			_, ok := x[fmt.Sprint(want)]
			return ok, v, f
		}
		return false, v, f
	case "__find", "__startswith", "__endswith":
		s, isStr := v.(string)
		w := fmt.Sprint(want)
		if !isStr {
			return false, v, f
		}
		switch op {
		case "__find":
			return strings.Contains(s, w), v, f
		case "__startswith":
			return strings.HasPrefix(s, w), v, f
		default:
			return strings.HasSuffix(s, w), v, f
		}
	default: // __gt, __gte, __lt, __lte
		a, okA := number(v)
		b, okB := number(want)
		if !okA || !okB {
			return false, v, f
		}
		switch op {
		case "__gt":
			return a > b, v, f
		case "__gte":
			return a >= b, v, f
		case "__lt":
			return a < b, v, f
		default:
			return a <= b, v, f
		}
	}
}

// number converts a JSON or YAML number.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// Equal is Python's == between a decoded JSON value and a YAML value: no
// coercion between strings and numbers, ints and floats compare by value.
func Equal(got, want any) bool {
	switch w := want.(type) {
	case nil:
		return got == nil
	case bool:
		g, ok := got.(bool)
		return ok && g == w
	case string:
		g, ok := got.(string)
		return ok && g == w
	case int, int64, uint64, float64:
		n, ok := got.(json.Number)
		if !ok {
			if _, isNum := number(got); !isNum {
				return false
			}
			a, _ := number(got)
			b, _ := number(want)
			return a == b
		}
		// exact for integers that do not fit a float64 mantissa
		if gi, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			switch w := w.(type) {
			case int:
				return gi == int64(w)
			case int64:
				return gi == w
			case uint64:
				return gi >= 0 && uint64(gi) == w
			case float64:
				return float64(gi) == w
			}
		}
		a, _ := n.Float64()
		b, _ := number(want)
		return a == b && !math.IsNaN(a)
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !Equal(g[i], w[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok || !Equal(gv, wv) {
				return false
			}
		}
		return true
	}
	return false
}

// Filter is a parsed filter check.
type Filter struct {
	Count    *int // nil: at least one (or lt/gt bounds)
	Lt, Gt   *int
	Match    map[string]any
	Keys     []string // match keys in a stable order (event_type first)
	Filename string
	Requires map[string]any
}

// ParseFilter reads a filter block; match keys named in ignore are dropped.
func ParseFilter(m map[string]any, ignore ...string) (*Filter, error) {
	f := &Filter{Filename: "eve.json"}
	for k, v := range m {
		switch k {
		case "count", "lt", "gt":
			n, ok := v.(int)
			if !ok {
				return nil, fmt.Errorf("filter %s: %v is %T, want an integer", k, v, v)
			}
			switch k {
			case "count":
				f.Count = &n
			case "lt":
				f.Lt = &n
			default:
				f.Gt = &n
			}
		case "match":
			mm, ok := v.(map[string]any)
			if !ok && v != nil {
				return nil, fmt.Errorf("filter match is %T, want a mapping", v)
			}
			f.Match = mm
		case "filename":
			f.Filename = fmt.Sprint(v)
		case "requires":
			f.Requires, _ = v.(map[string]any)
		case "comment":
		default:
			return nil, fmt.Errorf("filter: unknown key %q", k)
		}
	}
	for k := range f.Match {
		if !slices.Contains(ignore, k) {
			f.Keys = append(f.Keys, k)
		}
	}
	sort.Slice(f.Keys, func(i, j int) bool {
		a, b := f.Keys[i] == "event_type", f.Keys[j] == "event_type"
		if a != b {
			return a
		}
		return f.Keys[i] < f.Keys[j]
	})
	return f, nil
}

// Matches reports whether ev satisfies every match entry.
func (f *Filter) Matches(ev Event) bool {
	for _, k := range f.Keys {
		if ok, _, _ := MatchOne(ev, k, f.Match[k]); !ok {
			return false
		}
	}
	return true
}

// Cause describes why a check failed, in a form that groups well: Class
// is a stable category ("missing field", "value differs", "no events",
// "count differs"…), Where the event type and key.
//
// When no event matched, every match entry the closest event misses is in
// Diffs (the first one is repeated as Class/Where/Detail): a check often
// fails on more than one field, and each is a separate fix.
type Cause struct {
	Check        int // index in the test's checks
	Class, Where string
	Detail       string
	Diffs        []Diff
}

// Diff is one unsatisfied match entry.
type Diff struct{ Class, Where, Detail string }

func (c Cause) String() string {
	s := c.Class + " " + c.Where + ": " + c.Detail
	if len(c.Diffs) > 1 {
		s += fmt.Sprintf(" (+%d more)", len(c.Diffs)-1)
	}
	return s
}

func causeOf(d []Diff) *Cause {
	return &Cause{Class: d[0].Class, Where: d[0].Where, Detail: d[0].Detail, Diffs: d}
}

func one(class, where, detail string) *Cause { return causeOf([]Diff{{class, where, detail}}) }

// Eval counts the matching events and returns nil when the count is as
// required, else the cause, found by looking at the event that comes
// closest to matching.
func (f *Filter) Eval(events []Event) *Cause {
	n := 0
	for _, ev := range events {
		if f.Matches(ev) {
			n++
		}
	}
	okCount := false
	switch {
	case f.Count != nil:
		okCount = n == *f.Count
	case f.Lt != nil || f.Gt != nil:
		okCount = (f.Lt == nil || n < *f.Lt) && (f.Gt == nil || n > *f.Gt)
	default:
		okCount = n > 0
	}
	if okCount {
		return nil
	}
	typ, _ := f.Match["event_type"].(string)
	if typ == "" {
		typ = "any"
	}
	want := "≥1"
	if f.Count != nil {
		want = strconv.Itoa(*f.Count)
	} else if f.Lt != nil || f.Gt != nil {
		want = fmt.Sprintf("lt %v gt %v", deref(f.Lt), deref(f.Gt))
	}
	if n > 0 || (f.Count != nil && *f.Count == 0) {
		return one("count differs", typ, fmt.Sprintf("want %s events matching %s, got %d", want, f.describe(), n))
	}
	// Nothing matched: find the closest event.
	best, bestScore := Event(nil), -1
	for _, ev := range events {
		if t, ok := f.Match["event_type"]; ok && !Equal(ev["event_type"], t) {
			continue
		}
		s := 0
		for _, k := range f.Keys {
			if ok, _, _ := MatchOne(ev, k, f.Match[k]); ok {
				s++
			}
		}
		if s > bestScore {
			best, bestScore = ev, s
		}
	}
	if best == nil {
		return one("no events", typ, fmt.Sprintf("no %s events at all (want %s matching %s)", typ, want, f.describe()))
	}
	var diffs []Diff
	for _, k := range f.Keys {
		ok, got, found := MatchOne(best, k, f.Match[k])
		if ok {
			continue
		}
		switch {
		case k == "has-key":
			diffs = append(diffs, Diff{"missing field", keyWhere(typ, fmt.Sprint(f.Match[k])), "has-key: closest event lacks it"})
		case k == "not-has-key":
			diffs = append(diffs, Diff{"unexpected field", keyWhere(typ, fmt.Sprint(f.Match[k])), "not-has-key: closest event has " + short(got)})
		case !found:
			diffs = append(diffs, Diff{"missing field", keyWhere(typ, k), fmt.Sprintf("want %s, closest %s event has no such key", short(f.Match[k]), typ)})
		default:
			diffs = append(diffs, Diff{"value differs", keyWhere(typ, k), fmt.Sprintf("want %s, got %s", short(f.Match[k]), short(got))})
		}
	}
	if len(diffs) == 0 {
		return one("count differs", typ, fmt.Sprintf("want %s, got %d", want, n))
	}
	return causeOf(diffs)
}

func keyWhere(typ, key string) string {
	if strings.HasPrefix(key, typ+".") || typ == "any" {
		return key
	}
	return typ + ":" + key
}

func deref(p *int) any {
	if p == nil {
		return "-"
	}
	return *p
}

func (f *Filter) describe() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range f.Keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k + ": " + short(f.Match[k]))
	}
	b.WriteByte('}')
	return b.String()
}

// short renders a value compactly for a report line.
func short(v any) string {
	var s string
	switch x := v.(type) {
	case string:
		s = strconv.Quote(x)
	case nil:
		s = "null"
	default:
		b, err := json.Marshal(x)
		if err != nil {
			s = fmt.Sprint(x)
		} else {
			s = string(b)
		}
	}
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

// EvalStats checks a stats block against the last stats event.
func EvalStats(m map[string]any, events []Event) *Cause {
	var last Event
	for _, ev := range events {
		if ev["event_type"] == "stats" {
			last = ev
		}
	}
	if last == nil {
		return one("no events", "stats", "no stats event")
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var diffs []Diff
	for _, k := range keys {
		v, f := Find(k, last["stats"])
		if !f {
			diffs = append(diffs, Diff{"missing field", "stats." + k, fmt.Sprintf("want %s, not in the last stats event", short(m[k]))})
		} else if !Equal(v, m[k]) {
			diffs = append(diffs, Diff{"value differs", "stats." + k, fmt.Sprintf("want %s, got %s", short(m[k]), short(v))})
		}
	}
	if diffs == nil {
		return nil
	}
	return causeOf(diffs)
}
