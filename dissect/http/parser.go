package http

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

const (
	// maxHead bounds a buffered request or response head; longer heads are
	// an anomaly and end the parse.
	maxHead = 16 << 10
	// maxChunkLine bounds a chunk-size line (with extensions).
	maxChunkLine = 1024
	// maxPending bounds requests waiting for responses (pipelining); the
	// oldest is logged unanswered when more arrive.
	maxPending = 8
)

// body framing states of a direction.
type state uint8

const (
	stHead       state = iota // reading a message head
	stBody                    // remain bytes of Content-Length body
	stChunkSize               // reading a chunk-size line
	stChunkData               // remain bytes of chunk data (+ CRLF)
	stTrailer                 // reading trailer lines until an empty one
	stUntilClose              // body runs until the connection closes
	stOpaque                  // not HTTP any more (tunnel, upgrade, error)
)

// half is one direction's parse state.
type half struct {
	st     state
	remain int64
	buf    []byte // partial head, chunk line or trailer line
}

// parser is one HTTP connection.
type parser struct {
	h [2]half
	// q holds requests awaiting a response, oldest at q[head].
	q       [maxPending]tx
	head, n int
	resp    tx // the response being logged
	host    []byte
	connect bool // a CONNECT request is outstanding
	rec     record

	// Signature-engine state (Emitter.Inspect). ans is a copy of the
	// request resp answers, so that the response and its body are offered
	// with their request even when its queue slot is reused. reqTx is the
	// request whose body is being read (its slot stays put until the next
	// request, which cannot start before the body ends).
	nextID uint64
	ans    tx
	hasAns bool
	reqTx  *tx
	body   [2]body
	insp   inspectRec
	// deferInsp: inside Feed, head inspections wait (pendReq, pendResp)
	// until the call ends or the message's body completes.
	deferInsp, pendReq, pendResp bool
	rs                           ruleScratch
}

var _ dissect.Parser = (*parser)(nil)

func newParser() *parser {
	return &parser{}
}

// Feed implements dissect.Parser. A message head completed by this data
// is offered to the signature engine at the end of the call, so that a
// body completed by the same data is offered with it once rather than
// head and then head + body (same packet, so no later verdict).
func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	p.deferInsp = true
	st := p.feed(c, dir, data)
	p.deferInsp = false
	p.flushReq(c)
	p.flushResp(c)
	return st
}

func (p *parser) flushReq(c *dissect.Ctx) {
	if p.pendReq {
		p.pendReq = false
		p.inspectReqNow(c)
	}
}

func (p *parser) flushResp(c *dissect.Ctx) {
	if p.pendResp {
		p.pendResp = false
		p.inspectRespNow(c)
	}
}

func (p *parser) feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	dir &= 1
	h := &p.h[dir]
	for len(data) > 0 {
		switch h.st {
		case stOpaque:
			if p.connect && dir == dissect.ToServer {
				// Tunnel bytes sent before the CONNECT answer: wait for it.
				return dissect.Continue
			}
			return dissect.Done
		case stUntilClose:
			return p.bodyUntilClose(c, dir, data)
		case stBody:
			n := int64(len(data))
			if n > h.remain {
				n = h.remain
			}
			h.remain -= n
			p.bodyData(c, dir, data[:n])
			data = data[n:]
			if h.remain == 0 {
				h.st = stHead
				p.bodyEnd(c, dir)
			}
		case stChunkData:
			n := int64(len(data))
			if n > h.remain {
				n = h.remain
			}
			h.remain -= n
			p.bodyData(c, dir, data[:n])
			data = data[n:]
			if h.remain == 0 {
				h.st = stChunkSize
			}
		case stChunkSize, stTrailer:
			line, rest, ok := p.line(c, h, data, maxChunkLine)
			if !ok {
				if rest == nil {
					return dissect.Fail
				}
				return dissect.Continue
			}
			data = rest
			line = bytes.TrimRight(line, "\r\n")
			if h.st == stTrailer {
				if len(line) == 0 {
					h.st = stHead
					p.bodyEnd(c, dir)
				}
				continue
			}
			if len(line) == 0 {
				continue // the CRLF after chunk data
			}
			size, good := chunkSize(line)
			if !good {
				c.Emit.Anomaly("http.bad_chunk_size")
				h.st = stOpaque
				return dissect.Fail
			}
			if size == 0 {
				h.st = stTrailer
			} else {
				h.st, h.remain = stChunkData, size
			}
		case stHead:
			// Skip blank lines between messages (RFC 9112 §2.2).
			if len(h.buf) == 0 {
				for len(data) > 0 && (data[0] == '\r' || data[0] == '\n') {
					data = data[1:]
				}
				if len(data) == 0 {
					return dissect.Continue
				}
			}
			msg, rest, ok := p.headBytes(c, h, data)
			if !ok {
				if rest == nil {
					return dissect.Fail
				}
				return dissect.Continue
			}
			data = rest
			var st dissect.Status
			if dir == dissect.ToServer {
				st = p.request(c, msg)
			} else {
				st = p.response(c, msg)
			}
			h.buf = h.buf[:0]
			if st != dissect.Continue {
				return st
			}
		}
	}
	if h.st == stOpaque && !(p.connect && dir == dissect.ToServer) {
		return dissect.Done
	}
	return dissect.Continue
}

// bodyUntilClose: a response body delimited by the connection's end is
// captured for the signature engine up to maxBody (then offered, and the
// parser is done); the request side may still have pipelined requests but
// a server that closes to end a body is done with the connection.
func (p *parser) bodyUntilClose(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	b := &p.body[dir]
	if !b.active {
		return dissect.Done
	}
	p.bodyData(c, dir, data)
	if b.active {
		return dissect.Continue
	}
	return dissect.Done
}

// line returns one '\n'-terminated line from the buffered bytes plus data.
// ok=false with rest != nil means more data is needed (bytes buffered);
// rest == nil means the line is too long (anomaly reported).
func (p *parser) line(c *dissect.Ctx, h *half, data []byte, limit int) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(data, '\n')
	if i < 0 {
		if len(h.buf)+len(data) > limit {
			c.Emit.Anomaly("http.line_too_long")
			h.st = stOpaque
			return nil, nil, false
		}
		h.buf = append(h.buf, data...)
		return nil, data[:0], false
	}
	if len(h.buf) == 0 {
		return data[:i+1], data[i+1:], true
	}
	h.buf = append(h.buf, data[:i+1]...)
	line = h.buf
	h.buf = h.buf[:0]
	return line, data[i+1:], true
}

// headBytes collects a message head up to and including its empty line.
// The result aliases data when the head arrived whole, else h.buf.
func (p *parser) headBytes(c *dissect.Ctx, h *half, data []byte) (msg, rest []byte, ok bool) {
	if len(h.buf) == 0 {
		if end := headEnd(data, 0); end > 0 {
			return data[:end], data[end:], true
		}
	}
	from := len(h.buf) - 3
	if from < 0 {
		from = 0
	}
	old := len(h.buf)
	take := len(data)
	if old+take > maxHead+4 {
		take = maxHead + 4 - old
	}
	h.buf = append(h.buf, data[:take]...)
	if end := headEnd(h.buf, from); end > 0 {
		used := end - old
		msg = h.buf[:end]
		return msg, data[used:], true
	}
	if len(h.buf) > maxHead {
		c.Emit.Anomaly("http.header_too_long")
		h.st = stOpaque
		h.buf = h.buf[:0]
		return nil, nil, false
	}
	return nil, data[:0], false
}

// headEnd returns the offset just past the blank line ending a head
// ("\r\n\r\n" or a bare "\n\n"), searching from from, or -1.
func headEnd(b []byte, from int) int {
	for i := from; i < len(b); i++ {
		if b[i] != '\n' {
			continue
		}
		if i+1 < len(b) && b[i+1] == '\n' {
			return i + 2
		}
		if i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n' {
			return i + 3
		}
	}
	return -1
}

// chunkSize parses a chunk-size line's hexadecimal size (extensions after
// ';' ignored).
func chunkSize(line []byte) (int64, bool) {
	if i := bytes.IndexByte(line, ';'); i >= 0 {
		line = line[:i]
	}
	line = bytes.TrimRight(line, " \t")
	if len(line) == 0 || len(line) > 15 {
		return 0, false
	}
	var n int64
	for _, b := range line {
		var d byte
		switch {
		case '0' <= b && b <= '9':
			d = b - '0'
		case 'a' <= b && b <= 'f':
			d = b - 'a' + 10
		case 'A' <= b && b <= 'F':
			d = b - 'A' + 10
		default:
			return 0, false
		}
		n = n<<4 | int64(d)
	}
	return n, true
}

// request handles a complete request head.
func (p *parser) request(c *dissect.Ctx, msg []byte) dissect.Status {
	p.flushReq(c) // a pending head of the previous request first
	if p.n == maxPending {
		// Too many unanswered: log the oldest without a response.
		p.emit(c, &p.q[p.head], nil)
		p.head = (p.head + 1) % maxPending
		p.n--
	}
	t := &p.q[(p.head+p.n)%maxPending]
	if !t.parseRequest(msg) {
		c.Emit.Anomaly("http.bad_request_line")
		p.h[dissect.ToServer].st = stOpaque
		return dissect.Fail
	}
	p.n++
	t.id = p.nextID
	p.nextID++
	h := &p.h[dissect.ToServer]
	switch {
	case t.chunked:
		h.st = stChunkSize
	case t.clen > 0:
		h.st, h.remain = stBody, t.clen
	}
	p.reqTx = t
	if h.st != stHead && c.Inspecting {
		p.body[dissect.ToServer].start()
	}
	// The first request's Host names the flow (as nDPI does); later
	// transactions are logged in their own events.
	if host := t.get(t.host); len(host) > 0 && len(p.host) == 0 {
		p.host = append(p.host[:0], host...)
		c.Emit.Host(p.host)
	}
	if ua := t.get(t.ua); len(ua) > 0 {
		c.Emit.Meta("user_agent", ua)
	}
	c.Emit.Meta("http_method", t.get(t.method))
	if t.absolute {
		c.Emit.Meta("http_proxy", one)
	}
	if t.isConnect {
		c.Emit.Meta("http_connect", one)
		// The client may start its tunnel before the answer: stop reading
		// requests; the response decides the rest.
		p.connect = true
		h.st = stOpaque
	}
	if t.websocket {
		c.Emit.Meta("websocket", one)
	}
	if t.cookie {
		c.Emit.Meta("http_cookie", one)
	}
	p.inspectReq(c)
	return dissect.Continue
}

var one = []byte("1")

// response handles a complete response head.
func (p *parser) response(c *dissect.Ctx, msg []byte) dissect.Status {
	p.flushResp(c)
	r := &p.resp
	if !r.parseResponse(msg) {
		c.Emit.Anomaly("http.bad_status_line")
		p.h[dissect.ToClient].st = stOpaque
		return dissect.Fail
	}
	var req *tx
	if r.status >= 100 && r.status < 200 && r.status != 101 {
		// Interim response: the final one follows for the same request.
		return dissect.Continue
	}
	if p.n > 0 {
		req = &p.q[p.head]
		p.head = (p.head + 1) % maxPending
		p.n--
		r.id = req.id
	} else {
		r.id = p.nextID
		p.nextID++
	}
	if r.server.n > 0 {
		c.Emit.Meta("http_server", r.get(r.server))
	}
	p.emit(c, req, r)
	h := &p.h[dissect.ToClient]
	isHead := req != nil && string(req.get(req.method)) == "HEAD"
	switch {
	case r.status == 101 || req != nil && req.isConnect && r.status/100 == 2:
		// Upgrade or tunnel established: the rest is another protocol.
		h.st = stOpaque
		p.h[dissect.ToServer].st = stOpaque
		p.hasAns = req != nil && c.Inspecting
		if p.hasAns {
			p.ans.copyFrom(req)
		}
		p.inspectResp(c)
		return dissect.Done
	case req != nil && req.isConnect:
		// Tunnel refused: the connection may carry more requests.
		p.connect = false
		p.h[dissect.ToServer].st = stHead
	}
	switch {
	case isHead || r.status == 204 || r.status == 304:
	case r.chunked:
		h.st = stChunkSize
	case r.hasLen:
		if r.clen > 0 {
			h.st, h.remain = stBody, r.clen
		}
	default:
		h.st = stUntilClose
	}
	p.hasAns = req != nil && c.Inspecting // a copy only the signatures read
	if p.hasAns {
		p.ans.copyFrom(req)
	}
	if h.st != stHead && c.Inspecting {
		p.body[dissect.ToClient].start()
	}
	p.inspectResp(c)
	return dissect.Continue
}

// Gap implements dissect.Parser: lost bytes make framing unknowable.
func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {
	h := &p.h[dir&1]
	switch h.st {
	case stBody, stChunkData:
		if int64(n) <= h.remain {
			h.remain -= int64(n)
			if h.remain == 0 && h.st == stBody {
				h.st = stHead
			} else if h.remain == 0 {
				h.st = stChunkSize
			}
			return
		}
	case stUntilClose:
		return
	}
	c.Emit.Anomaly("http.gap")
	h.st = stOpaque
	p.bodyEnd(c, dir&1)
}

// Close implements dissect.Parser: requests never answered are logged.
func (p *parser) Close(c *dissect.Ctx) {
	p.flushReq(c)
	p.flushResp(c)
	// A request head cut short by the end of the flow (no blank line yet)
	// is parsed as far as it goes, as libhtp does at stream end: its
	// request line and complete header lines are logged and offered.
	if h := &p.h[dissect.ToServer]; h.st == stHead && len(h.buf) > 0 && !p.connect {
		if i := bytes.LastIndexByte(h.buf, '\n'); i > 0 {
			msg := append(h.buf[:i+1:i+1], "\r\n"...)
			h.buf = h.buf[:0]
			p.request(c, msg)
		}
	}
	// Bodies cut short by the end of the flow are offered as they are.
	p.bodyEnd(c, dissect.ToServer)
	p.bodyEnd(c, dissect.ToClient)
	for ; p.n > 0; p.n-- {
		p.emit(c, &p.q[p.head], nil)
		p.head = (p.head + 1) % maxPending
	}
}

func (p *parser) emit(c *dissect.Ctx, req, resp *tx) {
	p.rec.req, p.rec.resp = req, resp
	c.Emit.Event(dissect.ToServer, "http", &p.rec)
	p.rec.req, p.rec.resp = nil, nil
}

// parseUint parses a decimal Content-Length; false on anything else.
func parseUint(b []byte) (int64, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// bodyData captures body bytes of dir; reaching maxBody offers the
// message at once (the rest of the body is not kept).
func (p *parser) bodyData(c *dissect.Ctx, dir dissect.Dir, data []byte) {
	if p.body[dir].add(data) {
		p.bodyEnd(c, dir)
	}
}

// bodyEnd offers the message whose body ended (or filled up) with its
// body, then frees the body buffer.
func (p *parser) bodyEnd(c *dissect.Ctx, dir dissect.Dir) {
	b := &p.body[dir]
	if !b.active {
		return
	}
	// The body is complete: offer the message with it now (a pending head
	// inspection of it is folded in).
	if dir == dissect.ToServer {
		p.pendReq = false
		p.inspectReqNow(c)
	} else {
		p.pendResp = false
		p.inspectRespNow(c)
	}
	b.release()
}

// inspectReq offers the request whose head or body just completed
// (transaction id = its number).
func (p *parser) inspectReq(c *dissect.Ctx) {
	if !c.Inspecting {
		return
	}
	if p.deferInsp {
		p.pendReq = true
		return
	}
	p.inspectReqNow(c)
}

func (p *parser) inspectReqNow(c *dissect.Ctx) {
	t := p.reqTx
	if t == nil {
		return
	}
	f := &p.insp
	*f = inspectRec{record: record{req: t}, side: dissect.ToServer, s: &p.rs}
	if b := p.body[dissect.ToServer].bytes(); len(b) > 0 {
		f.reqBody = b
	}
	c.Emit.Inspect(dissect.ToServer, t.id, "http", f)
	*f = inspectRec{}
}

// inspectResp offers the response whose head or body just completed,
// with its request.
func (p *parser) inspectResp(c *dissect.Ctx) {
	if !c.Inspecting {
		return
	}
	if p.deferInsp {
		p.pendResp = true
		return
	}
	p.inspectRespNow(c)
}

func (p *parser) inspectRespNow(c *dissect.Ctx) {
	f := &p.insp
	*f = inspectRec{record: record{resp: &p.resp}, side: dissect.ToClient, s: &p.rs}
	if p.hasAns {
		f.req = &p.ans
	}
	if b := p.body[dissect.ToClient].bytes(); len(b) > 0 {
		f.respBody = b
	}
	c.Emit.Inspect(dissect.ToClient, p.resp.id, "http", f)
	*f = inspectRec{}
}
