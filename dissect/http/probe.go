// Package http dissects HTTP/1.0 and HTTP/1.1 (RFC 9112) over TCP: request
// and status lines, the headers netsift and Suricata's EVE care about, and
// message framing (Content-Length, chunked, until close) so that pipelined
// and keep-alive transactions are all found. One EVE "http" event is
// written per transaction when its response head arrives (or at Close for
// a request that got none). CONNECT tunnels and protocol upgrades end the
// parse: what follows is not HTTP.
//
// Each transaction is also offered to the signature engine
// (Emitter.Inspect, fields.go) with Suricata's http.* sticky buffers: the
// request when its head is complete and again when its body is, the
// response (with its request) likewise; request and response share the
// transaction number (0, 1, 2… in request order).
package http

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is HTTP/1.x (EVE "http"; nDPI "HTTP", "HTTP_Proxy",
// "HTTP_Connect").
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "http",
	EVE:       "http",
	Transport: dissect.TCP,
	Ports:     []uint16{80, 8080, 8000, 3128, 8008, 8888, 8081, 81, 591},
	Probe:     probe,
	New:       func() dissect.Parser { return newParser() },
}

// methods are the request methods we accept in a probe: RFC 9110's, PATCH,
// and WebDAV's (RFC 4918, 3253, 5323). RTSP and SIP share some method names
// (OPTIONS) but are told apart by their version token; SSDP/GENA
// (M-SEARCH, NOTIFY, SUBSCRIBE) are left out.
var methods = [...]string{
	"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "PATCH", "TRACE",
	"PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH",
	"REPORT", "MKACTIVITY", "CHECKOUT", "MERGE", "VERSION-CONTROL", "BASELINE-CONTROL",
}

const (
	// maxProbeLine bounds the request line a probe waits for.
	maxProbeLine = 4096
	// maxProbePkts: after this many packets in a direction without a whole
	// request line, judge on what we have.
	maxProbePkts = 6
)

// matchMethod returns the length of the method at the start of b (without
// the space), 0 when b does not start with "METHOD ", or -1 when b is a
// proper prefix of one and more data could decide.
func matchMethod(b []byte) int {
	more := false
	for _, m := range methods {
		if len(b) > len(m) {
			if b[len(m)] == ' ' && string(b[:len(m)]) == m {
				return len(m)
			}
		} else if string(b) == m[:len(b)] {
			more = true
		}
	}
	if more {
		return -1
	}
	return 0
}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if len(data) == 0 {
		return dissect.NeedMore
	}
	// Status line: "HTTP/1.x NNN".
	if data[0] == 'H' {
		const v = "HTTP/1."
		if len(data) < len(v)+5 {
			if bytes.HasPrefix([]byte(v), data) || bytes.HasPrefix(data, []byte(v)) {
				return dissect.NeedMore
			}
			return dissect.NoMatch
		}
		if string(data[:len(v)]) == v && (data[7] == '0' || data[7] == '1') && data[8] == ' ' &&
			isDigit(data[9]) && isDigit(data[10]) && isDigit(data[11]) && (len(data) == 12 || data[12] == ' ' || data[12] == '\r' || data[12] == '\n') {
			return dissect.Match
		}
		// HEAD falls through to the method check.
	}
	n := matchMethod(data)
	if n == 0 {
		return dissect.NoMatch
	}
	if n < 0 {
		return dissect.NeedMore
	}
	line := data[n+1:]
	if len(line) > maxProbeLine {
		line = line[:maxProbeLine]
	}
	end := bytes.IndexByte(line, '\n')
	if end < 0 {
		for _, b := range line {
			if b <= ' ' || b == 0x7f {
				// The URI ended; a version must follow on this line.
				return versionPrefix(line, c, dir)
			}
		}
		if len(line) >= maxProbeLine || c.Pkts[dir] >= maxProbePkts {
			return dissect.Match // a very long URI
		}
		return dissect.NeedMore
	}
	line = line[:end]
	line = bytes.TrimSuffix(line, []byte{'\r'})
	sp := bytes.LastIndexByte(line, ' ')
	if sp <= 0 {
		return dissect.NoMatch
	}
	for _, b := range line[:sp] {
		if b < ' ' || b == 0x7f {
			return dissect.NoMatch
		}
	}
	if ver := line[sp+1:]; string(ver) == "HTTP/1.1" || string(ver) == "HTTP/1.0" {
		return dissect.Match
	}
	return dissect.NoMatch
}

// versionPrefix judges an unfinished request line whose URI has ended:
// what follows the space must be a prefix of "HTTP/1.x".
func versionPrefix(line []byte, c *dissect.Ctx, dir dissect.Dir) dissect.Verdict {
	i := bytes.IndexByte(line, ' ')
	if i <= 0 {
		return dissect.NoMatch
	}
	for _, b := range line[:i] {
		if b < ' ' || b == 0x7f {
			return dissect.NoMatch
		}
	}
	rest := line[i+1:]
	const v = "HTTP/1.1"
	if len(rest) > len(v) {
		rest = rest[:len(v)]
	}
	if !bytes.HasPrefix([]byte(v), rest) && !(len(rest) == len(v) && string(rest) == "HTTP/1.0") {
		return dissect.NoMatch
	}
	if c.Pkts[dir] >= maxProbePkts {
		return dissect.NoMatch
	}
	return dissect.NeedMore
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
