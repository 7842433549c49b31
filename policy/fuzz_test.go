package policy

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse parses arbitrary policy text: no panic, errors name the file,
// and a parsed policy decides on a few flows without panicking.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/policy.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("rules:\n  - {id: a, match: {host: [x.example], port: 1-2}, action: {sinkhole: {a: 192.0.2.1}}}\ndefault: drop\n"))
	dir := f.TempDir()
	os.WriteFile(filepath.Join(dir, "n.txt"), []byte("192.0.2.0/24\nbad\n2001:db8::/32\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "d.txt"), []byte("example.com\n0.0.0.0 a.example\n"), 0o644)
	facts := []Facts{
		{Src: netip.MustParseAddr("192.0.2.1"), Dst: netip.MustParseAddr("198.51.100.1"), DstPort: 443, Proto: 6},
		{Src: netip.MustParseAddr("2001:db8::1"), Dst: netip.MustParseAddr("2001:db8::2"), DstPort: 53, Proto: 17, App: "dns", Host: "a.example.com"},
		{Proto: 1, Complete: true, Host: "x.example", Service: "YouTube"},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.yaml", data, dir)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for i := range facts {
			d := p.Decide(&facts[i])
			if d.Rule == "" || d.Action == Log {
				t.Fatalf("bad decision %+v", d)
			}
		}
		p.ListStats()
		p.Rules()
	})
}

// FuzzListFile loads arbitrary list-file text as a cidr and as a domain
// list: no panic, every loaded domain entry matches itself and its
// subdomains, and every skipped line is counted.
func FuzzListFile(f *testing.F) {
	for _, name := range []string{"testdata/lists/nets.txt", "testdata/lists/domains.txt"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Fuzz(func(t *testing.T, data string) {
		c := &list{name: "c", kind: kindCIDR, cidr: &cidrSet{name: "c"}}
		c.loadCIDRFile("c.txt", data)
		c.cidr.finish()
		if len(c.skippedLines) > maxSkippedLines || c.skipped < len(c.skippedLines) {
			t.Fatalf("skipped %d, lines %d", c.skipped, len(c.skippedLines))
		}
		for p, e := range c.cidr.tbl.All() {
			if got, ok := c.cidr.lookup(p.Addr()); !ok || got == "" {
				t.Fatalf("prefix %v (%q) does not match its own address", p, e)
			}
		}
		d := &list{name: "d", kind: kindDomain, domain: newDomainSet("d", 0)}
		d.loadDomainFile("d.txt", data)
		var names []string
		for n := range d.domain.small {
			names = append(names, n)
		}
		d.domain.finish()
		for _, n := range names {
			if e, ok := d.domain.lookup(n); !ok || !strings.HasSuffix(n, e) {
				t.Fatalf("entry %q does not match itself", n)
			}
			if _, ok := d.domain.lookup("sub." + n); !ok {
				t.Fatalf("entry %q does not match sub.%s", n, n)
			}
		}
	})
}
