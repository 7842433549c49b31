package policy

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func mustLoad(t testing.TB, path string) *Policy {
	t.Helper()
	p, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustParse(t testing.TB, src string) *Policy {
	t.Helper()
	p, err := Parse("policy.yaml", []byte(src), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func tcp(src, dst string, dport uint16) Facts {
	return Facts{Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst), SrcPort: 40000, DstPort: dport, Proto: 6}
}

func TestActionString(t *testing.T) {
	for a, want := range []string{"allow", "drop", "reject", "sinkhole", "notice", "log"} {
		if got := Action(a).String(); got != want {
			t.Errorf("Action(%d) = %q, want %q", a, got, want)
		}
	}
	if got := Action(9).String(); got != "action(9)" {
		t.Errorf("Action(9) = %q", got)
	}
}

func TestExamplePolicy(t *testing.T) {
	p := mustLoad(t, "testdata/policy.yaml")
	if got, want := p.Rules(), []string{"office-ok", "no-bad-nets", "dns-sinkhole", "block-sites", "notice", "no-p2p"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Rules() = %v, want %v", got, want)
	}
	client, server := "198.18.0.5", "203.0.113.80"
	cases := []struct {
		name string
		f    Facts
		want Decision
	}{
		// An address rule decides at the first packet… but host/app rules
		// come after no-bad-nets, so an office source is final at once.
		{"office first packet", tcp("192.0.2.10", server, 443),
			Decision{Action: Allow, Rule: "office-ok", Entry: "192.0.2.0/24", Final: true}},
		{"bad net first packet", tcp(client, "198.51.100.9", 443),
			Decision{Action: Drop, Rule: "no-bad-nets", List: "bad-nets", Entry: "198.51.100.0/24", Final: true}},
		{"bad host v4", tcp(client, "203.0.113.7", 80),
			Decision{Action: Drop, Rule: "no-bad-nets", List: "bad-nets", Entry: "203.0.113.7", Final: true}},
		{"bad net v6", tcp("2001:db8:1::1", "2001:db8:bad:1::53", 443),
			Decision{Action: Drop, Rule: "no-bad-nets", List: "bad-nets", Entry: "2001:db8:bad::/48", Final: true}},
		// Nothing known yet: dns-sinkhole needs app and host → pending.
		{"unknown first packet", tcp(client, server, 443),
			Decision{Action: Allow, Rule: "default", Final: false}},
		{"tls blocked sni", func() Facts { f := tcp(client, server, 443); f.App, f.Host = "tls", "www.example.com"; return f }(),
			Decision{Action: Reject, Rule: "block-sites", List: "blocked", Entry: "example.com", Final: true}},
		{"dns blocked name", func() Facts {
			f := tcp(client, server, 53)
			f.Proto, f.App, f.Host = 17, "dns", "x.ads.example"
			return f
		}(),
			Decision{Action: Sinkhole, Rule: "dns-sinkhole", List: "blocked", Entry: "ads.example", Final: true,
				SinkholeA: netip.MustParseAddr("0.0.0.0"), SinkholeAAAA: netip.MustParseAddr("::")}},
		{"notice", func() Facts { f := tcp(client, server, 80); f.App, f.Host = "http", "gambling.example"; return f }(),
			Decision{Action: Notice, Rule: "notice", Entry: "gambling.example", Final: true, Notice: "Blocked by the network policy (rule notice)."}},
		// Host known, app not yet: dns-sinkhole is pending on the app.
		{"host known app not", func() Facts { f := tcp(client, server, 443); f.Host = "ok.example"; return f }(),
			Decision{Action: Allow, Rule: "default", Final: false}},
		{"bittorrent complete", func() Facts { f := tcp(client, server, 6881); f.App, f.Complete = "bittorrent", true; return f }(),
			Decision{Action: Drop, Rule: "no-p2p", List: "torrents", Entry: "bittorrent", Final: true}},
		// bittorrent known but host not, not complete: host rules pending.
		{"bittorrent not complete", func() Facts { f := tcp(client, server, 6881); f.App = "bittorrent"; return f }(),
			Decision{Action: Allow, Rule: "default", Final: false}},
		{"complete nothing", func() Facts { f := tcp(client, server, 443); f.Complete = true; return f }(),
			Decision{Action: Allow, Rule: "default", Final: true}},
		{"allowed name", func() Facts {
			f := tcp(client, server, 443)
			f.App, f.Host = "tls", "notexample.com"
			f.Complete = true
			return f
		}(),
			Decision{Action: Allow, Rule: "default", Final: true}},
		{"hosts-file entry", func() Facts { f := tcp(client, server, 443); f.App, f.Host = "tls", "a.other.example"; return f }(),
			Decision{Action: Reject, Rule: "block-sites", List: "blocked", Entry: "other.example", Final: true}},
		{"upper-case file entry", func() Facts { f := tcp(client, server, 443); f.App, f.Host = "tls", "upper.example"; return f }(),
			Decision{Action: Reject, Rule: "block-sites", List: "blocked", Entry: "upper.example", Final: true}},
		{"adblock entry", func() Facts { f := tcp(client, server, 443); f.App, f.Host = "tls", "adblock.example."; return f }(),
			Decision{Action: Reject, Rule: "block-sites", List: "blocked", Entry: "adblock.example", Final: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := p.Decide(&c.f)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Decide =\n %+v, want\n %+v", got, c.want)
			}
		})
	}
}

func TestListStats(t *testing.T) {
	p := mustLoad(t, "testdata/policy.yaml")
	dir := "testdata/lists"
	want := []ListStat{
		{Name: "bad-nets", Type: "cidr", File: filepath.Join(dir, "nets.txt"), Entries: 3, Skipped: 2, SkippedLines: []string{
			`testdata/lists/nets.txt:5: not an IP address or CIDR: "not-an-address"`,
			`testdata/lists/nets.txt:6: not an IP address or CIDR: "10.0.0.300/8"`,
		}},
		{Name: "blocked", Type: "domain", File: filepath.Join(dir, "domains.txt"), Entries: 7, Skipped: 3, SkippedLines: []string{
			`testdata/lists/domains.txt:6: local name "localhost" in a hosts-file line`,
			`testdata/lists/domains.txt:7: not a host name (character "!"): "bad_name!.example"`,
			`testdata/lists/domains.txt:10: an address, not a host name (put addresses in a cidr list): "192.0.2.1"`,
		}},
		{Name: "torrents", Type: "app", Entries: 1},
	}
	if got := p.ListStats(); !reflect.DeepEqual(got, want) {
		t.Errorf("ListStats =\n%+v\nwant\n%+v", got, want)
	}
	// The non-canonical "198.51.100.77/24" merged into 198.51.100.0/24.
	f := tcp("198.18.0.1", "198.51.100.77", 1)
	if d := p.Decide(&f); d.Entry != "198.51.100.0/24" {
		t.Errorf("entry %q", d.Entry)
	}
}

func TestSkippedLinesCap(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 0; i < 50; i++ {
		b.WriteString("bad line\n")
	}
	b.WriteString("192.0.2.0/24\n")
	os.WriteFile(filepath.Join(dir, "n.txt"), []byte(b.String()), 0o644)
	p, err := Parse("p.yaml", []byte("lists: {n: {type: cidr, file: n.txt}}\n"), dir)
	if err != nil {
		t.Fatal(err)
	}
	st := p.ListStats()[0]
	if st.Entries != 1 || st.Skipped != 50 || len(st.SkippedLines) != maxSkippedLines {
		t.Errorf("got %d entries, %d skipped, %d lines", st.Entries, st.Skipped, len(st.SkippedLines))
	}
	if want := filepath.Join(dir, "n.txt") + `:20: not an IP address or CIDR: "bad"`; st.SkippedLines[19] != want {
		t.Errorf("line 20: %q, want %q", st.SkippedLines[19], want)
	}
}

func TestStaged(t *testing.T) {
	// An address rule alone decides at the first packet.
	p := mustParse(t, `
rules:
  - {id: block-net, match: {dst: [203.0.113.0/24, "2001:db8::/32"]}, action: drop}
`)
	f := tcp("192.0.2.1", "203.0.113.9", 443)
	if d := p.Decide(&f); d.Action != Drop || !d.Final || d.Rule != "block-net" || d.Entry != "203.0.113.0/24" || d.List != "" {
		t.Errorf("address rule: %+v", d)
	}
	f = tcp("2001:db8:1::1", "2001:db8:2::2", 443)
	if d := p.Decide(&f); d.Action != Drop || !d.Final || d.Entry != "2001:db8::/32" {
		t.Errorf("v6 address rule: %+v", d)
	}
	// A host rule before it makes the first packet non-final …
	p = mustParse(t, `
rules:
  - {id: allow-update, match: {host: [update.example]}, action: allow}
  - {id: block-net, match: {dst: [203.0.113.0/24]}, action: drop}
default: reject
`)
	f = tcp("192.0.2.1", "203.0.113.9", 443)
	if d := p.Decide(&f); d.Action != Reject || d.Final || d.Rule != "default" {
		t.Errorf("pending: %+v", d)
	}
	// … the host decides when known …
	f.Host = "cdn.update.example"
	if d := p.Decide(&f); d.Action != Allow || !d.Final || d.Rule != "allow-update" || d.Entry != "update.example" {
		t.Errorf("host known: %+v", d)
	}
	// … another host falls through to the address rule …
	f.Host = "other.example"
	if d := p.Decide(&f); d.Action != Drop || !d.Final || d.Rule != "block-net" {
		t.Errorf("other host: %+v", d)
	}
	// … and when identification is over without a host, the host rule
	// does not match.
	f.Host, f.Complete = "", true
	if d := p.Decide(&f); d.Action != Drop || !d.Final || d.Rule != "block-net" {
		t.Errorf("complete without host: %+v", d)
	}
	// A rule whose known keys fail is not pending: address first.
	p = mustParse(t, `
rules:
  - {id: h, match: {host: [x.example], dst: [198.51.100.0/24]}, action: drop}
  - {id: n, match: {dst: [203.0.113.0/24]}, action: drop}
`)
	f = tcp("192.0.2.1", "203.0.113.9", 443)
	if d := p.Decide(&f); d.Rule != "n" || !d.Final {
		t.Errorf("known key failing: %+v", d)
	}
}

func TestLogRules(t *testing.T) {
	p := mustParse(t, `
rules:
  - {id: log-all, action: log}
  - {id: log-web, match: {port: [80, 443]}, action: log}
  - {id: log-dns, match: {port: 53}, action: log}
  - {id: log-443, match: {port: 443, proto: tcp}, action: log}
  - {id: block, match: {dst: 203.0.113.0/24}, action: drop}
`)
	f := tcp("192.0.2.1", "203.0.113.9", 443)
	d := p.Decide(&f)
	if want := []string{"log-all", "log-web", "log-443"}; !reflect.DeepEqual(d.Logged, want) || d.Action != Drop || !d.Final {
		t.Errorf("non-contiguous logs: %+v", d)
	}
	f = tcp("192.0.2.1", "198.51.100.1", 80)
	d = p.Decide(&f)
	if want := []string{"log-all", "log-web"}; !reflect.DeepEqual(d.Logged, want) || d.Action != Allow || d.Rule != "default" || !d.Final {
		t.Errorf("contiguous logs: %+v", d)
	}
	if cap(d.Logged) != len(d.Logged) {
		t.Errorf("Logged has spare capacity: appending would write into the policy")
	}
}

func TestMatchKeys(t *testing.T) {
	p := mustParse(t, `
lists:
  office: {type: cidr, items: [192.0.2.0/25, "2001:db8:0:1::/64"]}
  p2p: {type: app, items: [BitTorrent, edonkey]}
  names: {type: domain, items: ["*.Example.org"]}
rules:
  - {id: svc, match: {service: [YouTube, Netflix]}, action: reject}
  - {id: src-port, match: {src_port: "1000-1999", proto: [udp]}, action: drop}
  - {id: icmp, match: {proto: icmp, src_list: office}, action: drop}
  - {id: p2p, match: {app_list: p2p, src_list: office}, action: drop}
  - {id: ports, match: {dst_port: ["8000-8080", 22], src: 198.51.100.0/24}, action: drop}
  - {id: names, match: {host_list: names, app: [tls, quic]}, action: drop}
`)
	mk := func(mod func(*Facts)) Facts {
		f := tcp("198.18.0.1", "203.0.113.1", 443)
		f.Complete = true
		mod(&f)
		return f
	}
	cases := []struct {
		name              string
		f                 Facts
		rule, list, entry string
	}{
		{"service", mk(func(f *Facts) { f.Service = "youtube" }), "svc", "", "YouTube"},
		{"src port udp", mk(func(f *Facts) { f.Proto, f.SrcPort = 17, 1500 }), "src-port", "", "1000-1999"},
		{"src port tcp", mk(func(f *Facts) { f.SrcPort = 1500 }), "default", "", ""},
		{"icmp v4", mk(func(f *Facts) { f.Proto, f.Src = 1, netip.MustParseAddr("192.0.2.5") }), "icmp", "office", "192.0.2.0/25"},
		{"icmp v6", mk(func(f *Facts) { f.Proto, f.Src = 58, netip.MustParseAddr("2001:db8:0:1::5") }), "icmp", "office", "2001:db8:0:1::/64"},
		{"icmp outside", mk(func(f *Facts) { f.Proto, f.Src = 1, netip.MustParseAddr("192.0.2.200") }), "default", "", ""},
		{"4in6 src", mk(func(f *Facts) { f.Proto, f.Src = 1, netip.MustParseAddr("::ffff:192.0.2.5") }), "icmp", "office", "192.0.2.0/25"},
		{"app list", mk(func(f *Facts) { f.App, f.Src = "bittorrent", netip.MustParseAddr("192.0.2.5") }), "p2p", "p2p", "bittorrent"},
		{"port range", mk(func(f *Facts) { f.DstPort, f.Src = 8080, netip.MustParseAddr("198.51.100.2") }), "ports", "", "198.51.100.0/24"},
		{"port single", mk(func(f *Facts) { f.DstPort, f.Src = 22, netip.MustParseAddr("198.51.100.2") }), "ports", "", "198.51.100.0/24"},
		{"port outside", mk(func(f *Facts) { f.DstPort, f.Src = 8081, netip.MustParseAddr("198.51.100.2") }), "default", "", ""},
		{"names", mk(func(f *Facts) { f.App, f.Host = "quic", "a.b.example.org" }), "names", "names", "example.org"},
		{"names exact", mk(func(f *Facts) { f.App, f.Host = "tls", "example.org" }), "names", "names", "example.org"},
		{"names suffix only at label", mk(func(f *Facts) { f.App, f.Host = "tls", "notexample.org" }), "default", "", ""},
		{"names wrong app", mk(func(f *Facts) { f.App, f.Host = "http", "example.org" }), "default", "", ""},
	}
	for _, c := range cases {
		d := p.Decide(&c.f)
		if d.Rule != c.rule || d.List != c.list || d.Entry != c.entry {
			t.Errorf("%s: got rule %q list %q entry %q, want %q %q %q", c.name, d.Rule, d.List, d.Entry, c.rule, c.list, c.entry)
		}
	}
}

func TestDomainSuffix(t *testing.T) {
	s := newDomainSet("l", 0)
	for _, d := range []string{"example.com", "deep.a.b.example.net", "co.uk"} {
		s.add(d)
	}
	s.finish()
	cases := map[string]string{
		"example.com":             "example.com",
		"www.example.com":         "example.com",
		"a.b.c.d.e.f.example.com": "example.com",
		"notexample.com":          "",
		"example.com.evil":        "",
		"com":                     "",
		"x.deep.a.b.example.net":  "deep.a.b.example.net",
		"a.b.example.net":         "",
		"bbc.co.uk":               "co.uk",
		"":                        "",
		".":                       "",
		"..example.com":           "example.com",
		"very.long.name.with.many.labels.example.com": "example.com",
	}
	for host, want := range cases {
		got, ok := s.lookup(host)
		if got != want || ok != (want != "") {
			t.Errorf("lookup(%q) = %q, %v; want %q", host, got, ok, want)
		}
	}
}

func TestNormDomain(t *testing.T) {
	good := map[string]string{
		"example.com": "example.com", "*.example.com": "example.com", ".example.com": "example.com",
		"Example.COM.": "example.com", "||ads.example^": "ads.example", "_dmarc.example": "_dmarc.example",
		"xn--bcher-kva.example": "xn--bcher-kva.example",
	}
	for in, want := range good {
		if got, why := normDomain(in); got != want || why != "" {
			t.Errorf("normDomain(%q) = %q, %q; want %q", in, got, why, want)
		}
	}
	bad := map[string]string{
		"":                               `not a host name: ""`,
		"*.":                             `not a host name: "*."`,
		"a..b":                           `empty label in host name "a..b"`,
		"a*.example":                     `not a host name (character "*"): "a*.example"`,
		"10.0.0.1":                       `an address, not a host name (put addresses in a cidr list): "10.0.0.1"`,
		strings.Repeat("a", 64) + ".x":   `label longer than 63 characters in "` + strings.Repeat("a", 64) + `.x"`,
		strings.Repeat("a.", 127) + "ab": "host name longer than 253 characters",
	}
	for in, want := range bad {
		if got, why := normDomain(in); got != "" || why != want {
			t.Errorf("normDomain(%q) = %q, %q; want error %q", in, got, why, want)
		}
	}
}

func TestSinkholeAndNotice(t *testing.T) {
	p := mustParse(t, `
rules:
  - {id: s1, match: {host: a.example}, action: sinkhole}
  - {id: s2, match: {host: b.example}, action: {sinkhole: {a: 192.0.2.53}}}
  - {id: s3, match: {host: c.example}, action: {sinkhole: {aaaa: "2001:db8::53"}}}
  - {id: n1, match: {host: d.example}, action: notice}
  - {id: n2, match: {host: e.example}, action: {notice: "Not here."}}
default: {notice: ""}
`)
	want := []struct {
		host, a, aaaa, notice string
		act                   Action
	}{
		{"a.example", "0.0.0.0", "::", "", Sinkhole},
		{"b.example", "192.0.2.53", "::", "", Sinkhole},
		{"c.example", "0.0.0.0", "2001:db8::53", "", Sinkhole},
		{"d.example", "", "", "Blocked by the network policy (rule n1).", Notice},
		{"e.example", "", "", "Not here.", Notice},
		{"f.example", "", "", "Blocked by the network policy (default).", Notice},
	}
	for _, w := range want {
		f := tcp("192.0.2.1", "198.51.100.1", 80)
		f.Host = w.host
		d := p.Decide(&f)
		var a, q string
		if d.SinkholeA.IsValid() {
			a, q = d.SinkholeA.String(), d.SinkholeAAAA.String()
		}
		if d.Action != w.act || a != w.a || q != w.aaaa || d.Notice != w.notice {
			t.Errorf("%s: %+v", w.host, d)
		}
	}
}

func TestParseErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "nets.txt"), []byte("192.0.2.0/24\n"), 0o644)
	os.Mkdir(filepath.Join(dir, "adir"), 0o755)
	cases := []struct{ src, want string }{
		{"", "policy.yaml: policy is empty (want lists, rules, default)"},
		{"rules: [\n", "policy.yaml:1: did not find expected node content"},
		{"rulez: []\n", `policy.yaml:1: unknown key "rulez" in the policy (want lists, rules, default)`},
		{"- a\n", "policy.yaml:1: the policy must be a mapping, not a list"},
		{"rules: {}\n", "policy.yaml:1: rules must be a list of rules, not a mapping"},
		{"rules:\n  - id: x\n    match: {}\n    action: dorp\n", `policy.yaml:4: unknown action "dorp" (want allow, drop, reject, sinkhole, notice, log)`},
		{"rules:\n  - id: x\n    match: {dts: [192.0.2.1]}\n    action: drop\n",
			`policy.yaml:3: unknown key "dts" in rule "x": match (want src, dst, src_list, dst_list, host, host_list, app, app_list, service, proto, port, dst_port, src_port)`},
		{"rules:\n  - action: drop\n", "policy.yaml:2: rule without id (every rule needs a unique id)"},
		{"rules:\n  - id: x\n", `policy.yaml:2: rule "x": missing action (want allow, drop, reject, sinkhole, notice, log)`},
		{"rules:\n  - {id: x, action: drop}\n  - {id: x, action: allow}\n", `policy.yaml:3: duplicate rule id "x" (first at line 2)`},
		{"rules:\n  - {id: default, action: drop}\n", `policy.yaml:2: rule id "default" is reserved for the default action`},
		{"rules:\n  - {id: x, action: drop, match: {dst: [192.0.2.0/33]}}\n", `policy.yaml:2: rule "x": dst: bad address or CIDR "192.0.2.0/33"`},
		{"rules:\n  - {id: x, action: drop, match: {dst_list: nets}}\n", `policy.yaml:2: rule "x": dst_list: unknown list "nets" (no cidr lists are defined under lists:)`},
		{"lists:\n  n: {type: domain, items: [a.example]}\n  m: {type: cidr, items: [192.0.2.1]}\nrules:\n  - id: x\n    action: drop\n    match:\n      dst_list: n\n",
			`policy.yaml:8: rule "x": dst_list: list "n" is a domain list; dst_list needs a cidr list`},
		{"lists:\n  m: {type: cidr, items: [192.0.2.1]}\nrules:\n  - {id: x, action: drop, match: {dst_list: [m, q]}}\n",
			`policy.yaml:4: rule "x": dst_list: unknown list "q" (cidr lists: m)`},
		{"lists:\n  n: {type: cidr, file: missing.txt}\n", `policy.yaml:2: list "n": cannot read list file ` + filepath.Join(dir, "missing.txt") + `: no such file`},
		{"lists:\n  n: {type: cidr, file: adir}\n", `policy.yaml:2: list "n": cannot read list file ` + filepath.Join(dir, "adir") + `: not a regular file`},
		{"lists:\n  n: {type: cidr}\n", `policy.yaml:2: list "n": needs a file or items`},
		{"lists:\n  n: {file: nets.txt}\n", `policy.yaml:2: list "n": missing type (want cidr, domain, app)`},
		{"lists:\n  n: {type: ip, file: nets.txt}\n", `policy.yaml:2: list "n": unknown type "ip" (want cidr, domain, app)`},
		{"lists:\n  n: {type: cidr, fiel: nets.txt}\n", `policy.yaml:2: unknown key "fiel" in list "n" (want type, file, items, description)`},
		{"lists:\n  n: {type: cidr, items: [192.0.2.1, bogus]}\n", `policy.yaml:2: list "n": bad address or CIDR "bogus"`},
		{"lists:\n  n: {type: domain, items: [\"a b\"]}\n", `policy.yaml:2: list "n": not a host name (character " "): "a b"`},
		{"lists:\n  n: {type: cidr, items: [192.0.2.1]}\n  n: {type: cidr, items: [192.0.2.2]}\n", `policy.yaml:3: duplicate key "n" in lists (first at line 2)`},
		{"default: log\n", "policy.yaml:1: default cannot be log (log records and continues; the default must decide: allow, drop, reject, sinkhole or notice)"},
		{"default: {drop: x}\n", `policy.yaml:1: unknown key "drop" in the action (want sinkhole, notice)`},
		{"default: {sinkhole: {a: \"::\"}}\n", `policy.yaml:1: sinkhole a: "::" is not an IPv4 address`},
		{"default: {sinkhole: {aaaa: 192.0.2.1}}\n", `policy.yaml:1: sinkhole aaaa: "192.0.2.1" is not an IPv6 address`},
		{"default: {sinkhole: {a: x}}\n", `policy.yaml:1: sinkhole a: bad address "x"`},
		{"rules:\n  - {id: x, action: drop, match: {port: 70000}}\n", `policy.yaml:2: rule "x": port: bad port "70000" (want a number 0-65535 or a range like 1000-2000)`},
		{"rules:\n  - {id: x, action: drop, match: {port: 2000-1000}}\n", `policy.yaml:2: rule "x": port: bad port "2000-1000" (want a number 0-65535 or a range like 1000-2000)`},
		{"rules:\n  - {id: x, action: drop, match: {port: 80, dst_port: 81}}\n", `policy.yaml:2: rule "x": port and dst_port are the same key (the server's port); use one`},
		{"rules:\n  - {id: x, action: drop, match: {proto: tpc}}\n", `policy.yaml:2: rule "x": proto: unknown protocol "tpc" (want tcp, udp, icmp, icmpv6, sctp, gre, esp or a number 0-255)`},
		{"rules:\n  - {id: x, action: drop, match: {host: []}}\n", `policy.yaml:2: rule "x": host has no values`},
		{"rules:\n  - {id: x, action: drop, match: {host: [[a]]}}\n", `policy.yaml:2: rule "x": host: each value must be a plain value, not a list`},
		{"rules:\n  - {id: x, action: drop, match: {app: \"b t\"}}\n", `policy.yaml:2: rule "x": app: not an application name: "b t"`},
		{"rules:\n  - {id: x, action: {sinkhole: {}, notice: y}}\n", `policy.yaml:2: an action mapping has exactly one key, sinkhole or notice`},
	}
	for _, c := range cases {
		_, err := Parse("policy.yaml", []byte(c.src), dir)
		if err == nil {
			t.Errorf("%q: no error, want %q", c.src, c.want)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("%q:\n got  %s\n want %s", c.src, err, c.want)
		}
	}
}

func TestParseGood(t *testing.T) {
	// Rules before lists, aliases, block style, an empty match, description.
	p := mustParse(t, `
rules:
  - id: r1
    description: the office
    match:
      src_list: office
      proto: [tcp, udp, 47]
      port: [443, "8443"]
    action: allow
  - id: r2
    action: drop
lists:
  office:
    type: cidr
    items: &nets
      - 192.0.2.0/24
  office2: {type: cidr, items: *nets}
`)
	f := tcp("192.0.2.1", "198.51.100.1", 8443)
	if d := p.Decide(&f); d.Rule != "r1" {
		t.Errorf("%+v", d)
	}
	f.DstPort = 80
	if d := p.Decide(&f); d.Rule != "r2" || d.Action != Drop {
		t.Errorf("%+v", d)
	}
	if n := len(p.ListStats()); n != 2 {
		t.Errorf("%d lists", n)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("err = %v", err)
	}
}

func TestDecideAllocs(t *testing.T) {
	p := mustLoad(t, "testdata/policy.yaml")
	p2 := mustParse(t, `
rules:
  - {id: l1, action: log}
  - {id: l2, match: {proto: tcp}, action: log}
  - {id: l3, match: {port: 443}, action: log}
  - {id: b, match: {service: YouTube, port: 443}, action: reject}
`)
	facts := []Facts{
		tcp("192.0.2.10", "203.0.113.80", 443),
		tcp("198.18.0.1", "198.51.100.9", 443),
		tcp("2001:db8:1::1", "2001:db8:bad:1::53", 443),
		func() Facts {
			f := tcp("198.18.0.1", "203.0.113.80", 443)
			f.App, f.Host = "tls", "www.example.com"
			return f
		}(),
		func() Facts {
			f := tcp("198.18.0.1", "203.0.113.80", 443)
			f.Host, f.Complete = "a.b.c.notblocked.example", true
			return f
		}(),
	}
	for i := range facts {
		for j, pol := range []*Policy{p, p2} {
			f := &facts[i]
			f.Service = "YouTube"
			if n := testing.AllocsPerRun(100, func() { pol.Decide(f) }); n != 0 {
				t.Errorf("policy %d facts %d: %v allocs per Decide", j, i, n)
			}
		}
	}
}

// TestDomainSetLarge exercises the filter + fingerprint form of a large
// set against the exact map of a small one.
func TestDomainSetLarge(t *testing.T) {
	big := newDomainSet("big", 0)
	for i := 0; i < 3*smallDomainSet; i++ {
		big.add(fmt.Sprintf("n%d.example", i))
	}
	big.add("example.com")
	big.add("deep.a.b.example.net")
	big.finish()
	if big.small != nil || big.fps == nil {
		t.Fatal("large set kept its map")
	}
	cases := map[string]string{
		"n1.example":             "n1.example",
		"www.n12287.example":     "n12287.example",
		"n12288.example":         "",
		"www.example.com":        "example.com",
		"notexample.com":         "",
		"x.deep.a.b.example.net": "deep.a.b.example.net",
		"a.b.example.net":        "",
		"example":                "",
	}
	for host, want := range cases {
		got, ok := big.lookup(host)
		if got != want || ok != (want != "") {
			t.Errorf("lookup(%q) = %q, %v; want %q", host, got, ok, want)
		}
	}
	if big.n != 3*smallDomainSet+2 {
		t.Errorf("n = %d", big.n)
	}
}

// TestConcurrentDecide runs Decide from several goroutines (go test -race).
func TestConcurrentDecide(t *testing.T) {
	p := mustLoad(t, "testdata/policy.yaml")
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			f := tcp("198.18.0.5", "198.51.100.9", 443)
			h := Facts{Src: f.Src, Dst: netip.MustParseAddr("203.0.113.80"), DstPort: 443, Proto: 6, App: "tls", Host: "www.example.com"}
			ok := true
			for i := 0; i < 1000; i++ {
				ok = ok && p.Decide(&f).Rule == "no-bad-nets" && p.Decide(&h).Rule == "block-sites"
			}
			done <- ok
		}()
	}
	for g := 0; g < 4; g++ {
		if !<-done {
			t.Error("wrong decision under concurrency")
		}
	}
}

// TestPendingLog: a log rule waiting for the host holds the decision too,
// so Logged is exact once Final.
func TestPendingLog(t *testing.T) {
	p := mustParse(t, `
rules:
  - {id: log-net, match: {dst: 203.0.113.0/24}, action: log}
  - {id: log-host, match: {host: watch.example}, action: log}
  - {id: block, match: {dst: 203.0.113.0/24}, action: drop}
`)
	f := tcp("192.0.2.1", "203.0.113.9", 443)
	d := p.Decide(&f)
	if d.Final || d.Action != Allow || d.Rule != "default" || !reflect.DeepEqual(d.Logged, []string{"log-net"}) {
		t.Errorf("pending: %+v", d)
	}
	f.Host = "a.watch.example"
	d = p.Decide(&f)
	if !d.Final || d.Action != Drop || !reflect.DeepEqual(d.Logged, []string{"log-net", "log-host"}) {
		t.Errorf("final: %+v", d)
	}
}
