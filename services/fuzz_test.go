package services

import (
	"net/netip"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary text to Parse: it must return a table or an
// error naming the file, never panic, and a table it returns must answer
// lookups without panicking.
func FuzzParse(f *testing.F) {
	f.Add("service A Web\n host a.com\n net 10.0.0.0/8\n")
	f.Add("service A Media ndpi=A\n host x*y.a.com {a,b}.c.org\n net 2001:db8::/32 ::/0\n")
	f.Fuzz(func(t *testing.T, data string) {
		tab, err := Parse("f.txt", strings.NewReader(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.txt:") {
				t.Fatalf("error without file:line: %v", err)
			}
			return
		}
		for _, h := range []string{"a.com", "x1y.a.com", "b.c.org", "", "."} {
			tab.ByHost([]byte(h))
		}
		for _, a := range []string{"10.1.2.3", "0.0.0.0", "255.255.255.255", "::", "2001:db8::1"} {
			tab.ByAddr(netip.MustParseAddr(a))
		}
		for i, s := range tab.Services() {
			if int(s.ID) != i+1 {
				t.Fatalf("service %d has ID %d", i, s.ID)
			}
		}
	})
}

// FuzzByHost feeds arbitrary names to ByHost on the default table and
// checks the result against a slow reference: the longest registered
// exact suffix on a label boundary (wildcards aside).
func FuzzByHost(f *testing.F) {
	for _, h := range []string{"www.youtube.com.", "notyoutube.com", "p53-buy.itunes.apple.com", "a..b", ":443", "x:1:2"} {
		f.Add([]byte(h))
	}
	tab := Default()
	f.Fuzz(func(t *testing.T, host []byte) {
		s, ok := tab.ByHost(host)
		if ok && (s.ID == 0 || int(s.ID) > tab.Len()) {
			t.Fatalf("bad ID %d", s.ID)
		}
		h := strings.ToLower(string(trimHost(host)))
		if len(h) > maxName || strings.ContainsAny(h, "*") {
			return
		}
		// Reference: try every suffix starting at a label boundary.
		var want uint16
		for i := 0; i <= len(h); i++ {
			if i > 0 && h[i-1] != '.' {
				continue
			}
			if e, found := tab.hosts[h[i:]]; found && e.id != 0 {
				want = e.id
				break
			}
		}
		got := tab.hostID(host)
		if got != want && !hasWildcardParent(tab, h) {
			t.Fatalf("ByHost(%q) = %d, reference %d", host, got, want)
		}
	})
}

func hasWildcardParent(tab *Table, h string) bool {
	for i := 0; i < len(h); i++ {
		if i == 0 || h[i-1] == '.' {
			if e, ok := tab.hosts[h[i:]]; ok && e.wildN != 0 {
				return true
			}
		}
	}
	return false
}
