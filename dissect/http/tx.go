package http

import "bytes"

// span locates a field in a tx's buf.
type span struct{ off, n uint16 }

// tx holds the fields of one request or response head that netsift
// reports, copied into buf (reused from one message to the next, so the
// steady state allocates nothing). Heads are at most maxHead bytes, so
// uint16 offsets suffice.
type tx struct {
	buf []byte
	// head is the whole message head as received (start line, header
	// lines, blank line), copied: the rule fields are derived from it
	// only when the signature engine asks (fields.go).
	head []byte
	// id is the transaction number offered to Emitter.Inspect: requests
	// are numbered in order; a response shares its request's number.
	id uint64
	// enc is the body's Content-Encoding as far as decoding cares.
	enc encoding

	method, uri, proto, host, ua, referer, xff span
	ctype, location, server                    span
	port                                       int // Host header port, 0 if none
	status                                     int
	clen                                       int64
	hasLen, chunked                            bool
	absolute, isConnect, websocket, cookie     bool
}

func (t *tx) get(s span) []byte { return t.buf[s.off : s.off+s.n] }

func (t *tx) put(b []byte) span {
	if len(b) > 0xffff-len(t.buf) {
		b = b[:0xffff-len(t.buf)]
	}
	s := span{uint16(len(t.buf)), uint16(len(b))}
	t.buf = append(t.buf, b...)
	return s
}

func (t *tx) reset() {
	buf, head := t.buf[:0], t.head[:0]
	*t = tx{buf: buf, head: head}
}

// copyFrom makes t an independent copy of src, reusing t's buffers.
func (t *tx) copyFrom(src *tx) {
	buf := append(t.buf[:0], src.buf...)
	head := append(t.head[:0], src.head...)
	*t = *src
	t.buf, t.head = buf, head
}

// splitLine returns the first line of b (without CR LF) and the rest.
func splitLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil
	}
	line, rest = b[:i], b[i+1:]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, rest
}

// parseRequest reads a request head: "METHOD SP URI SP HTTP/1.x" and
// header fields.
func (t *tx) parseRequest(msg []byte) bool {
	t.reset()
	t.head = append(t.head, msg...)
	line, rest := splitLine(msg)
	i := bytes.IndexByte(line, ' ')
	j := bytes.LastIndexByte(line, ' ')
	if i <= 0 || j <= i {
		return false
	}
	method, uri, proto := line[:i], bytes.TrimSpace(line[i+1:j]), line[j+1:]
	if len(uri) == 0 || !bytes.HasPrefix(proto, []byte("HTTP/")) {
		return false
	}
	t.method, t.uri, t.proto = t.put(method), t.put(uri), t.put(proto)
	t.isConnect = string(method) == "CONNECT"
	var uriHost []byte
	if t.isConnect {
		uriHost = uri
	} else if k := bytes.Index(uri, []byte("://")); k > 0 && k < 10 && uri[0] != '/' {
		t.absolute = true
		uriHost = uri[k+3:]
		if e := bytes.IndexAny(uriHost, "/?#"); e >= 0 {
			uriHost = uriHost[:e]
		}
		if a := bytes.LastIndexByte(uriHost, '@'); a >= 0 {
			uriHost = uriHost[a+1:]
		}
	}
	t.headers(rest, true)
	if t.host.n == 0 && len(uriHost) > 0 {
		t.setHost(uriHost)
	}
	return true
}

// parseResponse reads a response head: "HTTP/1.x SP NNN [SP reason]".
func (t *tx) parseResponse(msg []byte) bool {
	t.reset()
	t.head = append(t.head, msg...)
	line, rest := splitLine(msg)
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/")) {
		return false
	}
	i := bytes.IndexByte(line, ' ')
	if i < 0 || i+4 > len(line) {
		return false
	}
	code := line[i+1 : i+4]
	if !isDigit(code[0]) || !isDigit(code[1]) || !isDigit(code[2]) {
		return false
	}
	t.proto = t.put(line[:i])
	t.status = int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0')
	t.headers(rest, false)
	return true
}

// headers reads header fields (obsolete line folding is treated as a new,
// ignored line).
func (t *tx) headers(b []byte, request bool) {
	for len(b) > 0 {
		var line []byte
		line, b = splitLine(b)
		if len(line) == 0 {
			break
		}
		c := bytes.IndexByte(line, ':')
		if c <= 0 {
			continue
		}
		name, val := line[:c], bytes.TrimSpace(line[c+1:])
		switch {
		case eqFold(name, "content-length"):
			if n, ok := parseUint(val); ok {
				t.clen, t.hasLen = n, true
			}
		case eqFold(name, "transfer-encoding"):
			// chunked must be the final coding (RFC 9112 §6.1).
			v := bytes.TrimSpace(val)
			t.chunked = len(v) >= 7 && eqFold(v[len(v)-7:], "chunked")
		case eqFold(name, "content-type"):
			t.ctype = t.put(val)
		case eqFold(name, "content-encoding"):
			t.enc = contentEncoding(val)
		case request && eqFold(name, "host"):
			if t.host.n == 0 {
				t.setHost(val)
			}
		case request && eqFold(name, "user-agent"):
			t.ua = t.put(val)
		case request && eqFold(name, "referer"):
			t.referer = t.put(val)
		case request && eqFold(name, "x-forwarded-for"):
			t.xff = t.put(val)
		case request && eqFold(name, "cookie"):
			t.cookie = true
		case request && eqFold(name, "upgrade"):
			t.websocket = eqFold(val, "websocket")
		case !request && eqFold(name, "location"):
			t.location = t.put(val)
		case !request && eqFold(name, "server"):
			t.server = t.put(val)
		}
	}
}

// setHost stores a Host header (or URI authority) without its port.
func (t *tx) setHost(v []byte) {
	host := v
	port := []byte(nil)
	if len(v) > 0 && v[0] == '[' {
		if e := bytes.IndexByte(v, ']'); e > 0 {
			host = v[1:e]
			if rest := v[e+1:]; len(rest) > 1 && rest[0] == ':' {
				port = rest[1:]
			}
		}
	} else if k := bytes.LastIndexByte(v, ':'); k >= 0 && bytes.IndexByte(v[:k], ':') < 0 {
		host, port = v[:k], v[k+1:]
	}
	if n, ok := parseUint(port); ok && n > 0 && n < 65536 {
		t.port = int(n)
	}
	host = bytes.TrimSuffix(host, []byte{'.'})
	t.host = t.put(host)
}

// eqFold reports whether b equals the lower-case ASCII s, ignoring case.
func eqFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
