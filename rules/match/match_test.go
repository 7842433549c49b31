package match

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netsift/netsift/rules"
)

// compileText parses rules text (one rule per line) with Suricata's default
// variables and compiles it; every rule must load.
func compileText(t testing.TB, text string) *Matcher {
	t.Helper()
	rs, err := rules.NewParser(nil).Load("test.rules", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range rs.Report.Skipped {
		t.Fatalf("rule not loaded: %v", e)
	}
	m, err := Compile(rs)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sids runs Match and returns the alerting sids.
func sids(m *Matcher, tx *Tx) []uint32 {
	var out []uint32
	m.Match(tx, func(r *rules.Rule) { out = append(out, r.SID) })
	return out
}

var t0 = time.Unix(1700000000, 0)

// baseTx is a TCP packet 10.0.0.1:1234 → 192.0.2.1:80, to server,
// established, with payload p.
func baseTx(p string) *Tx {
	return &Tx{
		Proto: 6, Src: netip.MustParseAddr("10.0.0.1"), Dst: netip.MustParseAddr("192.0.2.1"),
		SrcPort: 1234, DstPort: 80, ToServer: true, Established: true,
		Payload: []byte(p), Flow: &FlowState{}, Time: t0,
	}
}

func withBufs(tx *Tx, app string, kv ...string) *Tx {
	bufs := map[string][][]byte{}
	for i := 0; i+1 < len(kv); i += 2 {
		bufs[kv[i]] = append(bufs[kv[i]], []byte(kv[i+1]))
	}
	tx.AppProto = app
	tx.Buf = func(n string) [][]byte { return bufs[n] }
	return tx
}

const hdr = "alert tcp any any -> any any (msg:\"t\"; "

// TestKeywords is one rule against one Tx: alert or not.
func TestKeywords(t *testing.T) {
	pl := baseTx
	cases := []struct {
		name string
		opts string // rule options after msg, before sid
		rule string // whole rule (overrides opts)
		tx   *Tx
		want bool
	}{
		{"content", `content:"abc";`, "", pl("xxabcxx"), true},
		{"content miss", `content:"abc";`, "", pl("xxabxcx"), false},
		{"content case", `content:"ABC";`, "", pl("xxabcxx"), false},
		{"nocase", `content:"ABC"; nocase;`, "", pl("xxaBcxx"), true},
		{"hex", `content:"|41 42|C|00|";`, "", pl("..ABC\x00.."), true},
		{"hex miss", `content:"|41 42|C|00|";`, "", pl("..ABC\x01.."), false},
		{"offset depth", `content:"abc"; offset:2; depth:3;`, "", pl("xxabc"), true},
		{"offset depth late", `content:"abc"; offset:2; depth:3;`, "", pl("xxxabc"), false},
		{"offset early", `content:"abc"; offset:2; depth:3;`, "", pl("abcxx"), false},
		{"distance within", `content:"ab"; content:"cd"; distance:1; within:3;`, "", pl("abXcd"), true},
		{"distance within 2", `content:"ab"; content:"cd"; distance:1; within:3;`, "", pl("abXXcd"), true},
		{"distance too close", `content:"ab"; content:"cd"; distance:1; within:3;`, "", pl("abcd"), false},
		{"within too far", `content:"ab"; content:"cd"; distance:1; within:3;`, "", pl("abXXXcd"), false},
		{"negative distance", `content:"cd"; content:"ab"; distance:-4; within:2;`, "", pl("abcd"), true},
		{"backtrack", `content:"a"; content:"b"; distance:0; within:1;`, "", pl("a.a.ab"), true},
		{"backtrack miss", `content:"a"; content:"b"; distance:0; within:1;`, "", pl("a.a.a.b"), false},
		{"startswith", `content:"GET"; startswith;`, "", pl("GET / HTTP/1.1"), true},
		{"startswith miss", `content:"GET"; startswith;`, "", pl(" GET /"), false},
		{"endswith", `content:"end"; endswith;`, "", pl("the end"), true},
		{"endswith miss", `content:"end"; endswith;`, "", pl("the end."), false},
		{"endswith first occurrence", `content:"ab"; endswith;`, "", pl("ab..ab"), true},
		{"negated", `content:"abc"; content:!"xyz";`, "", pl("abc"), true},
		{"negated present", `content:"abc"; content:!"xyz";`, "", pl("abc xyz"), false},
		{"negated relative", `content:"abc"; content:!"x"; distance:0; within:1;`, "", pl("abcy x"), true},
		{"negated relative present", `content:"abc"; content:!"x"; distance:0; within:1;`, "", pl("abcx"), false},
		{"negated only", `content:!"evil";`, "", pl("good"), true},
		{"isdataat relative", `content:"abc"; isdataat:2,relative;`, "", pl("abcde"), true},
		{"isdataat relative miss", `content:"abc"; isdataat:2,relative;`, "", pl("abcd"), false},
		{"isdataat negated", `content:"abc"; isdataat:!1,relative;`, "", pl("abc"), true},
		{"isdataat negated miss", `content:"abc"; isdataat:!1,relative;`, "", pl("abcd"), false},
		{"isdataat absolute", `content:"a"; isdataat:5;`, "", pl("abcdef"), true},
		{"isdataat absolute miss", `content:"a"; isdataat:5;`, "", pl("abcde"), false},
		{"dsize", `dsize:>10;`, "", pl("01234567890"), true},
		{"dsize miss", `dsize:>10;`, "", pl("0123456789"), false},
		{"dsize range", `dsize:2<>5;`, "", pl("abc"), true},
		{"dsize PacketLen", `dsize:<10;`, "", func() *Tx { tx := pl(strings.Repeat("x", 50)); tx.PacketLen = 5; return tx }(), true},
		{"dsize PacketLen miss", `dsize:>10;`, "", func() *Tx { tx := pl(strings.Repeat("x", 50)); tx.PacketLen = 5; return tx }(), false},
		{"pcre", `pcre:"/a.c/";`, "", pl("xxabcxx"), true},
		{"pcre miss", `pcre:"/a.c/";`, "", pl("xxacxx"), false},
		{"pcre i", `pcre:"/ABC/i";`, "", pl("xxabc"), true},
		{"pcre no i", `pcre:"/ABC/";`, "", pl("xxabc"), false},
		{"pcre s", `pcre:"/a.c/s";`, "", pl("a\nc"), true},
		{"pcre no s", `pcre:"/a.c/";`, "", pl("a\nc"), false},
		{"pcre m", `pcre:"/^b/m";`, "", pl("a\nb"), true},
		{"pcre no m", `pcre:"/^b/";`, "", pl("a\nb"), false},
		{"pcre R", `content:"foo"; pcre:"/^bar/R";`, "", pl("foobar"), true},
		{"pcre R miss", `content:"foo"; pcre:"/^bar/R";`, "", pl("foo bar bar"), false},
		{"pcre R backtrack", `content:"foo"; pcre:"/^bar/R";`, "", pl("foo.foobar"), true},
		{"pcre negated", `content:"a"; pcre:!"/evil/";`, "", pl("a good"), true},
		{"pcre negated miss", `content:"a"; pcre:!"/evil/";`, "", pl("a evil"), false},
		{"pcre binary", `pcre:"/\x00\xff+/";`, "", pl("a\x00\xff\xffb"), true},
		{"pcre U", "", `alert http any any -> any any (msg:"t"; pcre:"/\/admin$/U"; sid:1;)`,
			withBufs(pl("GET /admin"), "http", "http.uri", "/x/admin"), true},
		{"pcre U miss", "", `alert http any any -> any any (msg:"t"; pcre:"/\/admin$/U"; sid:1;)`,
			withBufs(pl("GET /admin"), "http", "http.uri", "/x/admin/"), false},
		{"byte_test", `byte_test:2,>,0x100,0;`, "", pl("\x01\x01"), true},
		{"byte_test miss", `byte_test:2,>,0x100,0;`, "", pl("\x01\x00"), false},
		{"byte_test little", `byte_test:2,=,1,0,little;`, "", pl("\x01\x00"), true},
		{"byte_test string", `byte_test:3,=,123,0,string,dec;`, "", pl("123"), true},
		{"byte_test string hex", `byte_test:2,=,255,0,string,hex;`, "", pl("ff"), true},
		{"byte_test relative", `content:"|ff|"; byte_test:1,&,0x80,0,relative;`, "", pl("\xff\x81"), true},
		{"byte_test relative miss", `content:"|ff|"; byte_test:1,&,0x80,0,relative;`, "", pl("\xff\x01"), false},
		{"byte_test negated op", `byte_test:1,!=,5,0;`, "", pl("\x04"), true},
		{"byte_test bitmask", `byte_test:1,=,3,0,bitmask 0x30;`, "", pl("\x3f"), true},
		{"byte_test short buffer", `byte_test:4,>,0,0;`, "", pl("\x01\x01"), false},
		{"byte_jump", `content:"|00|"; byte_jump:1,0,relative; content:"Z"; within:1;`, "", pl("\x00\x02abZ"), true},
		{"byte_jump miss", `content:"|00|"; byte_jump:1,0,relative; content:"Z"; within:1;`, "", pl("\x00\x02aZ"), false},
		{"byte_jump past end", `content:"|00|"; byte_jump:1,0,relative; isdataat:!1,relative;`, "", pl("\x00\x09ab"), false},
		{"byte_jump from_beginning", `byte_jump:1,0,from_beginning; content:"Z"; within:1;`, "", pl("\x03abZ"), true},
		{"byte_extract offset", `byte_extract:1,0,n; content:"X"; offset:n; depth:1;`, "", pl("\x03abX"), true},
		{"byte_extract offset miss", `byte_extract:1,0,n; content:"X"; offset:n; depth:1;`, "", pl("\x02abX"), false},
		{"byte_extract distance", `content:"L"; byte_extract:1,0,len,relative; content:"E"; distance:len; within:1;`, "", pl("L\x02abE"), true},
		{"byte_extract byte_test", `byte_extract:1,0,v; byte_test:1,=,v,1;`, "", pl("\x07\x07"), true},
		{"byte_extract byte_test miss", `byte_extract:1,0,v; byte_test:1,=,v,1;`, "", pl("\x07\x08"), false},
		{"base64", `content:"b64:"; base64_decode:relative; base64_data; content:"secret";`, "", pl("b64:c2VjcmV0"), true},
		{"base64 miss", `content:"b64:"; base64_decode:relative; base64_data; content:"secret";`, "", pl("b64:c2VjcmVU"), false},
		{"flags S", `flags:S;`, "", func() *Tx { tx := pl(""); tx.TCPFlags = 0x02; return tx }(), true},
		{"flags S on SA", `flags:S;`, "", func() *Tx { tx := pl(""); tx.TCPFlags = 0x12; return tx }(), false},
		{"flags S,12 ignores ECN", `flags:S,12;`, "", func() *Tx { tx := pl(""); tx.TCPFlags = 0xc2; return tx }(), true},
		{"flags +A", `flags:+A;`, "", func() *Tx { tx := pl(""); tx.TCPFlags = 0x18; return tx }(), true},
		{"flags *SF", `flags:*SF;`, "", func() *Tx { tx := pl(""); tx.TCPFlags = 0x11; return tx }(), true},
		{"flags !R", `flags:!R;`, "", func() *Tx { tx := pl(""); tx.TCPFlags = 0x04; return tx }(), false},
		{"itype", "", `alert icmp any any -> any any (msg:"t"; itype:8; icode:0; sid:1;)`,
			func() *Tx { tx := pl(""); tx.Proto, tx.ICMPType = 1, 8; return tx }(), true},
		{"itype miss", "", `alert icmp any any -> any any (msg:"t"; itype:8; sid:1;)`,
			func() *Tx { tx := pl(""); tx.Proto = 1; return tx }(), false},
		// Buffers.
		{"http.uri", "", `alert http any any -> any any (msg:"t"; http.uri; content:"/admin"; sid:1;)`,
			withBufs(pl("GET /x"), "http", "http.uri", "/admin/x"), true},
		{"http.uri not payload", "", `alert http any any -> any any (msg:"t"; http.uri; content:"/admin"; sid:1;)`,
			withBufs(pl("GET /admin"), "http", "http.uri", "/x"), false},
		{"legacy http_uri", "", `alert http any any -> any any (msg:"t"; content:"/admin"; http_uri; sid:1;)`,
			withBufs(pl(""), "http", "http.uri", "/admin/x"), true},
		{"http.uri wrong app", "", `alert http any any -> any any (msg:"t"; http.uri; content:"/admin"; sid:1;)`,
			withBufs(pl(""), "tls", "http.uri", "/admin/x"), false},
		{"two buffers", "", `alert http any any -> any any (msg:"t"; http.method; content:"POST"; http.uri; content:"/up"; sid:1;)`,
			withBufs(pl(""), "http", "http.method", "POST", "http.uri", "/up"), true},
		{"two buffers miss", "", `alert http any any -> any any (msg:"t"; http.method; content:"POST"; http.uri; content:"/up"; sid:1;)`,
			withBufs(pl(""), "http", "http.method", "GET", "http.uri", "/up"), false},
		{"bsize", "", `alert http any any -> any any (msg:"t"; http.uri; content:"/a"; bsize:<5; sid:1;)`,
			withBufs(pl(""), "http", "http.uri", "/abc"), true},
		{"bsize miss", "", `alert http any any -> any any (msg:"t"; http.uri; content:"/a"; bsize:<5; sid:1;)`,
			withBufs(pl(""), "http", "http.uri", "/abcdef"), false},
		{"multi-buffer any value", "", `alert dns any any -> any any (msg:"t"; dns.query; content:"evil"; sid:1;)`,
			withBufs(pl(""), "dns", "dns.query", "good.com", "dns.query", "evil.com"), true},
		{"multi-buffer chain in one value", "", `alert dns any any -> any any (msg:"t"; dns.query; content:"evil"; content:".com"; distance:0; sid:1;)`,
			withBufs(pl(""), "dns", "dns.query", "evil.org", "dns.query", "good.com"), false},
		{"dotprefix", "", `alert dns any any -> any any (msg:"t"; dns.query; dotprefix; content:".evil.com"; endswith; sid:1;)`,
			withBufs(pl(""), "dns", "dns.query", "evil.com"), true},
		{"dotprefix suffix only", "", `alert dns any any -> any any (msg:"t"; dns.query; dotprefix; content:".evil.com"; endswith; sid:1;)`,
			withBufs(pl(""), "dns", "dns.query", "notevil.com"), false},
		{"tls.version", "", `alert tls any any -> any any (msg:"t"; tls.version:1.2; sid:1;)`,
			withBufs(pl(""), "tls", "tls.version", "\x03\x03"), true},
		{"tls.version hex", "", `alert tls any any -> any any (msg:"t"; tls.version:0x0301; sid:1;)`,
			withBufs(pl(""), "tls", "tls.version", "\x03\x03"), false},
		{"tls.version absent", "", `alert tls any any -> any any (msg:"t"; tls.version:1.3; sid:1;)`,
			withBufs(pl(""), "tls"), false},
		{"tls.sni", "", `alert tls any any -> any any (msg:"t"; tls.sni; content:"bad.example"; nocase; sid:1;)`,
			withBufs(pl(""), "tls", "tls.sni", "BAD.example"), true},
		// Header.
		{"header addr port", "", `alert tcp 10.0.0.0/8 any -> 192.0.2.1 80 (msg:"t"; sid:1;)`, pl(""), true},
		{"header port miss", "", `alert tcp 10.0.0.0/8 any -> 192.0.2.1 81 (msg:"t"; sid:1;)`, pl(""), false},
		{"header negated addr", "", `alert tcp !10.0.0.0/8 any -> any any (msg:"t"; sid:1;)`, pl(""), false},
		{"header port group", "", `alert tcp any any -> any [443,8000:8100,80] (msg:"t"; sid:1;)`, pl(""), true},
		{"header negated port", "", `alert tcp any any -> any !80 (msg:"t"; sid:1;)`, pl(""), false},
		{"header port range", "", `alert tcp any 1024: -> any any (msg:"t"; sid:1;)`, pl(""), true},
		{"header vars", "", `alert tcp $HOME_NET any -> $EXTERNAL_NET $HTTP_PORTS (msg:"t"; sid:1;)`, pl(""), true},
		{"header vars reversed", "", `alert tcp $EXTERNAL_NET any -> $HOME_NET any (msg:"t"; sid:1;)`, pl(""), false},
		{"header udp", "", `alert udp any any -> any any (msg:"t"; sid:1;)`, pl(""), false},
		{"header ip", "", `alert ip any any -> any any (msg:"t"; sid:1;)`, pl(""), true},
		{"header ipv6 indexed", "", `alert tcp 2001:db8::/64 any -> any any (msg:"t"; sid:1;)`,
			func() *Tx { tx := pl(""); tx.Src = netip.MustParseAddr("2001:db8::5"); return tx }(), true},
		{"header ipv6 indexed miss", "", `alert tcp 2001:db8::/64 any -> any any (msg:"t"; sid:1;)`,
			func() *Tx { tx := pl(""); tx.Src = netip.MustParseAddr("2001:db9::5"); return tx }(), false},
		{"header 4in6 indexed", "", `alert tcp 10.0.0.1 any -> any any (msg:"t"; sid:1;)`,
			func() *Tx { tx := pl(""); tx.Src = netip.MustParseAddr("::ffff:10.0.0.1"); return tx }(), true},
		{"header range indexed", "", `alert tcp [10.0.0.0-10.0.0.5,198.51.100.0/24] any -> any any (msg:"t"; sid:1;)`, pl(""), true},
		{"bidirectional", "", `alert tcp 192.0.2.1 80 <> 10.0.0.1 any (msg:"t"; sid:1;)`, pl(""), true},
		{"unidirectional reversed", "", `alert tcp 192.0.2.1 80 -> 10.0.0.1 any (msg:"t"; sid:1;)`, pl(""), false},
		// Flow.
		{"flow", `flow:established,to_server;`, "", pl(""), true},
		{"flow to_client", `flow:to_client;`, "", pl(""), false},
		{"flow not established", `flow:established;`, "", func() *Tx { tx := pl(""); tx.Established = false; return tx }(), false},
		{"flow from_server", `flow:from_server;`, "", func() *Tx { tx := pl(""); tx.ToServer = false; return tx }(), true},
		{"flow stateless", `flow:stateless;`, "", func() *Tx { tx := pl(""); tx.Established = false; return tx }(), true},
		{"only_stream on packet", `flow:only_stream; content:"ab";`, "", pl("ab"), false},
		{"only_stream on stream", `flow:only_stream; content:"ab";`, "", func() *Tx { tx := pl("ab"); tx.Stream = true; return tx }(), true},
		{"no_stream uses the packet", `flow:no_stream; content:"ab";`, "", func() *Tx {
			tx := pl("xxab") // stream window: old "xxa" + this packet's "b"
			tx.Stream, tx.Packet, tx.Fresh = true, []byte("b"), 3
			return tx
		}(), false},
		{"no_stream packet match", `flow:no_stream; content:"ab";`, "", func() *Tx {
			tx := pl("xxab")
			tx.Stream, tx.Packet, tx.Fresh = true, []byte("ab"), 2
			return tx
		}(), true},
		{"stream rule on the same window", `content:"ab";`, "", func() *Tx {
			tx := pl("xxab")
			tx.Stream, tx.Packet, tx.Fresh = true, []byte("b"), 3
			return tx
		}(), true},
		{"only_frag", `flow:only_frag;`, "", pl(""), false},
		{"only_frag fragmented", `flow:only_frag;`, "", func() *Tx { tx := pl(""); tx.Fragmented = true; return tx }(), true},
		{"no_frag fragmented", `flow:no_frag;`, "", func() *Tx { tx := pl(""); tx.Fragmented = true; return tx }(), false},
		// App layer.
		{"app-layer-protocol", `app-layer-protocol:http;`, "", withBufs(pl(""), "http", "", ""), true},
		{"app-layer-protocol http2", `app-layer-protocol:http;`, "", withBufs(pl(""), "http2", "", ""), true},
		{"app-layer-protocol other", `app-layer-protocol:http;`, "", withBufs(pl(""), "tls", "", ""), false},
		{"app-layer-protocol negated", `app-layer-protocol:!http;`, "", withBufs(pl(""), "tls", "", ""), true},
		{"app-layer-protocol negated unknown", `app-layer-protocol:!http;`, "", pl(""), false},
		{"app-layer-protocol failed", `app-layer-protocol:failed;`, "", func() *Tx { tx := pl(""); tx.AppFailed = true; return tx }(), true},
		{"app-layer-protocol failed known", `app-layer-protocol:failed;`, "", withBufs(pl(""), "tls", "", ""), false},
		{"app-layer-protocol krb5", `app-layer-protocol:krb5;`, "", withBufs(pl(""), "kerberos", "", ""), true},
		{"app-layer-protocol pgsql", `app-layer-protocol:pgsql;`, "", withBufs(pl(""), "postgresql", "", ""), true},
		{"header proto tls", "", `alert tls any any -> any any (msg:"t"; sid:1;)`, withBufs(pl(""), "tls", "", ""), true},
		{"header proto tls on http", "", `alert tls any any -> any any (msg:"t"; sid:1;)`, withBufs(pl(""), "http", "", ""), false},
		{"header proto http on http1", "", `alert http any any -> any any (msg:"t"; sid:1;)`, withBufs(pl(""), "http1", "", ""), true},
		{"header proto smb on smb1", "", `alert smb any any -> any any (msg:"t"; sid:1;)`, withBufs(pl(""), "smb1", "", ""), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := c.rule
			if text == "" {
				text = hdr + c.opts + " sid:1;)"
			}
			m := compileText(t, text)
			got := len(sids(m, c.tx)) > 0
			if got != c.want {
				t.Errorf("%s\npayload %q: alert = %v, want %v", text, c.tx.Payload, got, c.want)
			}
			// The prefilter must not change the outcome.
			var all []uint32
			m2 := compileText(t, text)
			m2.match(c.tx, func(r *rules.Rule) { all = append(all, r.SID) }, true)
			if (len(all) > 0) != c.want {
				t.Errorf("reference: alert = %v, want %v", len(all) > 0, c.want)
			}
		})
	}
}

type seqStep struct {
	tx   *Tx
	want []uint32
}

// TestSequences covers state carried between Txs: flowbits, thresholds,
// detection_filter, IP-only skipping and stream freshness.
func TestSequences(t *testing.T) {
	at := func(tx *Tx, sec int, src string) *Tx {
		tx.Time = t0.Add(time.Duration(sec) * time.Second)
		if src != "" {
			tx.Src = netip.MustParseAddr(src)
		}
		return tx
	}
	flow := &FlowState{}
	onFlow := func(p string) *Tx { tx := baseTx(p); tx.Flow = flow; return tx }
	flow2 := &FlowState{}
	onFlow2 := func(p string) *Tx { tx := baseTx(p); tx.Flow = flow2; return tx }
	flow3 := &FlowState{}
	onFlow3 := func(p string) *Tx { tx := baseTx(p); tx.Flow = flow3; return tx }
	fresh := func(p string, f int) *Tx { tx := baseTx(p); tx.Fresh = f; return tx }
	cases := []struct {
		name  string
		rules []string
		steps []seqStep
	}{
		{"flowbits set then isset", []string{
			hdr + `content:"login"; flowbits:set,auth; flowbits:noalert; sid:1;)`,
			hdr + `content:"cmd"; flowbits:isset,auth; sid:2;)`,
		}, []seqStep{
			{onFlow("cmd"), nil},
			{onFlow("login"), nil},
			{onFlow("cmd"), []uint32{2}},
			{baseTx("cmd"), nil}, // another flow
		}},
		{"flowbits writers before readers", []string{
			hdr + `content:"x"; flowbits:isset,b; sid:1;)`,
			hdr + `content:"x"; flowbits:set,b; sid:2;)`,
		}, []seqStep{
			{onFlow2("x"), []uint32{1, 2}},
		}},
		{"flowbits isnotset unset toggle", []string{
			hdr + `content:"a"; flowbits:isnotset,f; sid:1;)`,
			hdr + `content:"set"; flowbits:set,f; flowbits:noalert; sid:2;)`,
			hdr + `content:"unset"; flowbits:unset,f; flowbits:noalert; sid:3;)`,
			hdr + `content:"tog"; flowbits:toggle,f; flowbits:noalert; sid:4;)`,
			hdr + `content:"b"; flowbits:isset,f|g; sid:5;)`,
		}, []seqStep{
			{onFlow3("a b"), []uint32{1}},
			{onFlow3("set"), nil},
			{onFlow3("a b"), []uint32{5}},
			{onFlow3("unset"), nil},
			{onFlow3("a b"), []uint32{1}},
			{onFlow3("tog"), nil},
			{onFlow3("a b"), []uint32{5}},
			{onFlow3("tog"), nil},
			{onFlow3("a b"), []uint32{1}},
		}},
		{"threshold limit by_src", []string{
			hdr + `content:"x"; threshold:type limit, track by_src, count 2, seconds 60; sid:1;)`,
		}, []seqStep{
			{at(baseTx("x"), 0, ""), []uint32{1}},
			{at(baseTx("x"), 1, ""), []uint32{1}},
			{at(baseTx("x"), 2, ""), nil},
			{at(baseTx("x"), 3, "10.0.0.2"), []uint32{1}},
			{at(baseTx("x"), 61, ""), []uint32{1}},
		}},
		{"threshold threshold by_dst", []string{
			hdr + `content:"x"; threshold:type threshold, track by_dst, count 3, seconds 60; sid:1;)`,
		}, []seqStep{
			{at(baseTx("x"), 0, ""), nil},
			{at(baseTx("x"), 1, "10.0.0.2"), nil},
			{at(baseTx("x"), 2, "10.0.0.3"), []uint32{1}},
			{at(baseTx("x"), 3, ""), nil},
			{at(baseTx("x"), 4, ""), nil},
			{at(baseTx("x"), 5, ""), []uint32{1}},
		}},
		{"threshold both", []string{
			hdr + `content:"x"; threshold:type both, track by_src, count 2, seconds 60; sid:1;)`,
		}, []seqStep{
			{at(baseTx("x"), 0, ""), nil},
			{at(baseTx("x"), 1, ""), []uint32{1}},
			{at(baseTx("x"), 2, ""), nil},
			{at(baseTx("x"), 3, ""), nil},
			{at(baseTx("x"), 70, ""), nil},
			{at(baseTx("x"), 71, ""), []uint32{1}},
		}},
		{"detection_filter", []string{
			hdr + `content:"x"; detection_filter:track by_src, count 2, seconds 60; sid:1;)`,
		}, []seqStep{
			{at(baseTx("x"), 0, ""), nil},
			{at(baseTx("x"), 1, ""), nil},
			{at(baseTx("x"), 2, ""), []uint32{1}},
			{at(baseTx("x"), 3, ""), []uint32{1}},
			{at(baseTx("x"), 4, "10.0.0.9"), nil},
			{at(baseTx("x"), 100, ""), nil},
		}},
		{"ip-only skip", []string{
			`alert tcp 10.0.0.1 any -> any any (msg:"ip only"; sid:1;)`,
			`alert tcp 10.0.0.0/24 any -> any any (msg:"ip only wide"; sid:2;)`,
			`alert tcp 10.0.0.1 any -> any any (msg:"flow"; flow:to_server; sid:3;)`,
		}, []seqStep{
			{baseTx(""), []uint32{1, 2, 3}},
			{func() *Tx { tx := baseTx(""); tx.SkipIPOnly = true; return tx }(), []uint32{3}},
		}},
		{"fresh", []string{
			hdr + `content:"needle"; sid:1;)`,
			hdr + `content:"head"; content:"tail"; distance:0; sid:2;)`,
			hdr + `content:"needle"; content:!"zzz"; sid:3;)`,
			hdr + `byte_test:1,=,0x6e,0; sid:4;)`,
		}, []seqStep{
			{fresh("..needle..", 0), []uint32{1, 3}},
			{fresh("needle....", 6), []uint32{4}},           // wholly old (ends at 6); sid 4 has no content
			{fresh("needle....", 5), []uint32{1, 3, 4}},     // straddles
			{fresh("needle..needle", 8), []uint32{1, 3, 4}}, // second occurrence is new
			{fresh("head..tail....", 10), []uint32{}},
			{fresh("head..tail..tail", 10), []uint32{2}},
			{fresh("....head..tail", 4), []uint32{2}},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := compileText(t, strings.Join(c.rules, "\n"))
			for i, st := range c.steps {
				got := sids(m, st.tx)
				if len(got) == 0 && len(st.want) == 0 {
					continue
				}
				if !slices.Equal(got, st.want) {
					t.Errorf("step %d (payload %q): alerts %v, want %v", i, st.tx.Payload, got, st.want)
				}
			}
		})
	}
}

func TestNoalertKeyword(t *testing.T) {
	m := compileText(t, hdr+`content:"x"; flowbits:set,s; noalert; sid:1;)`+"\n"+hdr+`content:"y"; flowbits:isset,s; sid:2;)`)
	f := &FlowState{}
	tx := baseTx("x y")
	tx.Flow = f
	if got := sids(m, tx); !slices.Equal(got, []uint32{2}) {
		t.Errorf("alerts %v, want [2]", got)
	}
	if !f.IsSet("s") {
		t.Error("flowbit s not set by a noalert rule")
	}
}

func TestAccessors(t *testing.T) {
	m := compileText(t, strings.Join([]string{
		hdr + `content:"` + strings.Repeat("a", 40) + `"; sid:30;)`,
		hdr + `content:"bb"; http_uri; content:"` + strings.Repeat("c", 90) + `"; http_header; sid:10;)`,
		`alert tcp 10.0.0.1 any -> any any (msg:"ip"; sid:20;)`,
	}, "\n"))
	var got []uint32
	for _, r := range m.Rules() {
		got = append(got, r.SID)
	}
	if !slices.Equal(got, []uint32{10, 20, 30}) {
		t.Errorf("Rules() sids %v, want [10 20 30]", got)
	}
	if n := m.MaxPatternLen(); n != 40 {
		t.Errorf("MaxPatternLen = %d, want 40 (pkt_data only)", n)
	}
	if m.Stats.IPOnly != 1 {
		t.Errorf("Stats.IPOnly = %d, want 1", m.Stats.IPOnly)
	}
	big := compileText(t, hdr+`content:"`+strings.Repeat("z", 2000)+`"; sid:1;)`)
	if n := big.MaxPatternLen(); n != maxPatternCap {
		t.Errorf("MaxPatternLen = %d, want cap %d", n, maxPatternCap)
	}
}

// TestPrefilterScan checks the prefilter against strings.Contains on folded
// data for patterns of every length class, in a large group (byte-by-byte
// scan) and in small ones (per-pattern anchored scan).
func TestPrefilterScan(t *testing.T) {
	sets := [][]string{
		{"a", "z", "|", "ab", "AB", "xyz", "\x00\x00", "\x00\x20", "abcd", "abcdef", "GET ", "get /", "\xff\xfe\xfd\xfc\xfb"},
		{"ab", "xyz", "get /", "\xff\xfe\xfd\xfc\xfb"},
		{"user-agent:  ", "location: \r\n"},
		{"qq"},
	}
	inputs := []string{"", "a", "xAbCdEf", "GeT /x", "  \x00\x00 ", "\xff\xfe\xfd\xfc\xfb", "XYZ", "@`", "|", "ab", "Zz",
		"User-Agent:  x", "uSER-aGENT: ", "Location: \r\nLocation: \r", "QqQ", "q"}
	for si, set := range sets {
		var lp [][]byte
		seenP := map[string]bool{}
		for _, p := range set {
			l := string(lower([]byte(p)))
			if !seenP[l] {
				seenP[l] = true
				lp = append(lp, []byte(l))
			}
		}
		m := newMPM(lp)
		if small := m.anchor != nil; small != (si > 0) {
			t.Fatalf("set %d: small-group mode %v", si, small)
		}
		seen := make([]uint64, 1)
		for _, in := range inputs {
			got := map[int32]bool{}
			for _, id := range m.scan([]byte(in), seen, nil) {
				got[id] = true
			}
			seen[0] = 0
			low := string(lower([]byte(in)))
			for id, p := range lp {
				if want := strings.Contains(low, string(p)); want != got[int32(id)] {
					t.Errorf("set %d: scan(%q) pattern %q: found %v, want %v", si, in, p, got[int32(id)], want)
				}
			}
		}
	}
}

func ExampleMatcher_Match() {
	rs, _ := rules.NewParser(nil).Load("local.rules", strings.NewReader(
		`alert http any any -> any any (msg:"admin page"; flow:to_server; http.uri; content:"/admin"; nocase; sid:1000001;)`))
	m, _ := Compile(rs)
	tx := &Tx{
		Proto: 6, Src: netip.MustParseAddr("10.0.0.1"), Dst: netip.MustParseAddr("192.0.2.1"),
		SrcPort: 40000, DstPort: 80, ToServer: true, Established: true, AppProto: "http",
		Buf: func(name string) [][]byte {
			if name == "http.uri" {
				return [][]byte{[]byte("/Admin/login.php")}
			}
			return nil
		},
	}
	m.Match(tx, func(r *rules.Rule) { fmt.Println(r.SID, r.Msg) })
	// Output: 1000001 admin page
}
