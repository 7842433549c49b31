package rules

import (
	"bytes"
	"strings"
	"testing"
)

func mustParse(t *testing.T, s string) *Rule {
	t.Helper()
	r, err := ParseRule(s)
	if err != nil {
		t.Fatalf("ParseRule(%q): %v", s, err)
	}
	return r
}

func TestParseHeader(t *testing.T) {
	r := mustParse(t, `drop http [192.0.2.0/24, 198.51.100.1] [1024:, !2000] <> $HOME_NET $HTTP_PORTS (msg:"x"; sid:7;)`)
	if r.Action != ActionDrop || r.Proto != "http" || r.AppProto != "http" || r.Transport != "tcp" || !r.Bidirectional {
		t.Errorf("header: %+v", r)
	}
	if r.SrcExpr != "[192.0.2.0/24,198.51.100.1]" || r.SrcPortExpr != "[1024:,!2000]" {
		t.Errorf("exprs %q %q", r.SrcExpr, r.SrcPortExpr)
	}
	if !r.SrcPorts.Contains(1024) || r.SrcPorts.Contains(2000) || !r.DstPorts.Contains(80) {
		t.Errorf("ports %s %s", r.SrcPorts, r.DstPorts)
	}
	for _, a := range []string{"alert", "drop", "reject", "rejectsrc", "rejectdst", "rejectboth", "pass"} {
		for _, p := range []string{"ip", "tcp", "udp", "icmp", "pkthdr", "http", "http1", "http2", "tls", "dns", "quic", "ssh", "smtp", "ftp", "smb", "dcerpc", "dhcp", "krb5", "snmp", "sip"} {
			mustParse(t, a+" "+p+" any any -> any any (sid:1;)")
		}
	}
}

func TestParseMeta(t *testing.T) {
	r := mustParse(t, `alert tcp any any -> any any (msg:"a \"quoted\" \; msg"; sid:2001; rev:3; gid:5; classtype:trojan-activity; priority:2; reference:url,example.com/x; reference:cve,2020-1; metadata:created_at 2020_01_01, signature_severity Major; target:dest_ip;)`)
	if r.Msg != `a "quoted" ; msg` || r.SID != 2001 || r.Rev != 3 || r.GID != 5 || r.Classtype != "trojan-activity" || r.Priority != 2 || r.Target != "dest_ip" {
		t.Errorf("%+v", r)
	}
	if len(r.References) != 2 || r.References[0] != (Reference{"url", "example.com/x"}) {
		t.Errorf("refs %v", r.References)
	}
	if len(r.Metadata) != 2 || r.Metadata[1] != "signature_severity Major" {
		t.Errorf("metadata %v", r.Metadata)
	}
}

func TestParseContent(t *testing.T) {
	r := mustParse(t, `alert tcp any any -> any any (content:"GET |20 2f|a\;b\"\\"; nocase; offset:1; depth:20; content:!"x"; distance:0; within:10; content:"yz"; startswith; fast_pattern:only; sid:1;)`)
	if len(r.Matches) != 3 {
		t.Fatalf("matches %d", len(r.Matches))
	}
	c := r.Matches[0].Content
	if string(c.Pattern) != `GET  /a;b"\` || !c.Nocase || c.Offset.Val != 1 || c.Depth.Val != 20 || r.Matches[0].Buffer != BufferPacket {
		t.Errorf("c0 %+v %q", c, c.Pattern)
	}
	c = r.Matches[1].Content
	if !c.Negated || !c.Distance.Set || c.Distance.Val != 0 || c.Within.Val != 10 || !c.Relative() {
		t.Errorf("c1 %+v", c)
	}
	c = r.Matches[2].Content
	if !c.Startswith || !c.FastPattern || !c.FastPatternOnly {
		t.Errorf("c2 %+v", c)
	}
	r = mustParse(t, `alert tcp any any -> any any (content:"abcdef"; fast_pattern:2,3; sid:1;)`)
	if c := r.Matches[0].Content; c.FPOffset != 2 || c.FPLen != 3 {
		t.Errorf("fast_pattern:o,l %+v", c)
	}
}

func TestParseBuffers(t *testing.T) {
	r := mustParse(t, `alert http any any -> any any (flow:established,to_server; http.method; content:"POST"; http.uri; content:"/a"; content:"b"; distance:0; pkt_data; content:"UA"; http_user_agent; content:"h"; http_host; pcre:"/x/Ui"; content:"q"; pcre:"/y/R"; file_data; content:"z"; dotprefix; content:".c"; sid:1;)`)
	want := []string{"http.method", "http.uri", "http.uri", "http.user_agent", "http.host", "http.uri", BufferPacket, BufferPacket, "file.data", "file.data"}
	var got []string
	for _, m := range r.Matches {
		got = append(got, m.Buffer)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("buffers\n got %v\nwant %v", got, want)
	}
	if tr := r.Matches[9].Transforms; len(tr) != 1 || tr[0] != "dotprefix" {
		t.Errorf("transforms %v", tr)
	}
	if !r.Flow.Established || !r.Flow.ToServer {
		t.Errorf("flow %+v", r.Flow)
	}
	// Every sticky name and legacy modifier parses.
	for _, b := range buffers {
		for _, n := range append([]string{b.name}, b.aliases...) {
			mustParse(t, "alert tcp any any -> any any ("+n+"; content:\"a\"; sid:1;)")
		}
		if b.legacy != "" {
			r := mustParse(t, "alert tcp any any -> any any (content:\"a\"; "+b.legacy+"; sid:1;)")
			if r.Matches[0].Buffer != canonicalBuffer(b.name) {
				t.Errorf("%s -> %s", b.legacy, r.Matches[0].Buffer)
			}
		}
	}
}

func TestParsePCREAndByte(t *testing.T) {
	r := mustParse(t, `alert tcp any any -> any any (content:"a"; pcre:!"/^b\/c\;d$/smixAEGRO"; byte_extract:2,0,len,relative,little; byte_test:4,!&,0x10,len,relative,string,hex; byte_jump:4,0,relative,multiplier 2,post_offset -4,align,from_beginning; isdataat:!10,relative; content:"x"; distance:len; sid:1;)`)
	p := r.Matches[1].PCRE
	if p.Pattern != `^b\/c\;d$` || !p.Negated || !p.DotAll || !p.Multiline || !p.Caseless || !p.Extended || !p.Anchored || !p.DollarEndOnly || !p.Ungreedy || !p.Relative || !p.MatchLimit {
		t.Errorf("pcre %+v", p)
	}
	if b := r.Matches[2].Byte; b.Name != "len" || b.Bytes != 2 || !b.Relative || b.Endian != "little" {
		t.Errorf("byte_extract %+v", b)
	}
	if b := r.Matches[3].Byte; b.Op != "!&" || b.Value.Val != 16 || b.Offset.Var != "len" || b.String != "hex" {
		t.Errorf("byte_test %+v", b)
	}
	if b := r.Matches[4].Byte; b.Multiplier != 2 || b.PostOffset != -4 || !b.Align || !b.FromBeginning {
		t.Errorf("byte_jump %+v", b)
	}
	if d := r.Matches[5].IsDataAt; !d.Negated || d.Offset.Val != 10 || !d.Relative {
		t.Errorf("isdataat %+v", d)
	}
	if c := r.Matches[6].Content; c.Distance.Var != "len" {
		t.Errorf("distance var %+v", c)
	}
	for f, buf := range pcreBuffers {
		r := mustParse(t, `alert tcp any any -> any any (pcre:"/a/`+string(f)+`"; sid:1;)`)
		if r.Matches[0].Buffer != buf || r.AppProto != "http" {
			t.Errorf("flag %c -> %s", f, r.Matches[0].Buffer)
		}
	}
}

func TestParseFlowAndMisc(t *testing.T) {
	r := mustParse(t, `alert tcp any any -> any any (flow:not_established,from_server,no_stream; flowbits:set,a&b; flowbits:isnotset,c|d; flowbits:noalert; threshold:type both, track by_dst, count 5, seconds 60; detection_filter:track by_src, count 3, seconds 10; app-layer-protocol:!tls; dsize:>10; sid:1;)`)
	if !r.Flow.NotEstablished || !r.Flow.ToClient || !r.Flow.NoStream {
		t.Errorf("flow %+v", r.Flow)
	}
	if len(r.Flowbits) != 3 || r.Flowbits[0].Names[1] != "b" || r.Flowbits[0].Or || !r.Flowbits[1].Or || !r.Noalert {
		t.Errorf("flowbits %+v", r.Flowbits)
	}
	if *r.Threshold != (Threshold{"both", "by_dst", 5, 60}) || *r.DetectionFilter != (Threshold{"", "by_src", 3, 10}) {
		t.Errorf("threshold %+v %+v", r.Threshold, r.DetectionFilter)
	}
	if *r.AppLayerProtocol != (AppLayerProtocol{"tls", true}) || *r.Dsize != (IntMatch{Op: ">", Val: 10}) {
		t.Errorf("%+v %+v", r.AppLayerProtocol, r.Dsize)
	}
	r = mustParse(t, `alert http any any -> any any (http.uri; bsize:5<>10; urilen:>3; sid:1;)`)
	if len(r.Matches) != 2 || r.Matches[1].Buffer != "http.uri" || *r.Matches[1].Size != (IntMatch{Op: ">", Val: 3}) {
		t.Errorf("bsize/urilen %+v", r.Matches)
	}
}

// TestParseErrors checks the exact messages of rejected rules.
func TestParseErrors(t *testing.T) {
	const h = "alert tcp any any -> any any ("
	tests := []struct{ rule, want string }{
		{h + `content:"|41 4"; sid:1;)`, `sid 1: content: unterminated hex |..|`},
		{h + `content:"|4G|"; sid:1;)`, `sid 1: content: invalid hex character 'G' in |..|`},
		{h + `content:"|414|"; sid:1;)`, `sid 1: content: odd number of hex digits in |..|`},
		{h + `content:"a"b"; sid:1;)`, `sid 1: content: unescaped '"' inside the pattern (write \" or |22|)`},
		{h + `content:"a\x"; sid:1;)`, `sid 1: content: invalid escape \x (only \\, \", \;, \: and \| are valid; use |XX| hex)`},
		{h + `content:abc; sid:1;)`, `sid 1: content: value must be in double quotes`},
		{h + `content:""; sid:1;)`, `sid 1: content: empty pattern`},
		{h + `nocase; sid:1;)`, `sid 1: nocase: needs a preceding content option`},
		{h + `content:"a"; nocase; nocase; sid:1;)`, `sid 1: nocase: used twice on the same content`},
		{h + `content:"abc"; depth:2; sid:1;)`, `sid 1: content "abc": depth 2 is smaller than the content length 3; the rule can never match`},
		{h + `content:"a"; content:"abc"; within:2; sid:1;)`, `sid 1: content "abc": within 2 is smaller than the content length 3; the rule can never match`},
		{h + `content:"a"; content:"b"; offset:1; distance:0; sid:1;)`, `sid 1: content "b": relative (distance/within) and absolute (offset/depth) modifiers on the same content`},
		{h + `content:"a"; startswith; offset:2; sid:1;)`, `sid 1: content "a": startswith cannot be combined with offset, depth, distance or within`},
		{h + `content:"a"; fast_pattern; content:"b"; fast_pattern; sid:1;)`, `sid 1: fast_pattern: can be set on only one content per rule`},
		{h + `content:!"a"; fast_pattern:only; sid:1;)`, `sid 1: content "a": fast_pattern:only cannot be used on a negated content`},
		{h + `content:"abc"; fast_pattern:2,5; sid:1;)`, `sid 1: fast_pattern: offset 2 + length 5 exceeds the content length 3`},
		{h + `pcre:"/a/R"; sid:1;)`, `sid 1: pcre with /R (relative) needs a preceding match in the same buffer`},
		{h + `pcre:"/a/K"; sid:1;)`, `sid 1: pcre: unknown regex flag 'K'`},
		{h + `pcre:"/a/UH"; sid:1;)`, `sid 1: pcre: regex flags name two buffers (http.uri and http.header)`},
		{h + `pcre:"abc"; sid:1;)`, `sid 1: pcre: want "/regex/flags"`},
		{h + `content:"a"; depth:x; sid:1;)`, `sid 1: depth: unknown byte_extract variable "x"`},
		{h + `byte_test:4,~,1,0; sid:1;)`, `sid 1: byte_test: bad operator "~" (want [!]<, >, =, <=, >=, &, ^)`},
		{h + `byte_test:4,=,1; sid:1;)`, `sid 1: byte_test: needs at least 4 comma-separated fields, got 3`},
		{h + `byte_jump:9,0; sid:1;)`, `sid 1: byte_jump: byte count 9 needs the string flag (binary numbers are 1-8 bytes)`},
		{h + `byte_test:4,=,1,0,sideways; sid:1;)`, `sid 1: byte_test: unknown flag "sideways"`},
		{h + `flow:to_server,to_client; sid:1;)`, `sid 1: flow: conflicting options in "to_server,to_client" (to_server and to_client)`},
		{h + `flow:established,stateless; sid:1;)`, `sid 1: flow: conflicting options in "established,stateless" (established, not_established and stateless exclude each other)`},
		{h + `flow:sideways; sid:1;)`, `sid 1: flow: unknown flow option "sideways"`},
		{h + `flowbits:set; sid:1;)`, `sid 1: flowbits: set needs a flowbit name`},
		{h + `flowbits:flip,a; sid:1;)`, `sid 1: flowbits: unknown command "flip" (want set, unset, isset, isnotset, toggle or noalert)`},
		{h + `flowbits:set,a|b; sid:1;)`, `sid 1: flowbits: '|' (any of) works only with isset and isnotset`},
		{h + `threshold:type limit, count 1, seconds 60; sid:1;)`, `sid 1: threshold: missing track`},
		{h + `threshold:type often, track by_src, count 1, seconds 60; sid:1;)`, `sid 1: threshold: bad type "often" (want limit, threshold or both)`},
		{h + `bsize:10; sid:1;)`, `sid 1: bsize: needs a sticky buffer before it`},
		{h + `http.uri; bsize:lots; sid:1;)`, `sid 1: bsize: bad value "lots" (want N, <N, >N, <=N, >=N, !N or N<>M)`},
		{h + `http.uri; content:"a"; http_header; sid:1;)`, `sid 1: http_header: content modifier cannot follow the sticky buffer http.uri (use http.header; before the content instead)`},
		{h + `http_uri; sid:1;)`, `sid 1: http_uri: needs a preceding content option`},
		{"alert tls any any -> any any (http.uri; sid:1;)", `sid 1: http.uri: keyword http.uri needs app-layer http but the rule is for tls`},
		{"alert udp any any -> any any (tls.sni; sid:1;)", `sid 1: tls.sni: keyword tls.sni needs app-layer tls but the rule is for udp`},
		{h + `sid:abc;)`, `sid: bad value "abc" (want an integer 1-4294967295)`},
		{h + `msg:"no sid";)`, `rule has no sid`},
		{h + `sid:1; sid:2;)`, `sid 1: sid: used more than once`},
		{h + `sid:1; priority:0;)`, `sid 1: priority: bad value "0" (want 1-255)`},
		{h + `sid:1; target:me;)`, `sid 1: target: bad value "me" (want src_ip or dest_ip)`},
		{h + `sid:1; reference:nothing;)`, `sid 1: reference: bad value "nothing" (want system,id)`},
		{h + `sid:1; xbits:set,a,track ip_src; stream_size:server,>,1;)`, `sid 1: unsupported keywords "xbits", "stream_size"`},
		{h + `sid:1; frobnicate;)`, `sid 1: unsupported or unknown keyword "frobnicate"`},
		{h + `sid:1; msg:"x")`, `sid 1: option "msg" is not terminated by ';'`},
		{h + `sid:1 msg:"x";)`, `sid: bad value "1 msg:\"x\"" (want an integer 1-4294967295)`},
		{"alert tcp any any -> any any sid:1;", `no option list: a rule is ` + "`action proto src sport -> dst dport (options)`"},
		{"alert tcp any any -> any any (sid:1;", `rule does not end with ')'`},
		{"alert tcp any any any any (sid:1;)", `sid 1: header has 6 fields, want 7: action proto src sport -> dst dport`},
		{"alrt tcp any any -> any any (sid:1;)", `sid 1: unknown action "alrt" (want alert, drop, reject, rejectsrc, rejectdst, rejectboth or pass)`},
		{"alert tcpx any any -> any any (sid:1;)", `sid 1: unknown protocol "tcpx"`},
		{"alert tcp any any => any any (sid:1;)", `sid 1: bad direction "=>" (want -> or <>)`},
		{"alert tcp $NOPE any -> any any (sid:1;)", `sid 1: source address: undefined address variable $NOPE (define it under vars.address-groups)`},
		{"alert tcp any 99999 -> any any (sid:1;)", `sid 1: source port: bad port "99999" (want 0-65535, a:b, a:, :b, any, $VAR or a [list])`},
		{"alert tcp any any -> !any any (sid:1;)", `sid 1: destination address: address group "!any" matches no address`},
		{"alert tcp any any -> any [1:2 (sid:1;)", `sid 1: header: unbalanced '['`},
	}
	for _, tt := range tests {
		_, err := ParseRule(tt.rule)
		if err == nil {
			t.Errorf("%s\n  parsed, want error %q", tt.rule, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%s\n   got %q\n  want %q", tt.rule, err.Error(), tt.want)
		}
	}
}

func TestUnsupportedKeywordsReported(t *testing.T) {
	_, err := ParseRule(`alert tcp any any -> any any (content:"a"; xbits:set,x,track ip_src; tag:session,10,packets; sid:9;)`)
	re, ok := err.(*RuleError)
	if !ok || strings.Join(re.Keywords, ",") != "xbits,tag" || re.SID != 9 {
		t.Fatalf("err %#v", err)
	}
}

func TestLoad(t *testing.T) {
	src := `# header comment
alert tcp any any -> any any (msg:"one"; sid:1;)
# alert tcp any any -> any any (msg:"disabled"; sid:2;)
#alert http any any -> any any (msg:"disabled too"; sid:3;)
alert tcp any any -> any any (msg:"multi"; \
    content:"a"; \
    sid:4;)

alert tcp any any -> any any (msg:"bad"; content:"|4"; sid:5;)
alert tcp any any -> any any (msg:"dup"; sid:1;)
alert tcp any any -> any any (msg:"gid 2 ok"; sid:1; gid:2;)
alert tcp any any -> any any (msg:"gid 2 newer"; sid:1; gid:2; rev:3;)
alert tcp any any -> any any (msg:"unsup"; xbits:set,a,track ip_src; sid:6;)
`
	rs, err := NewParser(nil).Load("t.rules", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	rep := rs.Report
	var sids []uint32
	for _, r := range rs.Rules {
		sids = append(sids, r.SID)
	}
	if rep.Loaded != 3 || rep.Disabled != 2 || len(rep.Skipped) != 4 || rep.Duplicates != 2 || rs.Rules[2].Msg != "gid 2 newer" {
		t.Errorf("report %+v sids %v", rep, sids)
	}
	if rs.Rules[1].Line != 5 || rs.Rules[1].Matches[0].Content.Pattern[0] != 'a' {
		t.Errorf("multi-line rule at %d", rs.Rules[1].Line)
	}
	want := []string{
		"t.rules:9: sid 5: content: unterminated hex |..|",
		"t.rules:10: sid 1: duplicate sid 1:1 (rev 0 already loaded from t.rules:2); remove one",
		"t.rules:11: sid 1: duplicate sid 2:1: rev 0 replaced by rev 3 from t.rules:12; remove one",
		`t.rules:13: sid 6: unsupported keyword "xbits"`,
	}
	for i, w := range want {
		if got := rep.Skipped[i].Error(); got != w {
			t.Errorf("skipped[%d] = %q, want %q", i, got, w)
		}
	}
	if rep.Unsupported["xbits"] != 1 {
		t.Errorf("unsupported %v", rep.Unsupported)
	}
	var b bytes.Buffer
	rep.Write(&b)
	for _, w := range append(want, "1 rule files processed. 3 rules successfully loaded, 4 rules failed (2 duplicate sids), 2 disabled (commented out)", "  xbits                    1") {
		if !strings.Contains(b.String(), w) {
			t.Errorf("Write output lacks %q:\n%s", w, b.String())
		}
	}
}

// TestLoadDeterministic loads the same text twice and through files in two
// orders: rule order follows file order then line order.
func TestLoadDeterministic(t *testing.T) {
	src := synthRules(2000)
	a, _ := NewParser(nil).Load("a", strings.NewReader(src))
	b, _ := NewParser(nil).Load("a", strings.NewReader(src))
	if len(a.Rules) != 2000 || len(a.Rules) != len(b.Rules) {
		t.Fatalf("loaded %d and %d", len(a.Rules), len(b.Rules))
	}
	for i := range a.Rules {
		if a.Rules[i].SID != b.Rules[i].SID || a.Rules[i].Line != b.Rules[i].Line || (i > 0 && a.Rules[i].Line <= a.Rules[i-1].Line) {
			t.Fatalf("rule %d differs or out of order", i)
		}
	}
}

func TestCheckCommand(t *testing.T) {
	dir := t.TempDir()
	f := dir + "/x.rules"
	writeFile(t, f, "alert tcp $HOME_NET any -> $DMZ any (sid:1;)\nalert tcp any any -> any any (stream_size:server,>,1; sid:2;)\n")
	var out, errb bytes.Buffer
	if code := CheckCommand([]string{"--set", "vars.address-groups.DMZ=[192.0.2.0/24]", f}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, w := range []string{`x.rules:2: sid 2: unsupported keyword "stream_size"`, "1 rules successfully loaded, 1 rules failed", "stream_size              1"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, out.String())
		}
	}
	out.Reset()
	CheckCommand([]string{f}, &out, &errb)
	if !strings.Contains(out.String(), "x.rules:1: sid 1: destination address: undefined address variable $DMZ") {
		t.Errorf("without --set: %s", out.String())
	}
	cfg := dir + "/suricata.yaml"
	writeFile(t, cfg, "%YAML 1.1\n---\nvars:\n  address-groups:\n    DMZ: \"[198.51.100.0/24]\"\n")
	out.Reset()
	if code := CheckCommand([]string{"--config", cfg, "--max-errors", "0", f}, &out, &errb); code != 0 || !strings.Contains(out.String(), "1 rules successfully loaded") || strings.Contains(out.String(), "x.rules:2") {
		t.Errorf("--config: exit %d, output %s", code, out.String())
	}
	if code := CheckCommand([]string{"--strict", f}, &out, &errb); code != 1 {
		t.Errorf("--strict exit %d", code)
	}
	if code := CheckCommand(nil, &out, &errb); code != 2 {
		t.Errorf("no args exit %d", code)
	}
	if code := CheckCommand([]string{dir + "/missing.rules"}, &out, &errb); code != 1 {
		t.Errorf("missing file exit %d", code)
	}
}

func TestClassification(t *testing.T) {
	m, err := ParseClassificationConfig("classification.config", strings.NewReader("# c\nconfig classification: trojan-activity,A Network Trojan was detected,1\n"))
	if err != nil || m["trojan-activity"] != (Classification{"trojan-activity", "A Network Trojan was detected", 1}) {
		t.Fatalf("%v %v", m, err)
	}
	_, err = ParseClassificationConfig("c.config", strings.NewReader("config classification: a,b,high\n"))
	if want := `c.config:1: bad priority "high" (want 1-255)`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	p := NewParser(nil)
	p.SetClassifications(m)
	if _, err := p.Parse(`alert tcp any any -> any any (classtype:trojan-activity; sid:1;)`); err != nil {
		t.Error(err)
	}
	_, err = p.Parse(`alert tcp any any -> any any (classtype:made-up; sid:1;)`)
	if want := `sid 1: classtype: unknown classtype "made-up" (not in classification.config)`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}

func TestRuleHelpers(t *testing.T) {
	r := mustParse(t, `alert ip [192.0.2.1,198.51.100.0/24] any -> $HOME_NET any (msg:"ip only"; sid:1;)`)
	if !r.IPOnly() {
		t.Error("IPOnly false for an address-only rule")
	}
	r = mustParse(t, `alert http any any -> any any (flow:to_server; content:"ab"; http_uri; http.host; content:"longer"; content:!"longest-neg"; pkt_data; content:"xyz"; sid:2;)`)
	if r.IPOnly() {
		t.Error("IPOnly true for a content rule")
	}
	if got := strings.Join(r.Buffers(), ","); got != "http.uri,http.host,pkt_data" {
		t.Errorf("Buffers %s", got)
	}
	if ch := r.Chain("http.host"); len(ch) != 2 || !ch[1].Content.Negated {
		t.Errorf("Chain %v", ch)
	}
	if m, p := r.FastPattern(); m.Buffer != "http.host" || string(p) != "longer" {
		t.Errorf("FastPattern %s %q", m.Buffer, p)
	}
	r = mustParse(t, `alert tcp any any -> any any (content:"abcdef"; content:"xy"; fast_pattern:0,1; sid:3;)`)
	if _, p := r.FastPattern(); string(p) != "x" {
		t.Errorf("explicit FastPattern %q", p)
	}
}

// TestSuricataLeniencies: forms Suricata accepts that strict parsing
// would reject, and the legacy list semantics of relative keywords.
func TestSuricataLeniencies(t *testing.T) {
	r := mustParse(t, `alert tcp any any -> any any (pcre:/one/U; sid:1;)`)
	if len(r.Matches) != 1 || r.Matches[0].Buffer != "http.uri" || r.Matches[0].PCRE.Pattern != "one" {
		t.Errorf("unquoted pcre: %+v", r.Matches)
	}
	r = mustParse(t, `alert tcp any any -> any any (uricontent:"this"; nocase; byte_extract:1,2,one,string,dec,relative; uricontent:"ring"; distance:one; sid:2;)`)
	if got := strings.Join(r.Buffers(), ","); got != "http.uri" {
		t.Errorf("uricontent + relative byte_extract: buffers %s, want http.uri only", got)
	}
	if !r.Matches[0].Content.Nocase || r.AppProto != "http" {
		t.Errorf("uricontent modifiers/app: %+v %q", r.Matches[0].Content, r.AppProto)
	}
	r = mustParse(t, `alert tcp any any -> any any (content:"abc"; prefilter; sid:3;)`)
	if len(r.Matches) != 1 {
		t.Errorf("prefilter: %+v", r.Matches)
	}
	c := DefaultClassifications()
	if tr := c["trojan-activity"]; tr.Priority != 1 || tr.Description != "A Network Trojan was detected" {
		t.Errorf("built-in classification: %+v (%d entries)", tr, len(c))
	}
}
