package rules

import (
	"fmt"
	"strconv"
	"strings"
)

// keyword describes one rule keyword. supported says whether the engine
// implements it; a rule using an unsupported keyword is skipped whole.
type keyword struct {
	supported bool
	setup     func(st *state, o Option) error
}

// state is the parse state of one rule's options.
type state struct {
	r          *Rule
	buf        string   // current sticky buffer
	transforms []string // transforms of the current sticky buffer
	optIndex   int
	vars       []string // byte_extract variables so far
	fastSeen   bool
}

// stickyBuffer describes a sticky buffer: its canonical name, the app-layer
// protocol it implies ("" = any) and its aliases. legacy is the name of the
// content modifier form ("" if none).
type stickyBuffer struct {
	name, app string
	aliases   []string // other sticky names (e.g. file_data, tls_sni)
	legacy    string   // content modifier (e.g. http_uri)
}

// Buffers lists the sticky buffers the parser knows (and marks supported).
var buffers = []stickyBuffer{
	{name: "http.uri", app: "http", legacy: "http_uri"},
	{name: "http.uri.raw", app: "http", legacy: "http_raw_uri"},
	{name: "http.method", app: "http", legacy: "http_method"},
	{name: "http.host", app: "http", legacy: "http_host"},
	{name: "http.host.raw", app: "http", legacy: "http_raw_host"},
	{name: "http.user_agent", app: "http", legacy: "http_user_agent"},
	{name: "http.header", app: "http", legacy: "http_header"},
	{name: "http.header.raw", app: "http", legacy: "http_raw_header"},
	{name: "http.header_names", app: "http"},
	{name: "http.cookie", app: "http", legacy: "http_cookie"},
	{name: "http.request_body", app: "http", legacy: "http_client_body", aliases: []string{"http.client_body"}},
	{name: "http.response_body", app: "http", legacy: "http_server_body", aliases: []string{"http.server_body"}},
	{name: "http.stat_code", app: "http", legacy: "http_stat_code"},
	{name: "http.stat_msg", app: "http", legacy: "http_stat_msg"},
	{name: "http.content_type", app: "http"},
	{name: "http.content_len", app: "http"},
	{name: "http.protocol", app: "http"},
	{name: "http.request_line", app: "http"},
	{name: "http.response_line", app: "http"},
	{name: "http.start", app: "http"},
	{name: "http.connection", app: "http"},
	{name: "http.accept", app: "http"},
	{name: "http.accept_enc", app: "http"},
	{name: "http.accept_lang", app: "http"},
	{name: "http.referer", app: "http"},
	{name: "http.location", app: "http"},
	{name: "http.server", app: "http"},
	{name: "file.data", aliases: []string{"file_data"}},
	{name: "tls.sni", app: "tls", aliases: []string{"tls_sni"}},
	{name: "tls.cert_subject", app: "tls", aliases: []string{"tls_cert_subject"}},
	{name: "tls.cert_issuer", app: "tls", aliases: []string{"tls_cert_issuer"}},
	{name: "tls.cert_serial", app: "tls", aliases: []string{"tls_cert_serial"}},
	{name: "tls.cert_fingerprint", app: "tls", aliases: []string{"tls_cert_fingerprint"}},
	{name: "tls.certs", app: "tls"},
	{name: "tls.random", app: "tls"},
	{name: "ja3.hash", app: "tls", aliases: []string{"ja3_hash"}},
	{name: "ja3.string", app: "tls", aliases: []string{"ja3_string"}},
	{name: "ja3s.hash", app: "tls", aliases: []string{"ja3s_hash"}},
	{name: "ja3s.string", app: "tls", aliases: []string{"ja3s_string"}},
	{name: "ja4.hash", app: "tls"},
	{name: "dns.query", app: "dns", aliases: []string{"dns_query"}},
	{name: "ssh.proto", app: "ssh", aliases: []string{"ssh_proto"}},
	{name: "ssh.software", app: "ssh", aliases: []string{"ssh_software"}},
	{name: "ssh.hassh", app: "ssh"},
	{name: "ssh.hassh.server", app: "ssh"},
	{name: "ssh.hassh.string", app: "ssh"},
	{name: "ssh.hassh.server.string", app: "ssh"},
	{name: "quic.sni", app: "quic"},
	{name: "quic.ua", app: "quic"},
	{name: "quic.version", app: "quic"},
	{name: "base64_data"},
}

// transformNames are sticky-buffer transforms the parser records (in
// Match.Transforms); supported ones are cheap to apply.
var transformNames = map[string]bool{
	"dotprefix": true, "to_lowercase": true, "to_uppercase": true,
	"strip_whitespace": true, "compress_whitespace": true, "url_decode": true,
	"header_lowercase": false, "to_md5": false, "to_sha1": false, "to_sha256": false,
	"xor": false, "pcrexform": false, "from_base64": false, "strip_pseudo_headers": false,
}

// unsupportedKeywords are Suricata keywords the parser recognizes by name
// but the engine does not implement; rules using them are skipped.
var unsupportedKeywords = []string{
	"xbits", "flowint", "flowvar", "pktvar", "hostbits", "stream_size", "tag",
	"app-layer-event", "app-layer-state", "asn1", "ftpbounce", "ip_proto", "ipopts",
	"fragbits", "fragoffset", "ttl", "tos", "id", "seq", "ack", "window", "icmp_id",
	"icmp_seq", "sameip", "lua", "luajit", "dataset", "datarep", "iprep", "byte_math",
	"http.request_header", "http.response_header", "filemagic", "filename", "fileext",
	"filestore", "filesize", "filemd5", "filesha1", "filesha256", "dce_iface",
	"dce_opnum", "dce_stub_data", "smb.share", "smb.named_pipe", "smb.ntlmssp_user",
	"krb5_cname", "krb5_sname", "krb5_msg_type", "krb5_err_code", "snmp.community",
	"sip.method", "sip.uri", "tcp.mss", "tcp.hdr", "udp.hdr", "ipv4.hdr", "ipv6.hdr",
	"icmpv4.hdr", "icmpv6.hdr", "replace", "requires",
	"config", "http2.header", "http2.frametype", "tls.subjectaltname", "tls.cert_notbefore",
	"tls.cert_notafter", "tls.cert_expired", "tls.cert_valid", "tls.store", "tls.fingerprint",
	"tls.subject", "tls.issuerdn", "ssl_version", "ssl_state", "dns.opcode", "dns.rrtype",
	"dns.answer.name", "dns.queries.rrname", "dns.answers.rrname", "ja4", "ssh.protoversion",
	"ssh.softwareversion", "modbus", "dnp3_func", "dnp3_ind", "dnp3_obj", "dnp3_data",
	"enip_command", "cip_service", "ike.vendor", "rfb.name", "mqtt.topic", "ldap.request.operation",
	"pcrexform", "decode_der", "stream_depth", "file.name", "file.magic", "email.from",
	"email.subject", "email.to", "smtp.helo", "smtp.mail_from", "smtp.rcpt_to",
}

// keywords is the keyword table, built once.
var keywords = buildKeywords()

// Keywords returns every keyword name the parser knows with whether it is
// supported, sorted by name (for documentation and `rules check`).
func Keywords() map[string]bool {
	m := make(map[string]bool, len(keywords))
	for k, v := range keywords {
		m[k] = v.supported
	}
	return m
}

func buildKeywords() map[string]keyword {
	m := map[string]keyword{}
	sup := func(name string, f func(st *state, o Option) error) { m[name] = keyword{true, f} }
	// meta
	sup("msg", setMsg)
	sup("sid", func(st *state, o Option) error { return st.once(o, func() error { return setU32(&st.r.SID, o, 1) }) })
	sup("rev", func(st *state, o Option) error { return st.once(o, func() error { return setU32(&st.r.Rev, o, 0) }) })
	sup("gid", func(st *state, o Option) error { return st.once(o, func() error { return setU32(&st.r.GID, o, 0) }) })
	sup("classtype", setClasstype)
	sup("priority", setPriority)
	sup("reference", setReference)
	sup("metadata", setMetadata)
	sup("target", setTarget)
	// payload
	sup("content", setContent)
	for _, n := range []string{"nocase", "rawbytes", "startswith", "endswith"} {
		n := n
		sup(n, func(st *state, o Option) error { return setFlagMod(st, n, o) })
	}
	for _, n := range []string{"offset", "depth", "distance", "within"} {
		n := n
		sup(n, func(st *state, o Option) error { return setNumMod(st, n, o) })
	}
	sup("fast_pattern", setFastPattern)
	sup("pcre", setPCRE)
	sup("byte_test", func(st *state, o Option) error { return setByte(st, MatchByteTest, o) })
	sup("byte_jump", func(st *state, o Option) error { return setByte(st, MatchByteJump, o) })
	sup("byte_extract", func(st *state, o Option) error { return setByte(st, MatchByteExtract, o) })
	sup("isdataat", setIsDataAt)
	sup("bsize", setBsize)
	sup("urilen", setUrilen)
	sup("dsize", func(st *state, o Option) error { return setIntMatch(&st.r.Dsize, o) })
	sup("itype", func(st *state, o Option) error { return setIntMatch(&st.r.ICMPType, o) })
	sup("icode", func(st *state, o Option) error { return setIntMatch(&st.r.ICMPCode, o) })
	sup("flags", setFlags)
	sup("base64_decode", setBase64Decode)
	sup("pkt_data", func(st *state, o Option) error { return setSticky(st, BufferPacket, "", o) })
	// flow
	sup("flow", setFlow)
	sup("flowbits", setFlowbits)
	sup("noalert", func(st *state, o Option) error { st.r.Noalert = true; return noValue(o) })
	sup("threshold", func(st *state, o Option) error { return setThreshold(st, &st.r.Threshold, o, true) })
	sup("detection_filter", func(st *state, o Option) error {
		return setThreshold(st, &st.r.DetectionFilter, o, false)
	})
	sup("app-layer-protocol", setAppLayerProtocol)
	sup("tls.version", setTLSVersion)
	// uricontent is the legacy spelling of content followed by http_uri.
	sup("uricontent", func(st *state, o Option) error {
		if st.buf != BufferPacket {
			return fmt.Errorf("cannot follow the sticky buffer %s (use http.uri; content instead)", st.buf)
		}
		if err := setContent(st, o); err != nil {
			return err
		}
		return setLegacy(st, "http.uri", "http", Option{Name: "uricontent"})
	})
	// prefilter only chooses which keyword feeds Suricata's prefilter; the
	// matcher's own choice (fast_pattern or the longest content) is as
	// good for correctness.
	sup("prefilter", func(st *state, o Option) error { return noValue(o) })
	for _, b := range buffers {
		b := b
		for _, n := range append([]string{b.name}, b.aliases...) {
			sup(n, func(st *state, o Option) error { return setSticky(st, b.name, b.app, o) })
		}
		if b.legacy != "" {
			sup(b.legacy, func(st *state, o Option) error { return setLegacy(st, b.name, b.app, o) })
		}
	}
	for n, ok := range transformNames {
		n := n
		m[n] = keyword{ok, func(st *state, o Option) error { return setTransform(st, n, o) }}
	}
	for _, n := range unsupportedKeywords {
		if _, ok := m[n]; !ok {
			m[n] = keyword{false, nil}
		}
	}
	return m
}

// once runs f unless the keyword was already seen in this rule.
func (st *state) once(o Option, f func() error) error {
	for _, p := range st.r.Options[:st.optIndex] {
		if p.Name == o.Name {
			return fmt.Errorf("used more than once")
		}
	}
	return f()
}

func noValue(o Option) error {
	if o.HasValue {
		return fmt.Errorf("takes no value (got %q)", o.Value)
	}
	return nil
}

func needValue(o Option) error {
	if !o.HasValue || o.Value == "" {
		return fmt.Errorf("needs a value")
	}
	return nil
}

func setMsg(st *state, o Option) error {
	if err := needValue(o); err != nil {
		return err
	}
	s, err := unquote(o.Value, false)
	st.r.Msg = s
	return err
}

func setU32(dst *uint32, o Option, min uint64) error {
	v, err := strconv.ParseUint(o.Value, 10, 32)
	if err != nil || v < min {
		return fmt.Errorf("bad value %q (want an integer %d-4294967295)", o.Value, min)
	}
	*dst = uint32(v)
	return nil
}

func setClasstype(st *state, o Option) error {
	if err := needValue(o); err != nil {
		return err
	}
	if strings.ContainsAny(o.Value, " \t,\"") {
		return fmt.Errorf("bad classtype %q", o.Value)
	}
	st.r.Classtype = o.Value
	return nil
}

func setPriority(st *state, o Option) error {
	v, err := strconv.Atoi(o.Value)
	if err != nil || v < 1 || v > 255 {
		return fmt.Errorf("bad value %q (want 1-255)", o.Value)
	}
	st.r.Priority = v
	return nil
}

func setReference(st *state, o Option) error {
	sys, id, ok := strings.Cut(o.Value, ",")
	sys, id = strings.TrimSpace(sys), strings.TrimSpace(id)
	if !ok || sys == "" || id == "" {
		return fmt.Errorf("bad value %q (want system,id)", o.Value)
	}
	st.r.References = append(st.r.References, Reference{sys, id})
	return nil
}

func setMetadata(st *state, o Option) error {
	if err := needValue(o); err != nil {
		return err
	}
	for _, kv := range strings.Split(o.Value, ",") {
		if kv = strings.TrimSpace(kv); kv != "" {
			st.r.Metadata = append(st.r.Metadata, kv)
		}
	}
	return nil
}

func setTarget(st *state, o Option) error {
	switch o.Value {
	case "src_ip", "dest_ip":
		st.r.Target = o.Value
		return nil
	}
	return fmt.Errorf("bad value %q (want src_ip or dest_ip)", o.Value)
}

// setApp records the app-layer protocol a keyword needs, rejecting
// conflicts as Suricata does.
func setApp(st *state, app, kw string) error {
	if app == "" {
		return nil
	}
	cur := st.r.AppProto
	switch {
	case cur == "" || cur == app:
		if st.r.Transport == "udp" && (app == "http" || app == "tls" || app == "ssh") {
			return fmt.Errorf("keyword %s needs app-layer %s but the rule is for %s", kw, app, st.r.Proto)
		}
		st.r.AppProto = app
	case app == "http" && (cur == "http1" || cur == "http2"):
	case app == "tls" && cur == "quic": // ja3/ja4 exist for QUIC too
	default:
		return fmt.Errorf("keyword %s needs app-layer %s but the rule is for %s", kw, app, cur)
	}
	return nil
}

// canonicalBuffer maps buffer names that are one buffer in Suricata to one
// name, so that the matcher scans it once: http.response_body is HTTP's
// file.data.
func canonicalBuffer(buf string) string {
	if buf == "http.response_body" {
		return "file.data"
	}
	return buf
}

// setTLSVersion parses tls.version: 1.0, 1.1, 1.2, 1.3, 3.0 (SSLv3) or a
// hex value (0x0303). It matches the negotiated version (the ClientHello's
// before a ServerHello), as Suricata's keyword.
func setTLSVersion(st *state, o Option) error {
	if err := needValue(o); err != nil {
		return err
	}
	v := strings.TrimSpace(o.Value)
	var ver uint16
	switch v {
	case "1.0":
		ver = 0x0301
	case "1.1":
		ver = 0x0302
	case "1.2":
		ver = 0x0303
	case "1.3":
		ver = 0x0304
	case "3.0":
		ver = 0x0300
	default:
		h, ok := strings.CutPrefix(strings.ToLower(v), "0x")
		n, err := strconv.ParseUint(h, 16, 16)
		if !ok || err != nil {
			return fmt.Errorf("bad version %q (want 1.0, 1.1, 1.2, 1.3, 3.0 or 0xNNNN)", v)
		}
		ver = uint16(n)
	}
	if err := setApp(st, "tls", o.Name); err != nil {
		return err
	}
	st.r.TLSVersion = ver
	return nil
}

func setSticky(st *state, buf, app string, o Option) error {
	buf = canonicalBuffer(buf)
	if err := noValue(o); err != nil {
		return err
	}
	if err := setApp(st, app, o.Name); err != nil {
		return err
	}
	st.buf, st.transforms = buf, nil
	return nil
}

func setTransform(st *state, name string, o Option) error {
	if st.buf == BufferPacket {
		return fmt.Errorf("transform needs a sticky buffer before it")
	}
	st.transforms = append(st.transforms, name)
	return nil
}

func (st *state) add(m *Match) {
	m.Buffer = st.buf
	m.Transforms = st.transforms
	// A relative keyword after a legacy-modified content (uricontent,
	// content + http_uri…) belongs to that content's buffer, as in
	// Suricata, where it joins the list of the previous match.
	if st.buf == BufferPacket && len(st.r.Matches) > 0 && m.isRelative() {
		if prev := st.r.Matches[len(st.r.Matches)-1]; prev.Buffer != BufferPacket {
			m.Buffer, m.Transforms = prev.Buffer, prev.Transforms
		}
	}
	m.OptionIndex = st.optIndex
	st.r.Matches = append(st.r.Matches, m)
}

func (m *Match) isRelative() bool {
	switch m.Kind {
	case MatchPCRE:
		return m.PCRE != nil && m.PCRE.Relative
	case MatchByteTest, MatchByteJump, MatchByteExtract:
		return m.Byte != nil && m.Byte.Relative
	case MatchIsDataAt:
		return m.IsDataAt != nil && m.IsDataAt.Relative
	}
	return false
}

// lastContent returns the content the next modifier applies to: the last
// content in the current sticky buffer, or the last content in the rule
// when no sticky buffer is active (legacy modifiers may have moved it).
func (st *state) lastContent(kw string) (*Match, error) {
	for i := len(st.r.Matches) - 1; i >= 0; i-- {
		m := st.r.Matches[i]
		if m.Kind != MatchContent {
			continue
		}
		if st.buf != BufferPacket && m.Buffer != st.buf {
			break
		}
		return m, nil
	}
	return nil, fmt.Errorf("needs a preceding content option")
}

func setContent(st *state, o Option) error {
	if err := needValue(o); err != nil {
		return err
	}
	v := o.Value
	c := &Content{}
	if strings.HasPrefix(v, "!") {
		c.Negated = true
		v = strings.TrimSpace(v[1:])
	}
	pat, err := decodeContent(v)
	if err != nil {
		return err
	}
	c.Pattern = pat
	st.add(&Match{Kind: MatchContent, Content: c})
	return nil
}

// decodeContent decodes a quoted content value: |hex| runs and \" \\ \; \:
// escapes.
func decodeContent(v string) ([]byte, error) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return nil, fmt.Errorf("value must be in double quotes")
	}
	v = v[1 : len(v)-1]
	out := make([]byte, 0, len(v))
	hex := false
	var nib int = -1
	for i := 0; i < len(v); i++ {
		ch := v[i]
		if hex {
			switch {
			case ch == '|':
				if nib >= 0 {
					return nil, fmt.Errorf("odd number of hex digits in |..|")
				}
				hex = false
			case ch == ' ' || ch == '\t':
				if nib >= 0 {
					return nil, fmt.Errorf("hex byte split by a blank in |..|")
				}
			case HexDigit(ch) >= 0:
				if nib < 0 {
					nib = HexDigit(ch)
				} else {
					out = append(out, byte(nib<<4|HexDigit(ch)))
					nib = -1
				}
			default:
				return nil, fmt.Errorf("invalid hex character %q in |..|", ch)
			}
			continue
		}
		switch ch {
		case '|':
			hex = true
		case '\\':
			if i+1 >= len(v) {
				return nil, fmt.Errorf("trailing backslash")
			}
			i++
			switch v[i] {
			case '\\', '"', ';', ':', '|':
				out = append(out, v[i])
			default:
				return nil, fmt.Errorf(`invalid escape \%c (only \\, \", \;, \: and \| are valid; use |XX| hex)`, v[i])
			}
		case '"':
			return nil, fmt.Errorf(`unescaped '"' inside the pattern (write \" or |22|)`)
		default:
			out = append(out, ch)
		}
	}
	if hex {
		return nil, fmt.Errorf("unterminated hex |..|")
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty pattern")
	}
	return out, nil
}

// HexDigit returns the value of hex digit c, or -1 (shared with the
// matcher's url_decode transform).
func HexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func setFlagMod(st *state, name string, o Option) error {
	if err := noValue(o); err != nil {
		return err
	}
	m, err := st.lastContent(name)
	if err != nil {
		return err
	}
	c := m.Content
	var f *bool
	switch name {
	case "nocase":
		f = &c.Nocase
	case "rawbytes":
		f = &c.Rawbytes
	case "startswith":
		f = &c.Startswith
	case "endswith":
		f = &c.Endswith
	}
	if *f {
		return fmt.Errorf("used twice on the same content")
	}
	*f = true
	return nil
}

func (st *state) parseNum(s string) (Num, error) {
	s = strings.TrimSpace(s)
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return Num{Set: true, Val: v}, nil
	}
	if s != "" && isIdent(s) {
		if !contains(st.vars, s) {
			return Num{}, fmt.Errorf("unknown byte_extract variable %q", s)
		}
		return Num{Set: true, Var: s}, nil
	}
	return Num{}, fmt.Errorf("bad value %q (want an integer or a byte_extract variable)", s)
}

func isIdent(s string) bool {
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func setNumMod(st *state, name string, o Option) error {
	if err := needValue(o); err != nil {
		return err
	}
	m, err := st.lastContent(name)
	if err != nil {
		return err
	}
	n, err := st.parseNum(o.Value)
	if err != nil {
		return err
	}
	c := m.Content
	var f *Num
	switch name {
	case "offset":
		f = &c.Offset
	case "depth":
		f = &c.Depth
	case "distance":
		f = &c.Distance
	case "within":
		f = &c.Within
	}
	if f.Set {
		return fmt.Errorf("used twice on the same content")
	}
	if n.Var == "" && n.Val < 0 && name != "distance" {
		return fmt.Errorf("negative value %d", n.Val)
	}
	if n.Var == "" && n.Val == 0 && (name == "depth" || name == "within") {
		return fmt.Errorf("value 0 can never match")
	}
	*f = n
	return nil
}

func setFastPattern(st *state, o Option) error {
	m, err := st.lastContent("fast_pattern")
	if err != nil {
		return err
	}
	if st.fastSeen {
		return fmt.Errorf("can be set on only one content per rule")
	}
	st.fastSeen = true
	c := m.Content
	c.FastPattern = true
	switch v := o.Value; {
	case !o.HasValue || v == "":
	case v == "only":
		c.FastPatternOnly = true
	default:
		a, b, ok := strings.Cut(v, ",")
		off, e1 := strconv.Atoi(strings.TrimSpace(a))
		l, e2 := strconv.Atoi(strings.TrimSpace(b))
		if !ok || e1 != nil || e2 != nil || off < 0 || l <= 0 {
			return fmt.Errorf("bad value %q (want only or offset,length)", v)
		}
		if off+l > len(c.Pattern) {
			return fmt.Errorf("offset %d + length %d exceeds the content length %d", off, l, len(c.Pattern))
		}
		c.FPOffset, c.FPLen = off, l
	}
	return nil
}

// setLegacy handles a legacy content modifier (http_uri …): it moves the
// preceding content into the buffer.
func setLegacy(st *state, buf, app string, o Option) error {
	buf = canonicalBuffer(buf)
	if err := noValue(o); err != nil {
		return err
	}
	if st.buf != BufferPacket {
		return fmt.Errorf("content modifier cannot follow the sticky buffer %s (use %s; before the content instead)", st.buf, buf)
	}
	m, err := st.lastContent(o.Name)
	if err != nil {
		return err
	}
	if m.Buffer != BufferPacket {
		return fmt.Errorf("content already modified to %s", m.Buffer)
	}
	if err := setApp(st, app, o.Name); err != nil {
		return err
	}
	m.Buffer = buf
	return nil
}

// pcreBuffers maps pcre buffer flags to sticky buffers.
var pcreBuffers = map[byte]string{
	'U': "http.uri", 'I': "http.uri.raw", 'P': "http.request_body", 'Q': "file.data",
	'H': "http.header", 'D': "http.header.raw", 'M': "http.method", 'C': "http.cookie",
	'S': "http.stat_code", 'Y': "http.stat_msg", 'V': "http.user_agent", 'W': "http.host",
	'Z': "http.host.raw",
}

func setPCRE(st *state, o Option) error {
	if err := needValue(o); err != nil {
		return err
	}
	v := o.Value
	pc := &PCRE{}
	if strings.HasPrefix(v, "!") {
		pc.Negated = true
		v = strings.TrimSpace(v[1:])
	}
	// Suricata also takes the regex unquoted (pcre:/one/U;).
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	} else if len(v) == 0 || v[0] != '/' {
		return fmt.Errorf("value must be in double quotes")
	}
	end := strings.LastIndexByte(v, '/')
	if len(v) < 2 || v[0] != '/' || end <= 0 {
		return fmt.Errorf(`want "/regex/flags"`)
	}
	pc.Pattern, pc.Flags = v[1:end], v[end+1:]
	if pc.Pattern == "" {
		return fmt.Errorf("empty regex")
	}
	buf := ""
	for i := 0; i < len(pc.Flags); i++ {
		f := pc.Flags[i]
		switch f {
		case 'i':
			pc.Caseless = true
		case 'm':
			pc.Multiline = true
		case 's':
			pc.DotAll = true
		case 'x':
			pc.Extended = true
		case 'A':
			pc.Anchored = true
		case 'E':
			pc.DollarEndOnly = true
		case 'G':
			pc.Ungreedy = true
		case 'R':
			pc.Relative = true
		case 'B':
			pc.Rawbytes = true
		case 'O':
			pc.MatchLimit = true
		default:
			b, ok := pcreBuffers[f]
			if !ok {
				return fmt.Errorf("unknown regex flag %q", f)
			}
			if buf != "" {
				return fmt.Errorf("regex flags name two buffers (%s and %s)", buf, b)
			}
			buf = b
		}
	}
	m := &Match{Kind: MatchPCRE, PCRE: pc}
	// In HTTP, file.data is the response body: Q inside http.response_body
	// is the same buffer.
	buf = canonicalBuffer(buf)
	if buf != "" {
		if st.buf != BufferPacket && st.buf != buf {
			return fmt.Errorf("buffer flag in %q names %s but the sticky buffer %s is active (reset it with pkt_data or drop the flag)", pc.Flags, buf, st.buf)
		}
		if err := setApp(st, "http", "pcre/"+pc.Flags); err != nil {
			return err
		}
		st.add(m)
		m.Buffer, m.Transforms = buf, nil
		return nil
	}
	st.add(m)
	return nil
}

func setByte(st *state, kind MatchKind, o Option) error {
	if err := needValue(o); err != nil {
		return err
	}
	parts := strings.Split(o.Value, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	b := &ByteOp{}
	min := map[MatchKind]int{MatchByteTest: 4, MatchByteJump: 2, MatchByteExtract: 3}[kind]
	if len(parts) < min {
		return fmt.Errorf("needs at least %d comma-separated fields, got %d", min, len(parts))
	}
	n, err := strconv.Atoi(parts[0])
	// 0 is allowed with "string": the number runs to the end of the buffer.
	if err != nil || n < 0 || n > 23 {
		return fmt.Errorf("bad byte count %q (want 1-8, or 0-23 with string)", parts[0])
	}
	b.Bytes = n
	rest := parts
	switch kind {
	case MatchByteTest:
		op := parts[1]
		neg := strings.HasPrefix(op, "!")
		switch strings.TrimPrefix(op, "!") {
		case "<", ">", "=", "<=", ">=", "&", "^":
		default:
			return fmt.Errorf("bad operator %q (want [!]<, >, =, <=, >=, &, ^)", op)
		}
		if neg && op == "!" {
			return fmt.Errorf("bad operator %q", op)
		}
		b.Op = op
		if b.Value, err = st.parseNumAny(parts[2]); err != nil {
			return err
		}
		if b.Offset, err = st.parseNum(parts[3]); err != nil {
			return err
		}
		rest = parts[4:]
	case MatchByteJump:
		if b.Offset, err = st.parseNum(parts[1]); err != nil {
			return err
		}
		rest = parts[2:]
	case MatchByteExtract:
		if b.Offset, err = st.parseNum(parts[1]); err != nil {
			return err
		}
		if !isIdent(parts[2]) {
			return fmt.Errorf("bad variable name %q", parts[2])
		}
		b.Name = parts[2]
		rest = parts[3:]
	}
	for _, f := range rest {
		key, val, _ := strings.Cut(f, " ")
		val = strings.TrimSpace(val)
		switch key {
		case "relative":
			b.Relative = true
		case "big", "little", "dce":
			if b.Endian != "" {
				return fmt.Errorf("two endianness flags (%s and %s)", b.Endian, key)
			}
			b.Endian = key
		case "string":
			if b.String == "" {
				b.String = "dec"
			}
		case "hex", "dec", "oct":
			b.String = key
		case "align":
			b.Align = true
		case "from_beginning":
			b.FromBeginning = true
		case "from_end":
			b.FromEnd = true
		case "multiplier":
			if b.Multiplier, err = strconv.ParseInt(val, 10, 64); err != nil {
				return fmt.Errorf("bad multiplier %q", val)
			}
		case "post_offset":
			if b.PostOffset, err = strconv.ParseInt(val, 10, 64); err != nil {
				return fmt.Errorf("bad post_offset %q", val)
			}
		case "bitmask":
			if b.Bitmask, err = strconv.ParseUint(strings.TrimPrefix(strings.ToLower(val), "0x"), 16, 64); err != nil {
				return fmt.Errorf("bad bitmask %q", val)
			}
		default:
			return fmt.Errorf("unknown flag %q", f)
		}
		b.Flags = append(b.Flags, f)
	}
	// byte_jump:0 (ET uses it with post_offset) jumps by post_offset only.
	if b.String == "" && (b.Bytes > 8 || b.Bytes == 0 && kind != MatchByteJump) {
		return fmt.Errorf("byte count %d needs the string flag (binary numbers are 1-8 bytes)", b.Bytes)
	}
	if kind == MatchByteExtract {
		st.vars = append(st.vars, b.Name)
	}
	st.add(&Match{Kind: kind, Byte: b})
	return nil
}

// parseNumAny is parseNum that also accepts hex (0x..) literals, as
// byte_test values do.
func (st *state) parseNumAny(s string) (Num, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		v, err := strconv.ParseUint(s[2:], 16, 64)
		if err != nil {
			return Num{}, fmt.Errorf("bad value %q", s)
		}
		return Num{Set: true, Val: int64(v)}, nil
	}
	return st.parseNum(s)
}

func setIsDataAt(st *state, o Option) error {
	if err := needValue(o); err != nil {
		return err
	}
	parts := strings.Split(o.Value, ",")
	d := &IsDataAt{}
	first := strings.TrimSpace(parts[0])
	if strings.HasPrefix(first, "!") {
		d.Negated, first = true, strings.TrimSpace(first[1:])
	}
	var err error
	if d.Offset, err = st.parseNum(first); err != nil {
		return err
	}
	for _, f := range parts[1:] {
		switch strings.TrimSpace(f) {
		case "relative":
			d.Relative = true
		case "rawbytes":
			d.RawBytes = true
		default:
			return fmt.Errorf("unknown flag %q (want relative or rawbytes)", strings.TrimSpace(f))
		}
	}
	st.add(&Match{Kind: MatchIsDataAt, IsDataAt: d})
	return nil
}

// parseIntMatch parses Suricata's unsigned-integer syntax: N, =N, !N, !=N,
// <N, >N, <=N, >=N, N<>M, N-M.
func parseIntMatch(s string) (*IntMatch, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("bad value %q (want N, <N, >N, <=N, >=N, !N or N<>M)", s)
	if a, b, ok := strings.Cut(s, "<>"); ok {
		lo, e1 := strconv.ParseUint(strings.TrimSpace(a), 10, 64)
		hi, e2 := strconv.ParseUint(strings.TrimSpace(b), 10, 64)
		if e1 != nil || e2 != nil || hi <= lo+1 {
			return nil, bad
		}
		return &IntMatch{Op: "<>", Val: lo, Max: hi}, nil
	}
	if a, b, ok := strings.Cut(s, "-"); ok && a != "" {
		lo, e1 := strconv.ParseUint(strings.TrimSpace(a), 10, 64)
		hi, e2 := strconv.ParseUint(strings.TrimSpace(b), 10, 64)
		if e1 != nil || e2 != nil || hi <= lo+1 {
			return nil, bad
		}
		return &IntMatch{Op: "<>", Val: lo, Max: hi}, nil
	}
	op := "="
	for _, p := range []string{"<=", ">=", "!=", "<", ">", "=", "!"} {
		if strings.HasPrefix(s, p) {
			op, s = p, strings.TrimSpace(s[len(p):])
			break
		}
	}
	if op == "!" {
		op = "!="
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return nil, bad
	}
	return &IntMatch{Op: op, Val: v}, nil
}

func setIntMatch(dst **IntMatch, o Option) error {
	if *dst != nil {
		return fmt.Errorf("used twice")
	}
	m, err := parseIntMatch(o.Value)
	if err != nil {
		return err
	}
	*dst = m
	return nil
}

func setBsize(st *state, o Option) error {
	if st.buf == BufferPacket {
		return fmt.Errorf("needs a sticky buffer before it")
	}
	m, err := parseIntMatch(o.Value)
	if err != nil {
		return err
	}
	st.add(&Match{Kind: MatchBsize, Size: m})
	return nil
}

// setUrilen maps urilen:N[,raw|norm] to a size check on http.uri(.raw).
func setUrilen(st *state, o Option) error {
	v, mode, _ := strings.Cut(o.Value, ",")
	buf := "http.uri"
	switch strings.TrimSpace(mode) {
	case "", "norm":
	case "raw":
		buf = "http.uri.raw"
	default:
		return fmt.Errorf("bad mode %q (want raw or norm)", mode)
	}
	m, err := parseIntMatch(v)
	if err != nil {
		return err
	}
	if err := setApp(st, "http", "urilen"); err != nil {
		return err
	}
	st.r.Matches = append(st.r.Matches, &Match{Kind: MatchBsize, Buffer: buf, Size: m, OptionIndex: st.optIndex})
	return nil
}

func setFlags(st *state, o Option) error {
	if err := needValue(o); err != nil {
		return err
	}
	flags, _, _ := strings.Cut(o.Value, ",")
	for _, c := range strings.TrimSpace(flags) {
		if !strings.ContainsRune("FSRPAUCEN012+*!=", c) {
			return fmt.Errorf("bad TCP flag %q in %q", c, o.Value)
		}
	}
	st.r.TCPFlags = o.Value
	return nil
}

func setBase64Decode(st *state, o Option) error {
	d := &Base64Decode{}
	if o.HasValue && o.Value != "" {
		for _, f := range strings.Split(o.Value, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(f), " ")
			var err error
			switch k {
			case "bytes":
				d.Bytes, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			case "offset":
				d.Offset, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			case "relative":
				d.Relative = true
			default:
				return fmt.Errorf("unknown field %q (want bytes, offset, relative)", k)
			}
			if err != nil {
				return fmt.Errorf("bad %s value %q", k, v)
			}
		}
	}
	st.add(&Match{Kind: MatchBase64Decode, Base64: d})
	return nil
}

func setFlow(st *state, o Option) error {
	if err := needValue(o); err != nil {
		return err
	}
	f := &st.r.Flow
	for _, p := range strings.Split(o.Value, ",") {
		switch strings.TrimSpace(p) {
		case "established":
			f.Established = true
		case "not_established":
			f.NotEstablished = true
		case "stateless":
			f.Stateless = true
		case "to_server", "from_client":
			f.ToServer = true
		case "to_client", "from_server":
			f.ToClient = true
		case "only_stream":
			f.OnlyStream = true
		case "no_stream":
			f.NoStream = true
		case "only_frag":
			f.OnlyFrag = true
		case "no_frag":
			f.NoFrag = true
		default:
			return fmt.Errorf("unknown flow option %q", strings.TrimSpace(p))
		}
	}
	n := 0
	for _, b := range []bool{f.Established, f.NotEstablished, f.Stateless} {
		if b {
			n++
		}
	}
	switch {
	case n > 1:
		return fmt.Errorf("conflicting options in %q (established, not_established and stateless exclude each other)", o.Value)
	case f.ToServer && f.ToClient:
		return fmt.Errorf("conflicting options in %q (to_server and to_client)", o.Value)
	case f.OnlyStream && f.NoStream:
		return fmt.Errorf("conflicting options in %q (only_stream and no_stream)", o.Value)
	case f.OnlyFrag && f.NoFrag:
		return fmt.Errorf("conflicting options in %q (only_frag and no_frag)", o.Value)
	}
	return nil
}

func setFlowbits(st *state, o Option) error {
	if err := needValue(o); err != nil {
		return err
	}
	cmd, names, _ := strings.Cut(o.Value, ",")
	fb := Flowbit{Cmd: FlowbitCmd(strings.TrimSpace(cmd))}
	names = strings.TrimSpace(names)
	switch fb.Cmd {
	case FlowbitNoalert:
		if names != "" {
			return fmt.Errorf("noalert takes no name")
		}
		st.r.Noalert = true
		st.r.Flowbits = append(st.r.Flowbits, fb)
		return nil
	case FlowbitSet, FlowbitUnset, FlowbitIsset, FlowbitIsnotset, FlowbitToggle:
	default:
		return fmt.Errorf("unknown command %q (want set, unset, isset, isnotset, toggle or noalert)", cmd)
	}
	if names == "" {
		return fmt.Errorf("%s needs a flowbit name", fb.Cmd)
	}
	sep := "&"
	if strings.Contains(names, "|") {
		sep, fb.Or = "|", true
		if fb.Cmd != FlowbitIsset && fb.Cmd != FlowbitIsnotset {
			return fmt.Errorf("'|' (any of) works only with isset and isnotset")
		}
	}
	for _, n := range strings.Split(names, sep) {
		n = strings.TrimSpace(n)
		if n == "" || strings.ContainsAny(n, " \t,&|") {
			return fmt.Errorf("bad flowbit name %q", n)
		}
		fb.Names = append(fb.Names, n)
	}
	st.r.Flowbits = append(st.r.Flowbits, fb)
	return nil
}

func setThreshold(st *state, dst **Threshold, o Option, needType bool) error {
	if *dst != nil {
		return fmt.Errorf("used twice")
	}
	t := &Threshold{}
	var haveCount, haveSeconds bool
	for _, p := range strings.Split(o.Value, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), " ")
		v = strings.TrimSpace(v)
		switch k {
		case "type":
			if !needType {
				return fmt.Errorf("takes no type")
			}
			switch v {
			case "limit", "threshold", "both", "backoff":
				t.Type = v
			default:
				return fmt.Errorf("bad type %q (want limit, threshold or both)", v)
			}
		case "track":
			switch v {
			case "by_src", "by_dst", "by_rule", "by_both", "by_flow":
				t.Track = v
			default:
				return fmt.Errorf("bad track %q (want by_src, by_dst, by_rule, by_both or by_flow)", v)
			}
		case "count", "seconds":
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				return fmt.Errorf("bad %s %q", k, v)
			}
			if k == "count" {
				t.Count, haveCount = uint32(n), true
			} else {
				t.Seconds, haveSeconds = uint32(n), true
			}
		default:
			return fmt.Errorf("unknown field %q (want type, track, count, seconds)", k)
		}
	}
	switch {
	case needType && t.Type == "":
		return fmt.Errorf("missing type")
	case t.Track == "":
		return fmt.Errorf("missing track")
	case !haveCount:
		return fmt.Errorf("missing count")
	case !haveSeconds:
		return fmt.Errorf("missing seconds")
	}
	*dst = t
	return nil
}

func setAppLayerProtocol(st *state, o Option) error {
	if err := needValue(o); err != nil {
		return err
	}
	v, _, _ := strings.Cut(o.Value, ",")
	a := &AppLayerProtocol{}
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "!") {
		a.Negated, v = true, strings.TrimSpace(v[1:])
	}
	if v == "" {
		return fmt.Errorf("needs a protocol name")
	}
	a.Name = v
	st.r.AppLayerProtocol = a
	return nil
}

// finish runs the whole-rule checks Suricata makes after all options.
func (st *state) finish() error {
	r := st.r
	if r.SID == 0 {
		return fmt.Errorf("rule has no sid")
	}
	prev := map[string]*Match{} // last content/pcre per buffer
	for _, m := range r.Matches {
		switch m.Kind {
		case MatchContent:
			c := m.Content
			if err := checkContent(c, prev[m.Buffer]); err != nil {
				return fmt.Errorf("content %q: %v", clip(string(c.Pattern)), err)
			}
			prev[m.Buffer] = m
		case MatchPCRE:
			if err := m.PCRE.compileCheck(); err != nil {
				return &RuleError{SID: r.SID, Keywords: []string{"pcre"},
					Msg: fmt.Sprintf("pcre %q: unsupported by the regex engine (regexp2): %v", clip(m.PCRE.Pattern), err)}
			}
			if m.PCRE.Relative && m.Buffer == BufferPacket && prev[m.Buffer] == nil {
				return fmt.Errorf("pcre with /R (relative) needs a preceding match in the same buffer")
			}
			prev[m.Buffer] = m
		}
	}
	return nil
}

func checkContent(c *Content, prev *Match) error {
	n := int64(len(c.Pattern))
	abs := c.Offset.Set || c.Depth.Set
	switch {
	case abs && c.Relative():
		return fmt.Errorf("relative (distance/within) and absolute (offset/depth) modifiers on the same content")
	case c.Startswith && (abs || c.Relative()):
		return fmt.Errorf("startswith cannot be combined with offset, depth, distance or within")
	case c.Depth.Set && c.Depth.Var == "" && c.Depth.Val < n:
		return fmt.Errorf("depth %d is smaller than the content length %d; the rule can never match", c.Depth.Val, n)
	case c.Within.Set && c.Within.Var == "" && c.Within.Val < n:
		return fmt.Errorf("within %d is smaller than the content length %d; the rule can never match", c.Within.Val, n)
	case c.FastPatternOnly && c.Negated:
		return fmt.Errorf("fast_pattern:only cannot be used on a negated content")
	case c.FastPatternOnly && (abs || c.Relative()):
		return fmt.Errorf("fast_pattern:only cannot be combined with offset, depth, distance or within")
	case c.Relative() && prev != nil && prev.Kind == MatchContent && prev.Content.FastPatternOnly:
		return fmt.Errorf("relative to a fast_pattern:only content")
	case c.FastPattern && c.Negated && (abs || c.Relative()):
		return fmt.Errorf("fast_pattern cannot be used on a negated content with positional modifiers")
	}
	return nil
}
