package services

import (
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
)

func mustParse(t testing.TB, data string) *Table {
	t.Helper()
	tab, err := Parse("test.txt", strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestDefault(t *testing.T) {
	tab := Default()
	if tab.Len() < 150 {
		t.Errorf("Len = %d, want at least 150 services", tab.Len())
	}
	names := map[string]bool{}
	for i, s := range tab.Services() {
		if int(s.ID) != i+1 {
			t.Errorf("service %s: ID %d at index %d", s.Name, s.ID, i)
		}
		if s.Name == "" || s.Category == "" {
			t.Errorf("service %d: empty name or category: %+v", i, s)
		}
		names[s.Name] = true
		if got, ok := tab.ByID(s.ID); !ok || got != s {
			t.Errorf("ByID(%d) = %+v, %v", s.ID, got, ok)
		}
	}
	// The services the package promises to cover.
	for _, n := range []string{"YouTube", "NetFlix", "Google", "GMail", "GoogleDrive", "GoogleMaps",
		"PlayStore", "GoogleCloud", "GoogleServices", "Facebook", "Instagram", "WhatsApp",
		"FacebookMessenger", "Telegram", "Signal", "Teams", "Microsoft365", "Outlook", "MS_OneDrive",
		"Skype_Teams", "Azure", "WindowsUpdate", "Bing", "Xbox", "LinkedIn", "GitHub", "Zoom", "Webex",
		"Amazon", "AmazonAWS", "AmazonVideo", "Twitch", "Apple", "AppleiCloud", "AppleiTunes",
		"AppleStore", "ApplePush", "Spotify", "Dropbox", "TikTok", "Snapchat", "Twitter", "Reddit",
		"Pinterest", "Discord", "Slack", "Akamai", "Cloudflare", "Fastly", "Wikipedia", "Yahoo",
		"Baidu", "Alibaba", "Tencent", "QQ", "WeChat", "Bilibili", "Yandex", "VK", "Steam",
		"EpicGames", "Playstation", "Nintendo", "Ubisoft", "ElectronicArts", "RiotGames", "Hulu",
		"DisneyPlus", "HBO", "Deezer", "SoundCloud", "Tidal", "Pandora", "Vimeo", "Dailymotion",
		"Line", "Viber", "KakaoTalk", "Naver", "Ookla", "Mozilla", "UbuntuONE", "Debian",
		"DigitalOcean", "CloudflareWarp", "NordVPN", "ProtonVPN", "ProtonMail", "Tor", "DoH_DoT",
		"DoubleClick", "GoogleAnalytics", "AppNexus", "Criteo", "Outbrain", "Taboola",
		"ScoreCardResearch", "Salesforce", "Zendesk", "Atlassian", "Adobe", "Oracle", "IBM", "Cisco",
		"MerakiCloud", "Citrix", "TeamViewer", "AnyDesk", "Avast", "Kaspersky", "Sophos", "Xiaomi",
		"Huawei", "Samsung", "Roku", "Sonos", "Tuya", "GoogleNest", "TPLink", "Ring", "Uber",
		"Booking", "Airbnb", "eBay", "AliExpress", "Shopee", "PayPal", "Stripe"} {
		if !names[n] {
			t.Errorf("default table lacks service %s", n)
		}
	}
}

func TestByHost(t *testing.T) {
	tab := Default()
	for _, c := range []struct{ host, want string }{
		{"youtube.com", "YouTube"},
		{"www.youtube.com", "YouTube"},
		{"www.youtube.com.", "YouTube"},
		{"WWW.YouTube.COM", "YouTube"},
		{"r4---sn-4g5e6nzz.googlevideo.com", "YouTube"},
		{"notyoutube.com", ""},
		{"youtube.com.evil.example", ""},
		{"com", ""},
		{"", ""},
		{".", ""},
		{"mail.google.com", "GMail"},      // longer suffix beats google.com
		{"accounts.google.com", "Google"}, // falls back to google.com
		{"www.google.co.uk", "Google"},    // brace-expanded ccTLD
		{"upload.youtube.com", "YouTubeUpload"},
		{"www.youtube.com:443", "YouTube"},             // HTTP Host with port
		{"example.com:443x", ""},                       // not a port: kept, no match
		{"p53-buy.itunes.apple.com", "AppleStore"},     // wildcard label
		{"buy.itunes.apple.com", "AppleStore"},         // exact
		{"init.itunes.apple.com", "AppleiTunes"},       // wildcard does not match
		{"igcdn-photos-e-a.akamaihd.net", "Instagram"}, // wildcard under a CDN suffix
		{"a248.e.akamaihd.net", "Akamai"},
		{"1-courier.push.apple.com", "ApplePush"},
		{"x..youtube.com", "YouTube"},
		{"ytimg.com..", ""}, // only one trailing dot is dropped
		{"embed.rgpub.io", "RiotGames"},
		{"cres.world.waze.com", "Waze"},
	} {
		s, ok := tab.ByHost([]byte(c.host))
		if ok != (c.want != "") || s.Name != c.want {
			t.Errorf("ByHost(%q) = %q, %v; want %q", c.host, s.Name, ok, c.want)
		}
	}
}

func TestByHostLong(t *testing.T) {
	tab := Default()
	// Padding in front of a registered suffix must not hide it.
	long := strings.Repeat("a.", 200) + "netflix.com"
	if s, ok := tab.ByHost([]byte(long)); !ok || s.Name != "NetFlix" {
		t.Errorf("long name: %q, %v", s.Name, ok)
	}
	long = strings.Repeat("x", 300) + ".netflix.com"
	if s, ok := tab.ByHost([]byte(long)); !ok || s.Name != "NetFlix" {
		t.Errorf("long label: %q, %v", s.Name, ok)
	}
	// The cut label must not be taken for a whole one.
	cut := strings.Repeat("x", 300-len("youtube.com")) + "notyoutube.com"
	if s, ok := tab.ByHost([]byte(cut)); ok {
		t.Errorf("cut label matched %q", s.Name)
	}
}

func TestWildcard(t *testing.T) {
	tab := mustParse(t, `
service A Web
  host a*z.example.com
service B Web
  host example.com
service C Web
  host abcz.example.com
service D Web
  host *.d.test
`)
	for _, c := range []struct{ host, want string }{
		{"az.example.com", "A"},
		{"a-z.example.com", "A"},
		{"x.a-z.example.com", "A"},
		{"abcz.example.com", "C"}, // exact label beats wildcard
		{"ab.example.com", "B"},
		{"z.example.com", "B"},
		{"example.com", "B"},
		{"x.d.test", "D"},
		{"d.test", ""}, // "*." is subdomains only
	} {
		s, _ := tab.ByHost([]byte(c.host))
		if s.Name != c.want {
			t.Errorf("ByHost(%q) = %q, want %q", c.host, s.Name, c.want)
		}
	}
}

func TestByAddr(t *testing.T) {
	tab := Default()
	for _, c := range []struct{ addr, want string }{
		{"8.8.8.8", "Google"},
		{"142.250.180.14", "Google"},
		{"2a00:1450:4002:402::200e", "Google"},
		{"::ffff:8.8.8.8", "Google"},
		{"157.240.1.35", "Facebook"},
		{"149.154.167.51", "Telegram"},
		{"17.253.144.10", "Apple"},
		{"104.16.1.1", "Cloudflare"},
		{"162.159.192.1", "CloudflareWarp"}, // nested in Cloudflare's 162.158.0.0/15
		{"162.159.194.1", "Cloudflare"},
		{"9.9.9.9", "DoH_DoT"},
		{"192.168.1.1", ""},
		{"0.0.0.0", ""},
		{"255.255.255.255", ""},
		{"::", ""},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""},
	} {
		s, ok := tab.ByAddr(netip.MustParseAddr(c.addr))
		if ok != (c.want != "") || s.Name != c.want {
			t.Errorf("ByAddr(%s) = %q, %v; want %q", c.addr, s.Name, ok, c.want)
		}
	}
	if _, ok := tab.ByAddr(netip.Addr{}); ok {
		t.Error("zero Addr matched")
	}
}

// slowAddr is the obviously-correct reference for ByAddr: scan every prefix.
func slowAddr(defs []netip.Prefix, ids []uint16, a netip.Addr) uint16 {
	a = a.Unmap()
	best, bestBits := uint16(0), -1
	for i, p := range defs {
		if p.Contains(a) && p.Bits() > bestBits {
			best, bestBits = ids[i], p.Bits()
		}
	}
	return best
}

// TestByAddrReference compares the flattened ranges with a linear scan on
// random nested and overlapping prefix sets, including the edges of the
// address space.
func TestByAddrReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	checked, probes := 0, 0
	for round := 0; round < 200; round++ {
		var b strings.Builder
		var defs []netip.Prefix
		var ids []uint16
		seen := map[netip.Prefix]bool{}
		nsvc := 1 + r.IntN(5)
		for s := 1; s <= nsvc; s++ {
			b.WriteString("service S" + string(rune('A'+s)) + " Web\n")
			for k := 0; k < 1+r.IntN(8); k++ {
				var p netip.Prefix
				if r.IntN(2) == 0 {
					var a [4]byte
					a[0] = byte(r.IntN(4)) * 64 // cluster so prefixes nest
					a[1], a[2], a[3] = byte(r.IntN(3)), byte(r.Uint32()), byte(r.Uint32())
					if r.IntN(10) == 0 {
						a = [4]byte{255, 255, 255, 255}
					}
					p = netip.PrefixFrom(netip.AddrFrom4(a), r.IntN(33)).Masked()
				} else {
					var a [16]byte
					a[0] = byte(r.IntN(4)) * 64
					for i := 1; i < 16; i++ {
						a[i] = byte(r.IntN(3))
					}
					if r.IntN(10) == 0 {
						for i := range a {
							a[i] = 0xff
						}
					}
					p = netip.PrefixFrom(netip.AddrFrom16(a), r.IntN(129)).Masked()
				}
				if seen[p] {
					continue
				}
				seen[p] = true
				defs = append(defs, p)
				ids = append(ids, uint16(s))
				b.WriteString("  net " + p.String() + "\n")
			}
		}
		tab, err := Parse("rand.txt", strings.NewReader(b.String()))
		if err != nil {
			// A service may have drawn only duplicates; skip that round.
			continue
		}
		checked++
		probe := func(a netip.Addr) {
			probes++
			want := slowAddr(defs, ids, a)
			if got := tab.addrID(a); got != want {
				t.Fatalf("round %d: addr %s: got %d want %d\n%s", round, a, got, want, b.String())
			}
		}
		for _, p := range defs {
			lo, hi := span(p)
			probe(p.Addr())
			if p.Addr().Is4() {
				probe(netip.AddrFrom4([4]byte{byte(hi.lo >> 24), byte(hi.lo >> 16), byte(hi.lo >> 8), byte(hi.lo)}))
				if lo.lo > 0 {
					probe(netip.AddrFrom4([4]byte{byte((lo.lo - 1) >> 24), byte((lo.lo - 1) >> 16), byte((lo.lo - 1) >> 8), byte(lo.lo - 1)}))
				}
				if hi.lo < 0xffffffff {
					n := hi.lo + 1
					probe(netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}))
				}
			} else {
				if p.Addr().Prev().IsValid() {
					probe(p.Addr().Prev())
				}
				var a [16]byte
				for i := 0; i < 8; i++ {
					a[i] = byte(hi.hi >> (56 - 8*i))
					a[8+i] = byte(hi.lo >> (56 - 8*i))
				}
				last := netip.AddrFrom16(a)
				probe(last)
				if last.Next().IsValid() {
					probe(last.Next())
				}
			}
		}
		for i := 0; i < 50; i++ {
			probe(netip.AddrFrom4([4]byte{byte(r.IntN(4)) * 64, byte(r.IntN(3)), byte(r.Uint32()), byte(r.Uint32())}))
		}
	}
	if checked < 150 {
		t.Fatalf("only %d of 200 random tables parsed", checked)
	}
	t.Logf("%d tables, %d probes agree with the linear scan", checked, probes)
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"host a.com", "x.txt:1: \"host\" line before any \"service\" line"},
		{"service A Web\n  bogus a.com", "x.txt:2: unknown keyword \"bogus\""},
		{"service A Medya\n host a.com", "x.txt:1: unknown category \"Medya\""},
		{"service A\n", "x.txt:1: want \"service NAME CATEGORY"},
		{"service A Web\n host a.com\nservice a Web\n host b.com", "x.txt:3: service \"a\" already defined at line 1"},
		{"service A Web\n host a.com\nservice B Web\n  host A.com", "x.txt:4: host \"a.com\" already listed for service A at line 2"},
		{"service A Web\n host a..com", "x.txt:2: bad host \"a..com\": empty label"},
		{"service A Web\n host a/b.com", "x.txt:2: bad host \"a/b.com\": character '/' not allowed"},
		{"service A Web\n host a.*.com", "x.txt:2: bad host \"a.*.com\": a '*' may appear once"},
		{"service A Web\n host *", "x.txt:2: bad host \"*\": a wildcard needs a parent"},
		{"service A Web\n host " + strings.Repeat("a", 64) + ".com", "label longer than 63"},
		{"service A Web\n net 10.0.0.1/8", "x.txt:2: bad net \"10.0.0.1/8\": host bits set (did you mean 10.0.0.0/8?)"},
		{"service A Web\n net 10.0.0.0", "x.txt:2: bad net \"10.0.0.0\": want an address prefix"},
		{"service A Web\n net ::ffff:10.0.0.0/104", "IPv4-mapped"},
		{"service A Web\n net 10.0.0.0/8\nservice B Web\n net 10.0.0.0/8", "x.txt:4: net 10.0.0.0/8 already listed for service A at line 2"},
		{"service A Web ndpi=\n host a.com", "x.txt:1: bad nDPI name"},
		{"service A Web foo=bar\n host a.com", "x.txt:1: unknown option \"foo=bar\""},
		{"service A Web\n", "x.txt:1: service A has no host or net line"},
		{"service A Web\nservice B Web\n host b.com", "x.txt:1: service A has no host or net line"},
		{"service A Web\n host", "x.txt:2: \"host\" line lists nothing"},
		{"service A Web\n host a{b.com", "x.txt:2: unbalanced braces"},
		{"service A Web\n host a}b.com", "x.txt:2: unbalanced '}'"},
		{"service A Web\n host {a,{b}}.com", "nested braces"},
		{"service A Web\n host {a,b,c,d,e,f,g,h}{a,b,c,d,e,f,g,h}{a,b,c,d,e,f,g,h}{a,b,c,d,e,f,g,h}{a,b}.com", "expands to more than"},
		{"service A/B Web\n host a.com", "bad service name"},
	} {
		_, err := Parse("x.txt", strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) error = %v, want it to contain %q", c.in, err, c.want)
		}
	}
}

func TestParseOK(t *testing.T) {
	tab := mustParse(t, `# comment
service  Foo   Media   ndpi=FooApp   # trailing comment
	host foo.com FOO.net. {a,b}.foo.org
	net 192.0.2.0/24 2001:db8::/32
service Bar Web
  net 0.0.0.0/0 ::/0
`)
	if tab.Len() != 2 {
		t.Fatalf("Len = %d", tab.Len())
	}
	s, _ := tab.ByHost([]byte("x.foo.net"))
	if s.Name != "Foo" || s.Category != "Media" || s.NDPI != "FooApp" || s.ID != 1 {
		t.Errorf("got %+v", s)
	}
	for _, h := range []string{"a.foo.org", "x.b.foo.org"} {
		if s, _ := tab.ByHost([]byte(h)); s.Name != "Foo" {
			t.Errorf("%s: got %q", h, s.Name)
		}
	}
	if s, _ := tab.ByHost([]byte("foo.org")); s.Name != "" {
		t.Errorf("foo.org matched %q", s.Name)
	}
	for a, want := range map[string]string{"192.0.2.7": "Foo", "192.0.3.1": "Bar", "2001:db8::1": "Foo", "2001:db9::1": "Bar"} {
		if s, _ := tab.ByAddr(netip.MustParseAddr(a)); s.Name != want {
			t.Errorf("ByAddr(%s) = %q want %q", a, s.Name, want)
		}
	}
	var zero Table
	if _, ok := zero.ByHost([]byte("foo.com")); ok {
		t.Error("zero Table matched a host")
	}
	if _, ok := zero.ByAddr(netip.MustParseAddr("1.2.3.4")); ok {
		t.Error("zero Table matched an address")
	}
}

func TestAllocs(t *testing.T) {
	tab := Default()
	hosts := [][]byte{[]byte("WWW.YOUTUBE.COM."), []byte("p53-buy.itunes.apple.com"), []byte("no.such.example"),
		[]byte(strings.Repeat("a.", 200) + "netflix.com")}
	if n := testing.AllocsPerRun(1000, func() {
		for _, h := range hosts {
			tab.ByHost(h)
		}
	}); n != 0 {
		t.Errorf("ByHost allocates %v times per run", n)
	}
	addrs := []netip.Addr{netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("2a03:2880::1"), netip.MustParseAddr("::ffff:1.2.3.4")}
	if n := testing.AllocsPerRun(1000, func() {
		for _, a := range addrs {
			tab.ByAddr(a)
		}
	}); n != 0 {
		t.Errorf("ByAddr allocates %v times per run", n)
	}
}

var benchHosts = [][]byte{
	[]byte("www.youtube.com"), []byte("r3---sn-ab5l6nzr.googlevideo.com"), []byte("graph.facebook.com"),
	[]byte("p53-buy.itunes.apple.com"), []byte("unknown.example.org"), []byte("teams.microsoft.com"),
}

func BenchmarkByHost(b *testing.B) {
	tab := Default()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tab.ByHost(benchHosts[i%len(benchHosts)])
	}
}

func BenchmarkByAddr(b *testing.B) {
	tab := Default()
	addrs := []netip.Addr{netip.MustParseAddr("142.250.180.14"), netip.MustParseAddr("192.168.1.1"),
		netip.MustParseAddr("2a03:2880:f003::1"), netip.MustParseAddr("104.16.1.1")}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tab.ByAddr(addrs[i%len(addrs)])
	}
}

func BenchmarkDefaultParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseString("services.txt", defaultData); err != nil {
			b.Fatal(err)
		}
	}
}
