package rules

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzParseRule checks that no input panics or hangs the parser, that
// failures are *RuleError, and that a parsed rule has a sid and a buffer on
// every match.
func FuzzParseRule(f *testing.F) {
	f.Add(`alert tcp any any -> any any (msg:"x"; content:"|41 42|"; nocase; sid:1;)`)
	f.Add(`alert http $HOME_NET any -> $EXTERNAL_NET [80,!81] (http.uri; content:"a"; pcre:"/b/R"; sid:2;)`)
	p := NewParser(nil)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := p.Parse(s)
		if err != nil {
			if _, ok := err.(*RuleError); !ok {
				t.Fatalf("error type %T", err)
			}
			return
		}
		if r.SID == 0 {
			t.Fatal("parsed rule without sid")
		}
		for _, m := range r.Matches {
			if m.Buffer == "" || strings.TrimSpace(m.Buffer) != m.Buffer {
				t.Fatalf("match without buffer: %+v", m)
			}
		}
	})
}

// FuzzGroups checks address and port group parsing: no panics, and port
// sets agree with slowPorts, an obviously-correct evaluator over a
// 65536-entry table.
func FuzzGroups(f *testing.F) {
	for _, s := range []string{"any", "[80:90,!85]", "!$HTTP_PORTS", "[1:5,[10,!3]]", ":1023", "1024:",
		"[192.0.2.0/24,!192.0.2.128/25]", "$EXTERNAL_NET", "[!192.0.2.1,2001:db8::/32]", "10.0.0.1-10.0.0.9"} {
		f.Add(s)
	}
	v := DefaultVars()
	f.Fuzz(func(t *testing.T, s string) {
		ParseAddrGroup(s, v)
		ps, err := ParsePortGroup(s, v)
		want, ok := slowPorts(s, v, 0)
		if (err == nil) != ok {
			if ok && allFalse(want) { // both agree it is empty
				return
			}
			t.Fatalf("%q: ParsePortGroup err %v, slow ok %v", s, err, ok)
		}
		if err != nil {
			return
		}
		for p := 0; p < 65536; p++ {
			if ps.Contains(uint16(p)) != want[p] {
				t.Fatalf("%q: port %d: Contains %v, slow %v", s, p, !want[p], want[p])
			}
		}
	})
}

func allFalse(b *[65536]bool) bool {
	for _, x := range b {
		if x {
			return false
		}
	}
	return true
}

// slowPorts evaluates a port group into a table. ok is false on syntax
// errors.
func slowPorts(s string, v *Vars, depth int) (*[65536]bool, bool) {
	var t [65536]bool
	s = strings.TrimSpace(s)
	if depth > maxGroupDepth || s == "" {
		return nil, false
	}
	switch {
	case s[0] == '!':
		in, ok := slowPorts(s[1:], v, depth+1)
		if !ok {
			return nil, false
		}
		for i := range t {
			t[i] = !in[i]
		}
	case s[0] == '[':
		if s[len(s)-1] != ']' {
			return nil, false
		}
		parts, err := splitTop(s[1 : len(s)-1])
		if err != nil {
			return nil, false
		}
		var pos, neg [65536]bool
		anyPos := false
		for _, p := range parts {
			p = strings.TrimSpace(p)
			n := false
			for strings.HasPrefix(p, "!") {
				n, p = !n, strings.TrimSpace(p[1:])
			}
			in, ok := slowPorts(p, v, depth+1)
			if !ok {
				return nil, false
			}
			for i := range in {
				if in[i] && n {
					neg[i] = true
				} else if in[i] {
					pos[i] = true
				}
			}
			anyPos = anyPos || !n
		}
		for i := range t {
			t[i] = (pos[i] || !anyPos) && !neg[i]
		}
	case s[0] == '$':
		val, ok := v.PortGroups[s[1:]]
		if !ok {
			return nil, false
		}
		return slowPorts(val, v, depth+1)
	case s == "any":
		for i := range t {
			t[i] = true
		}
	default:
		lo, hi := s, s
		if a, b, ok := strings.Cut(s, ":"); ok {
			lo, hi = strings.TrimSpace(a), strings.TrimSpace(b)
			if lo == "" {
				lo = "0"
			}
			if hi == "" {
				hi = "65535"
			}
		}
		l, e1 := strconv.ParseUint(lo, 10, 16)
		h, e2 := strconv.ParseUint(hi, 10, 16)
		if e1 != nil || e2 != nil || h < l {
			return nil, false
		}
		for i := l; i <= h; i++ {
			t[i] = true
		}
	}
	return &t, true
}
