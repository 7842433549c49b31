package rules

import (
	"fmt"
	"strconv"
	"strings"
)

// RuleError is why a rule was not loaded. Error() gives
// "file:line: sid N: reason" (parts omitted when unknown).
type RuleError struct {
	File string
	Line int
	SID  uint32
	// Keywords lists the unsupported or unknown keywords that made the rule
	// skipped; empty for syntax and semantic errors.
	Keywords []string
	Msg      string
}

func (e *RuleError) Error() string {
	var b strings.Builder
	if e.File != "" {
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	}
	if e.SID != 0 {
		fmt.Fprintf(&b, "sid %d: ", e.SID)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Parser parses rules against one set of variables, caching compiled
// address and port groups so rules using the same expression share one
// compiled set (ET Open uses a few dozen distinct expressions). Not safe for
// concurrent use.
type Parser struct {
	vars    *Vars
	classes map[string]Classification // nil: classtypes not checked
	addrs   map[string]addrResult
	ports   map[string]portResult
}

type addrResult struct {
	s   *AddrSet
	err error
}
type portResult struct {
	s   *PortSet
	err error
}

// NewParser returns a Parser using v (nil means DefaultVars()).
func NewParser(v *Vars) *Parser {
	if v == nil {
		v = DefaultVars()
	}
	return &Parser{vars: v, addrs: map[string]addrResult{}, ports: map[string]portResult{}}
}

// ParseRule parses one rule (already joined if it spanned lines) with the
// default variables. It returns a *RuleError on failure.
func ParseRule(text string) (*Rule, error) { return NewParser(nil).Parse(text) }

func (p *Parser) addr(expr string) (*AddrSet, error) {
	if r, ok := p.addrs[expr]; ok {
		return r.s, r.err
	}
	s, err := ParseAddrGroup(expr, p.vars)
	p.addrs[expr] = addrResult{s, err}
	return s, err
}

func (p *Parser) port(expr string) (*PortSet, error) {
	if r, ok := p.ports[expr]; ok {
		return r.s, r.err
	}
	s, err := ParsePortGroup(expr, p.vars)
	p.ports[expr] = portResult{s, err}
	return s, err
}

var actions = map[string]Action{
	"alert": ActionAlert, "drop": ActionDrop, "reject": ActionReject,
	"rejectsrc": ActionRejectSrc, "rejectdst": ActionRejectDst,
	"rejectboth": ActionRejectBoth, "pass": ActionPass,
}

// protocols maps header protocols to (transport, app-layer protocol).
var protocols = map[string][2]string{
	"ip": {"", ""}, "ipv4": {"", ""}, "ipv6": {"", ""}, "any": {"", ""}, "pkthdr": {"", ""},
	"tcp": {"tcp", ""}, "tcp-pkt": {"tcp", ""}, "tcp-stream": {"tcp", ""},
	"udp": {"udp", ""}, "icmp": {"icmp", ""}, "icmpv4": {"icmp", ""}, "icmpv6": {"icmpv6", ""},
	"sctp": {"sctp", ""},
	"http": {"tcp", "http"}, "http1": {"tcp", "http1"}, "http2": {"tcp", "http2"},
	"tls": {"tcp", "tls"}, "ssh": {"tcp", "ssh"}, "smtp": {"tcp", "smtp"},
	"ftp": {"tcp", "ftp"}, "ftp-data": {"tcp", "ftp-data"}, "smb": {"tcp", "smb"},
	"dcerpc": {"", "dcerpc"}, "imap": {"tcp", "imap"}, "pop3": {"tcp", "pop3"},
	"rdp": {"tcp", "rdp"}, "rfb": {"tcp", "rfb"}, "mqtt": {"tcp", "mqtt"},
	"modbus": {"tcp", "modbus"}, "dnp3": {"tcp", "dnp3"}, "websocket": {"tcp", "websocket"},
	"pgsql": {"tcp", "pgsql"}, "telnet": {"tcp", "telnet"}, "irc": {"tcp", "irc"},
	"dns": {"", "dns"}, "quic": {"udp", "quic"}, "dhcp": {"udp", "dhcp"},
	"krb5": {"", "krb5"}, "snmp": {"udp", "snmp"}, "sip": {"", "sip"},
	"nfs": {"", "nfs"}, "tftp": {"udp", "tftp"}, "ntp": {"udp", "ntp"},
	"ike": {"udp", "ike"}, "ikev2": {"udp", "ike"}, "enip": {"", "enip"},
	"ldap": {"", "ldap"}, "doh2": {"tcp", "doh2"}, "bittorrent-dht": {"udp", "bittorrent-dht"},
	"mdns": {"udp", "mdns"},
}

// Parse parses one rule. On failure the error is a *RuleError; File and
// Line are left for the caller to fill.
func (p *Parser) Parse(text string) (*Rule, error) {
	r, err := p.parse(text)
	if err != nil {
		re, ok := err.(*RuleError)
		if !ok {
			re = &RuleError{Msg: err.Error()}
		}
		if re.SID == 0 && r != nil {
			re.SID = r.SID
		}
		return nil, re
	}
	return r, nil
}

func (p *Parser) parse(text string) (*Rule, error) {
	text = strings.TrimSpace(text)
	open := strings.IndexByte(text, '(')
	if open < 0 {
		return nil, fmt.Errorf("no option list: a rule is `action proto src sport -> dst dport (options)`")
	}
	if !strings.HasSuffix(text, ")") {
		return nil, fmt.Errorf("rule does not end with ')'")
	}
	r := &Rule{GID: 1}
	opts, err := splitOptions(text[open+1 : len(text)-1])
	// Find the sid first so every later message can name it.
	for _, o := range opts {
		if o.Name == "sid" {
			if v, e := strconv.ParseUint(o.Value, 10, 32); e == nil {
				r.SID = uint32(v)
			}
		}
	}
	if err != nil {
		return r, err
	}
	hdr, err := splitHeader(text[:open])
	if err != nil {
		return r, err
	}
	if len(hdr) != 7 {
		return r, fmt.Errorf("header has %d fields, want 7: action proto src sport -> dst dport", len(hdr))
	}
	act, ok := actions[strings.ToLower(hdr[0])]
	if !ok {
		return r, fmt.Errorf("unknown action %q (want alert, drop, reject, rejectsrc, rejectdst, rejectboth or pass)", hdr[0])
	}
	r.Action = act
	r.Proto = strings.ToLower(hdr[1])
	pr, ok := protocols[r.Proto]
	if !ok {
		return r, fmt.Errorf("unknown protocol %q", hdr[1])
	}
	r.Transport, r.AppProto = pr[0], pr[1]
	switch hdr[4] {
	case "->":
	case "<>":
		r.Bidirectional = true
	default:
		return r, fmt.Errorf("bad direction %q (want -> or <>)", hdr[4])
	}
	r.SrcExpr, r.SrcPortExpr, r.DstExpr, r.DstPortExpr = hdr[2], hdr[3], hdr[5], hdr[6]
	if r.Src, err = p.addr(r.SrcExpr); err != nil {
		return r, fmt.Errorf("source address: %v", err)
	}
	if r.SrcPorts, err = p.port(r.SrcPortExpr); err != nil {
		return r, fmt.Errorf("source port: %v", err)
	}
	if r.Dst, err = p.addr(r.DstExpr); err != nil {
		return r, fmt.Errorf("destination address: %v", err)
	}
	if r.DstPorts, err = p.port(r.DstPortExpr); err != nil {
		return r, fmt.Errorf("destination port: %v", err)
	}
	r.Options = opts

	// Unsupported and unknown keywords first: the rule is skipped as a whole
	// and every offending keyword is counted.
	var bad []string
	unknown := false
	for _, o := range opts {
		kw, ok := keywords[o.Name]
		if !ok {
			unknown = true
		}
		if !ok || !kw.supported {
			if !contains(bad, o.Name) {
				bad = append(bad, o.Name)
			}
		}
	}
	if len(bad) > 0 {
		what := "unsupported keyword"
		if unknown {
			what = "unsupported or unknown keyword"
		}
		if len(bad) > 1 {
			what += "s"
		}
		q := make([]string, len(bad))
		for i, b := range bad {
			q[i] = strconv.Quote(b)
		}
		return r, &RuleError{SID: r.SID, Keywords: bad, Msg: what + " " + strings.Join(q, ", ")}
	}

	st := &state{r: r, buf: BufferPacket}
	for i, o := range opts {
		st.optIndex = i
		if err := keywords[o.Name].setup(st, o); err != nil {
			return r, fmt.Errorf("%s: %v", o.Name, err)
		}
	}
	if err := st.finish(); err != nil {
		return r, err
	}
	if p.classes != nil && r.Classtype != "" {
		if _, ok := p.classes[r.Classtype]; !ok {
			return r, fmt.Errorf("classtype: unknown classtype %q (not in classification.config)", r.Classtype)
		}
	}
	return r, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// splitHeader splits on blanks outside brackets, so "[1.2.3.4, 5.6.7.8]"
// stays one field.
func splitHeader(s string) ([]string, error) {
	var out []string
	depth, start := 0, -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '[':
			depth++
		case c == ']':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("header: unbalanced ']'")
			}
		}
		blank := c == ' ' || c == '\t' || c == '\r' || c == '\n'
		if blank && depth == 0 {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("header: unbalanced '['")
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	for i, f := range out {
		out[i] = strings.Join(strings.Fields(f), "")
	}
	return out, nil
}

// splitOptions splits the option list on unescaped ';' as Suricata does
// (quotes do not protect ';': it must be written \; or |3B|).
func splitOptions(s string) ([]Option, error) {
	// Size the slice exactly: rules are kept for the process lifetime and
	// append's doubling wasted a quarter of the ruleset's memory.
	opts := make([]Option, 0, strings.Count(s, ";"))
	i := 0
	for {
		for i < len(s) && isBlank(s[i]) {
			i++
		}
		if i >= len(s) {
			return opts, nil
		}
		start := i
		for i < len(s) && s[i] != ':' && s[i] != ';' {
			i++
		}
		name := strings.TrimSpace(s[start:i])
		if name == "" {
			return opts, fmt.Errorf("empty option at %q", clip(s[start:]))
		}
		if strings.ContainsAny(name, " \t\"()") {
			return opts, fmt.Errorf("bad option name %q (a missing ';' before it?)", clip(name))
		}
		if i >= len(s) {
			return opts, fmt.Errorf("option %q is not terminated by ';'", name)
		}
		o := Option{Name: name}
		if s[i] == ':' {
			i++
			vs := i
			for i < len(s) && s[i] != ';' {
				if s[i] == '\\' {
					i++
				}
				i++
			}
			if i >= len(s) {
				return opts, fmt.Errorf("option %q is not terminated by ';'", name)
			}
			o.Value, o.HasValue = strings.TrimSpace(s[vs:i]), true
		}
		i++ // ';'
		opts = append(opts, o)
	}
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// unquote removes surrounding double quotes (required when want is true)
// and resolves \" \\ \; \: escapes.
func unquote(v string, want bool) (string, error) {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	} else if want {
		return "", fmt.Errorf("value must be in double quotes")
	}
	if !strings.Contains(v, `\`) {
		return v, nil
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String(), nil
}
