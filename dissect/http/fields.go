package http

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// maxRuleHeaders bounds the header fields of one head that the rule
// buffers consider (libhtp's own limit is higher; 256 keeps the
// duplicate-merging below, which is quadratic, under 33k comparisons).
const maxRuleHeaders = 256

// inspectRec is what the parser offers to the signature engine for one
// transaction: the request and/or response heads and the bodies captured
// so far. Its EVE form is the transaction's http object. Everything the
// rule buffers need is derived in RuleFields, so a flow costs nothing more
// than the head copies when no rules are loaded.
type inspectRec struct {
	record
	// side is the direction being inspected: buffers that exist on both
	// sides (http.header, http.protocol, http.cookie, …) take that side's
	// values. Request-only buffers (http.uri, http.user_agent, …) are
	// offered with the response too, so a rule mixing request and
	// response buffers (http.uri with http.stat_code or file.data)
	// matches when the response is inspected.
	side     dissect.Dir
	reqBody  []byte // dechunked, ≤ maxBody; nil when the request has none
	respBody []byte // dechunked, still encoded; nil when none
	s        *ruleScratch
}

var (
	_ dissect.Record = (*inspectRec)(nil)
	_ dissect.Fields = (*inspectRec)(nil)
)

// hline is one header field: its name as sent and its value with
// surrounding white space removed (libhtp's normalisation).
type hline struct{ name, val []byte }

// ruleScratch holds the per-parser buffers RuleFields builds values in;
// they grow to the largest head seen and are reused.
type ruleScratch struct {
	lines []hline // header fields in order (folded lines joined)
	uniq  []hline // one per name (first spelling), values joined ", "
	fold  []byte  // values of folded header fields
	vals  []byte  // merged values
	out   []byte  // the composite buffer being offered
	uri   []byte  // normalised URI
	host  []byte  // lower-cased host
	dec   []byte  // decoded response body
}

// RuleFields implements dissect.Fields with Suricata's HTTP/1 buffers (as
// Suricata 7/8 with libhtp's default IDS personality build them).
func (f *inspectRec) RuleFields(add func(buffer string, value []byte)) {
	s := f.s
	if q := f.req; q != nil {
		line, _ := splitLine(q.head)
		add("http.method", q.get(q.method))
		raw := q.get(q.uri)
		add("http.uri.raw", raw)
		if s.uri = normalizeURI(s.uri[:0], raw, q.isConnect); len(s.uri) > 0 {
			add("http.uri", s.uri)
		}
		add("http.request_line", line)
		s.parseHeaders(q.head)
		// Host: the URI's authority when the request line has one (proxy
		// requests), else the Host header(s).
		host := []byte(nil)
		if q.absolute || q.isConnect {
			host = uriHost(raw, q.isConnect)
		}
		if host == nil {
			host = s.get("host")
		}
		if host != nil {
			add("http.host.raw", host)
			s.host = normalizeHost(s.host[:0], host)
			add("http.host", s.host)
		}
		for _, h := range [...]struct{ buf, name string }{
			{"http.user_agent", "user-agent"}, {"http.accept", "accept"},
			{"http.accept_enc", "accept-encoding"}, {"http.accept_lang", "accept-language"},
			{"http.referer", "referer"}, {"http.connection", "connection"},
		} {
			if v := s.get(h.name); v != nil {
				add(h.buf, v)
			}
		}
		if f.side == dissect.ToServer {
			f.common(add, q.head, line, q.get(q.proto), true)
		}
		if f.reqBody != nil {
			add("http.request_body", f.reqBody)
		}
	}
	if r := f.resp; r != nil && f.side == dissect.ToClient {
		line, _ := splitLine(r.head)
		proto, code, msg := statusParts(line)
		add("http.stat_code", code)
		if len(msg) > 0 {
			add("http.stat_msg", msg)
		}
		add("http.response_line", line)
		s.parseHeaders(r.head)
		if v := s.get("server"); v != nil {
			add("http.server", v)
		}
		if v := s.get("location"); v != nil {
			add("http.location", v)
		}
		f.common(add, r.head, line, proto, false)
		if f.respBody != nil {
			b := f.respBody
			if r.enc != encIdentity {
				var ok bool
				if s.dec, ok = decode(s.dec[:0], b, r.enc); ok {
					b = s.dec
				}
			}
			// http.response_body is the same buffer: rules name both
			// file.data (rules.canonicalBuffer), so it is scanned once.
			add("file.data", b)
		}
	}
}

// common offers the buffers both sides have, from the head just parsed
// into s.
func (f *inspectRec) common(add func(string, []byte), head, line, proto []byte, request bool) {
	s := f.s
	add("http.protocol", proto)
	if v := s.get("content-type"); v != nil {
		add("http.content_type", v)
	}
	if v := s.get("content-length"); v != nil {
		add("http.content_len", v)
	}
	cookie := "set-cookie"
	if request {
		cookie = "cookie"
	}
	if v := s.get(cookie); v != nil {
		add("http.cookie", v)
	}
	if len(s.uniq) > 0 {
		// http.header: "Name: value\r\n" per (merged) field, cookies
		// excluded; no final blank line.
		s.out = s.out[:0]
		for _, h := range s.uniq {
			if eqFold(h.name, cookie) {
				continue
			}
			s.out = appendField(s.out, h)
		}
		if len(s.out) > 0 {
			add("http.header", s.out)
		}
		// http.header_names: "\r\nName\r\n…Name\r\n\r\n".
		s.out = append(s.out[:0], "\r\n"...)
		for _, h := range s.uniq {
			s.out = append(s.out, h.name...)
			s.out = append(s.out, "\r\n"...)
		}
		s.out = append(s.out, "\r\n"...)
		add("http.header_names", s.out)
	}
	// http.header.raw: the header lines as received, up to and including
	// the blank line that ends the head.
	if _, rest := splitLine(head); len(rest) > 2 {
		add("http.header.raw", rest)
	}
	// http.start: start line and normalised fields (cookies included),
	// ending with a blank line.
	s.out = append(s.out[:0], line...)
	s.out = append(s.out, "\r\n"...)
	for _, h := range s.uniq {
		s.out = appendField(s.out, h)
	}
	s.out = append(s.out, "\r\n"...)
	add("http.start", s.out)
}

func appendField(dst []byte, h hline) []byte {
	dst = append(dst, h.name...)
	dst = append(dst, ": "...)
	dst = append(dst, h.val...)
	return append(dst, "\r\n"...)
}

// parseHeaders reads the header fields of head (after its start line)
// into s.lines and s.uniq. As libhtp does: a line starting with white
// space continues the previous field; names lose trailing white space and
// values surrounding white space; repeated fields are joined into the
// first one with ", " (except Content-Length, whose first value stands).
func (s *ruleScratch) parseHeaders(head []byte) {
	s.lines, s.uniq, s.fold, s.vals = s.lines[:0], s.uniq[:0], s.fold[:0], s.vals[:0]
	_, rest := splitLine(head)
	for len(rest) > 0 {
		var line []byte
		line, rest = splitLine(rest)
		if len(line) == 0 {
			break
		}
		if (line[0] == ' ' || line[0] == '\t') && len(s.lines) > 0 {
			last := &s.lines[len(s.lines)-1]
			start := len(s.fold)
			s.fold = append(s.fold, last.val...)
			s.fold = append(s.fold, line...)
			last.val = bytes.TrimSpace(s.fold[start:])
			continue
		}
		c := bytes.IndexByte(line, ':')
		if c <= 0 || len(s.lines) == maxRuleHeaders {
			continue
		}
		name := bytes.TrimRight(line[:c], " \t")
		if len(name) == 0 {
			continue
		}
		s.lines = append(s.lines, hline{name, bytes.TrimSpace(line[c+1:])})
	}
	for i, l := range s.lines {
		dup := false
		for _, u := range s.uniq {
			if bytes.EqualFold(u.name, l.name) {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		start := len(s.vals)
		s.vals = append(s.vals, l.val...)
		if !eqFold(l.name, "content-length") {
			for _, m := range s.lines[i+1:] {
				if bytes.EqualFold(m.name, l.name) {
					s.vals = append(s.vals, ", "...)
					s.vals = append(s.vals, m.val...)
				}
			}
		}
		s.uniq = append(s.uniq, hline{l.name, s.vals[start:len(s.vals):len(s.vals)]})
	}
}

// get returns the merged value of the field with the lower-case name, or
// nil when absent (an empty value is non-nil).
func (s *ruleScratch) get(name string) []byte {
	for _, u := range s.uniq {
		if eqFold(u.name, name) {
			if u.val == nil {
				return []byte{}
			}
			return u.val
		}
	}
	return nil
}

// statusParts splits a status line into protocol, 3-digit code and reason
// phrase (leading white space removed).
func statusParts(line []byte) (proto, code, msg []byte) {
	i := bytes.IndexByte(line, ' ')
	if i < 0 || i+4 > len(line) {
		return line, nil, nil
	}
	proto, code = line[:i], line[i+1:i+4]
	msg = bytes.TrimLeft(line[i+4:], " \t")
	return proto, code, msg
}

// uriHost returns the host of an absolute request target
// ("http://user@Host:8080/x" → "Host") or of a CONNECT authority, nil
// when there is none.
func uriHost(uri []byte, connect bool) []byte {
	a := uri
	if !connect {
		k := bytes.Index(uri, []byte("://"))
		if k <= 0 {
			return nil
		}
		a = uri[k+3:]
		if e := bytes.IndexAny(a, "/?#"); e >= 0 {
			a = a[:e]
		}
		if at := bytes.LastIndexByte(a, '@'); at >= 0 {
			a = a[at+1:]
		}
	}
	if len(a) > 0 && a[0] == '[' {
		if e := bytes.IndexByte(a, ']'); e > 0 {
			return a[:e+1]
		}
		return a
	}
	if c := bytes.LastIndexByte(a, ':'); c >= 0 {
		a = a[:c]
	}
	if len(a) == 0 {
		return nil
	}
	return a
}

// normalizeHost appends the http.host form of a raw host: lower case,
// port and trailing dots removed ("ABC.com:8080." → "abc.com"). Several
// merged Host values ("a.com, b.net") are only lower-cased.
func normalizeHost(dst, raw []byte) []byte {
	h := raw
	if bytes.IndexByte(h, ',') < 0 {
		if len(h) > 0 && h[0] == '[' {
			if e := bytes.IndexByte(h, ']'); e > 0 {
				h = h[:e+1]
			}
		} else if c := bytes.IndexByte(h, ':'); c >= 0 {
			h = h[:c]
		}
		for len(h) > 0 && h[len(h)-1] == '.' {
			h = h[:len(h)-1]
		}
	}
	start := len(dst)
	dst = append(dst, h...)
	for i := start; i < len(dst); i++ {
		if c := dst[i]; 'A' <= c && c <= 'Z' {
			dst[i] = c + 'a' - 'A'
		}
	}
	return dst
}

// normalizeURI appends http.uri's form of a request target, as Suricata's
// libhtp configuration makes it (IDS personality, lower-casing turned
// off): the path is percent- and %u-decoded (%2F included), backslashes
// become slashes, runs of slashes collapse, UTF-8 sequences map to one
// byte (best fit: code points below 0x100 as themselves, full-width ASCII
// forms to ASCII, others to '?'; invalid sequences to '?'), and dot
// segments are removed (RFC 3986 §5.2.4); the query is kept as sent and
// the fragment percent-decoded. An absolute URI loses its scheme and
// authority. A CONNECT authority is kept as sent.
func normalizeURI(dst, raw []byte, connect bool) []byte {
	if connect {
		return append(dst, raw...)
	}
	u := raw
	if len(u) > 0 && u[0] != '/' {
		if k := bytes.Index(u, []byte("://")); k > 0 {
			u = u[k+3:]
			e := bytes.IndexAny(u, "/?#")
			if e < 0 {
				return dst
			}
			u = u[e:]
		}
	}
	path, query, frag := u, []byte(nil), []byte(nil)
	hasQ, hasF := false, false
	if i := bytes.IndexByte(u, '#'); i >= 0 {
		path, frag, hasF = u[:i], u[i+1:], true
	}
	if i := bytes.IndexByte(path, '?'); i >= 0 {
		path, query, hasQ = path[:i], path[i+1:], true
	}
	start := len(dst)
	dst = decodePath(dst, path)
	dst = dst[:start+len(bestFitUTF8(dst[start:], dst[start:]))]
	dst = dst[:start+removeDotSegments(dst[start:])]
	if hasQ {
		dst = append(dst, '?')
		dst = append(dst, query...)
	}
	if hasF {
		dst = append(dst, '#')
		dst = percentDecode(dst, frag)
	}
	return dst
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// hexByte decodes two hex digits.
func hexByte(a, b byte) (byte, bool) {
	h, ok1 := unhex(a)
	l, ok2 := unhex(b)
	return h<<4 | l, ok1 && ok2
}

// bestFit maps a code point to one byte as libhtp's best-fit table does
// for the ranges that matter to evasion: below 0x100 as itself, the
// full-width ASCII forms U+FF01–FF5E to ASCII; anything else is '?'.
func bestFit(cp uint32) byte {
	switch {
	case cp < 0x100:
		return byte(cp)
	case cp >= 0xff01 && cp <= 0xff5e:
		return byte(cp - 0xff01 + 0x21)
	}
	return '?'
}

// decodePath appends path decoded as libhtp's decode_path does with the
// IDS personality: %XX and %uXXXX decoded (invalid encodings keep their
// '%'), '\' → '/', consecutive '/' compressed.
func decodePath(dst, path []byte) []byte {
	prevSep := false
	for i := 0; i < len(path); {
		c := path[i]
		if c == '%' {
			switch {
			case i+1 < len(path) && (path[i+1] == 'u' || path[i+1] == 'U'):
				if i+5 < len(path) {
					h, ok1 := hexByte(path[i+2], path[i+3])
					l, ok2 := hexByte(path[i+4], path[i+5])
					if ok1 && ok2 {
						c = bestFit(uint32(h)<<8 | uint32(l))
						i += 6
						break
					}
				}
				i++ // invalid: keep the '%'
			case i+2 < len(path):
				if b, ok := hexByte(path[i+1], path[i+2]); ok {
					c = b
					i += 3
				} else {
					i++
				}
			default:
				i++
			}
		} else {
			i++
		}
		if c == '\\' {
			c = '/'
		}
		if c == '/' {
			if prevSep {
				continue
			}
			prevSep = true
		} else {
			prevSep = false
		}
		dst = append(dst, c)
	}
	return dst
}

// bestFitUTF8 rewrites src into dst (which may be src itself: the output
// is never longer) as libhtp's utf8_decode_path does: each UTF-8 sequence
// of two or more bytes (overlong forms accepted) becomes its best-fit
// byte; an invalid lead byte becomes '?'; a sequence broken by a bad
// continuation byte becomes '?' and decoding restarts at that byte; an
// incomplete sequence at the very end is dropped.
func bestFitUTF8(dst, src []byte) []byte {
	w := 0
	for r := 0; r < len(src); {
		c := src[r]
		if c < 0x80 {
			dst[w] = c
			w++
			r++
			continue
		}
		n, cp := 0, uint32(0)
		switch {
		case c&0xe0 == 0xc0:
			n, cp = 2, uint32(c&0x1f)
		case c&0xf0 == 0xe0:
			n, cp = 3, uint32(c&0x0f)
		case c&0xf8 == 0xf0:
			n, cp = 4, uint32(c&0x07)
		}
		if n == 0 {
			dst[w] = '?'
			w++
			r++
			continue
		}
		k := 1
		for k < n && r+k < len(src) && src[r+k]&0xc0 == 0x80 {
			cp = cp<<6 | uint32(src[r+k]&0x3f)
			k++
		}
		switch {
		case k == n:
			dst[w] = bestFit(cp)
			w++
			r += n
		case r+k == len(src):
			r = len(src)
		default:
			dst[w] = '?'
			w++
			r += k
		}
	}
	return dst[:w]
}

// removeDotSegments applies RFC 3986 §5.2.4 in place and returns the new
// length. Like libhtp's normalize_uri_path, a path ending in "/." or
// "/.." loses its final slash too ("/a/b/.." → "/a").
func removeDotSegments(b []byte) int {
	n, r, w := len(b), 0, 0
	c := -1 // a byte already read but not yet written, or -1
	for r < n {
		if c < 0 {
			c = int(b[r])
			r++
		}
		if c == '.' {
			if r+1 < n && b[r] == '.' && b[r+1] == '/' { // "../"
				c, r = -1, r+2
				continue
			}
			if r < n && b[r] == '/' { // "./"
				c, r = -1, r+1
				continue
			}
		}
		if c == '/' {
			switch {
			case r+1 < n && b[r] == '.' && b[r+1] == '/': // "/./" → "/"
				r += 2
				continue
			case r+1 == n && b[r] == '.': // final "/."
				r++
				continue
			case r+2 < n && b[r] == '.' && b[r+1] == '.' && b[r+2] == '/', // "/../" → "/", pop
				r+2 == n && b[r] == '.' && b[r+1] == '.': // final "/.."
				r += 2
				if r < n {
					r++
				}
				for w > 0 && b[w-1] != '/' {
					w--
				}
				if w > 0 {
					w--
				}
				continue
			}
		}
		if c == '.' && r == n { // a lone final "."
			break
		}
		if c == '.' && r+1 == n && b[r] == '.' { // a lone final ".."
			break
		}
		b[w] = byte(c)
		w++
		for r < n && b[r] != '/' {
			b[w] = b[r]
			w++
			r++
		}
		c = -1
	}
	return w
}

// percentDecode appends s with %XX sequences decoded (invalid ones kept).
func percentDecode(dst, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if b, ok := hexByte(s[i+1], s[i+2]); ok {
				dst = append(dst, b)
				i += 2
				continue
			}
		}
		dst = append(dst, s[i])
	}
	return dst
}
