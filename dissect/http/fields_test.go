package http

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// has fails t unless every want line is among the recorded buffers.
func has(t *testing.T, got []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing buffer %q; got:\n%s", w, strings.Join(got, "\n"))
		}
	}
}

func hasNot(t *testing.T, got []string, prefix string) {
	t.Helper()
	for _, g := range got {
		if strings.HasPrefix(g, prefix) {
			t.Errorf("unexpected buffer %q", g)
		}
	}
}

func TestNormalizeURI(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{"/index.html", "/index.html"},
		{"/a%20b/c%2Fd?x=%41&y=1#fr%41g", "/a b/c/d?x=%41&y=1#frAg"},
		{"/a/./b/../../c/", "/c/"},
		{"/a/b/..", "/a"},
		{"/a/.", "/a"},
		{"//a\\\\b///c", "/a/b/c"},
		{"/%u0041%uFF21%u4E00", "/AA?"},
		{"/%zz%4", "/%zz%4"},
		{"/caf%C3%A9", "/caf\xe9"},
		{"/caf%E9/x", "/caf?/x"},
		{"/%EF%BC%A1", "/A"},
		{"http://Example.COM:8080/p/../q?r", "/q?r"},
		{"http://example.com?q", "?q"},
		{"http://example.com", ""},
		{"*", "*"},
		{"/..%2f..%2fetc/passwd", "/etc/passwd"},
	} {
		if got := string(normalizeURI(nil, []byte(tc.raw), false)); got != tc.want {
			t.Errorf("normalizeURI(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
	if got := string(normalizeURI(nil, []byte("a.test:443"), true)); got != "a.test:443" {
		t.Errorf("CONNECT uri %q", got)
	}
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestRuleFieldsRaw(t *testing.T) {
	body := gz("<html>MZ payload</html>")
	chunked := fmt.Sprintf("%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n", 10, body[:10], len(body)-10, body[10:])
	rec := feed(t, []seg{
		{0, []byte("POST /up%6Coad/./x?a=%41 HTTP/1.1\r\nHost: WWW.Example.COM:8080\r\nUser-Agent: ua/1\r\nX-Dup: a\r\nCookie: s=1\r\nx-dup:  b \r\nX-Fold: one\r\n  two\r\nContent-Length: 5\r\n\r\n")},
		{0, []byte("he")},
		{0, []byte("llo")},
		{1, []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nSet-Cookie: id=2\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\nServer: nginx\r\n\r\n" + chunked)},
		{0, []byte("GET http://Proxy.Test:3128/p HTTP/1.0\r\nHost: other.test\r\n\r\n")},
		{1, []byte("HTTP/1.0 302 Found\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n")},
	})
	b := rec.Buffers
	has(t, b,
		"0 http http.method=POST",
		"0 http http.uri.raw=/up%6Coad/./x?a=%41",
		"0 http http.uri=/upload/x?a=%41",
		"0 http http.request_line=POST /up%6Coad/./x?a=%41 HTTP/1.1",
		"0 http http.host.raw=WWW.Example.COM:8080",
		"0 http http.host=www.example.com",
		"0 http http.user_agent=ua/1",
		"0 http http.protocol=HTTP/1.1",
		"0 http http.cookie=s=1",
		"0 http http.content_len=5",
		"0 http http.header=Host: WWW.Example.COM:8080\r\nUser-Agent: ua/1\r\nX-Dup: a, b\r\nX-Fold: one  two\r\nContent-Length: 5\r\n",
		"0 http http.header_names=\r\nHost\r\nUser-Agent\r\nX-Dup\r\nCookie\r\nX-Fold\r\nContent-Length\r\n\r\n",
		"0 http http.header.raw=Host: WWW.Example.COM:8080\r\nUser-Agent: ua/1\r\nX-Dup: a\r\nCookie: s=1\r\nx-dup:  b \r\nX-Fold: one\r\n  two\r\nContent-Length: 5\r\n\r\n",
		"0 http http.start=POST /up%6Coad/./x?a=%41 HTTP/1.1\r\nHost: WWW.Example.COM:8080\r\nUser-Agent: ua/1\r\nX-Dup: a, b\r\nCookie: s=1\r\nX-Fold: one  two\r\nContent-Length: 5\r\n\r\n",
		"0 http http.request_body=hello",
		"0 http http.stat_code=200",
		"0 http http.stat_msg=OK",
		"0 http http.response_line=HTTP/1.1 200 OK",
		"0 http http.cookie=id=2",
		"0 http http.server=nginx",
		"0 http http.content_type=text/html",
		"0 http file.data=<html>MZ payload</html>",
		"1 http http.uri=/p",
		"1 http http.uri.raw=http://Proxy.Test:3128/p",
		"1 http http.host.raw=Proxy.Test",
		"1 http http.host=proxy.test",
		"1 http http.stat_code=302",
		"1 http http.location=/x",
		"1 http http.content_len=0",
	)
	// Request inspected at its head and again with its body (they came in
	// separate segments); the response's head and body came in one
	// segment: inspected once, with its body; then the second exchange.
	var order []string
	for _, l := range b {
		if strings.Contains(l, " http.method=") || strings.Contains(l, " http.request_body=") ||
			strings.Contains(l, " http.stat_code=") || strings.Contains(l, " file.data=") {
			order = append(order, l[:strings.IndexByte(l, '=')])
		}
	}
	want := []string{
		"0 http http.method",                             // request head
		"0 http http.method", "0 http http.request_body", // request body
		"0 http http.method", "0 http http.stat_code", "0 http file.data", // response head + body, one segment
		"1 http http.method",
		"1 http http.method", "1 http http.stat_code",
	}
	if !slices.Equal(order, want) {
		t.Errorf("inspect order:\n%s\nwant\n%s", strings.Join(order, "\n"), strings.Join(want, "\n"))
	}
	// Cookies stay out of http.header on both sides.
	for _, l := range b {
		if strings.Contains(l, " http.header=") && strings.Contains(strings.ToLower(l), "cookie") {
			t.Errorf("cookie in http.header: %q", l)
		}
	}
}

// TestRuleFieldsGoTraffic checks transaction numbering and bodies on the
// keep-alive connection of Go's client and server (http_test.go).
func TestRuleFieldsGoTraffic(t *testing.T) {
	ts, tc := capture(t)
	rec := feed(t, []seg{{dissect.ToServer, ts}, {dissect.ToClient, tc}})
	has(t, rec.Buffers,
		"0 http http.uri=/index",
		"0 http file.data={\"path\":\"/index\"}",
		"1 http http.uri=/chunked",
		"1 http file.data=chunk 0\nchunk 1\nchunk 2\n",
		"2 http http.method=POST",
		"2 http http.request_body="+strings.Repeat("x", 3000),
		"2 http http.referer=http://example.test/form",
		"2 http http.content_type=application/octet-stream",
		"3 http http.request_body=abcdef",
		"4 http http.method=HEAD",
		"5 http http.stat_code=302",
		"5 http http.location=/target",
		"6 http http.stat_code=204",
		"6 http http.user_agent=netsift-test/1.0",
	)
	hasNot(t, rec.Buffers, "7 ")
}

func TestRuleFieldsBodyLimit(t *testing.T) {
	big := strings.Repeat("A", maxBody+100)
	rec := feed(t, []seg{
		{0, []byte("GET / HTTP/1.1\r\nHost: a\r\n\r\n")},
		{1, []byte("HTTP/1.1 200 OK\r\n\r\n" + big)}, // until close
	})
	n := 0
	for _, l := range rec.Buffers {
		if v, ok := strings.CutPrefix(l, "0 http file.data="); ok {
			n++
			if len(v) != maxBody {
				t.Errorf("file.data length %d, want %d", len(v), maxBody)
			}
		}
	}
	if n != 1 {
		t.Errorf("file.data offered %d times, want 1", n)
	}
}

// TestRuleFieldsCorpus checks the buffers of a real capture (Chrome and
// Apache, basic authentication, chunked response).
func TestRuleFieldsCorpus(t *testing.T) {
	dir := dissecttest.NDPICorpus(t)
	var got []string
	for _, f := range dissecttest.ReadFlows(t, filepath.Join(dir, "http_auth.pcap")) {
		if r := dissecttest.Run(Dissector, f); r.Verdict == dissect.Match {
			got = append(got, r.Rec.Buffers...)
		}
	}
	has(t, got,
		"0 http http.uri=/password-ok.php",
		"0 http http.host=browserspy.dk",
		"0 http http.accept_lang=en-US,en;q=0.8",
		"0 http http.header_names=\r\nHost\r\nConnection\r\nCache-Control\r\nAuthorization\r\nAccept\r\nUser-Agent\r\nReferer\r\nAccept-Encoding\r\nAccept-Language\r\nCookie\r\n\r\n",
		"0 http http.stat_code=401",
		"0 http http.stat_msg=Authorization Required",
		"0 http http.server=Apache",
	)
	found := false
	for _, l := range got {
		found = found || strings.HasPrefix(l, "0 http file.data=<!DOCTYPE html") && strings.HasSuffix(l, "<!-- GSite time: 0.00822 -->\n")
	}
	if !found {
		t.Error("no whole dechunked file.data")
	}
}

// TestRuleFieldsAllocs: a keep-alive transaction with a request body and
// a gzip-encoded chunked response, inspected with rule buffers walked,
// allocates nothing once the parser's buffers and the pools are warm.
func TestRuleFieldsAllocs(t *testing.T) {
	body := gz("<html>" + strings.Repeat("x", 2000) + "</html>")
	req := []byte("POST /a/../b%20c HTTP/1.1\r\nHost: a.test\r\nCookie: x=1\r\nContent-Length: 4\r\n\r\nbody")
	resp := []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n", len(body), body))
	c := &dissect.Ctx{Proto: 6, Emit: &nopEmitter{}, Inspecting: true}
	p := Dissector.New()
	round := func() {
		benchW.Reset()
		p.Feed(c, dissect.ToServer, req)
		p.Feed(c, dissect.ToClient, resp)
	}
	round()
	if n := testing.AllocsPerRun(100, round); n != 0 {
		t.Errorf("%v allocations per transaction, want 0", n)
	}
}
