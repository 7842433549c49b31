package http

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
	"github.com/netsift/netsift/event"
)

// recConn records what a client connection writes (to server) and reads
// (to client).
type recConn struct {
	net.Conn
	mu       *sync.Mutex
	toServer *bytes.Buffer
	toClient *bytes.Buffer
}

func (c recConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	c.toServer.Write(b)
	c.mu.Unlock()
	return c.Conn.Write(b)
}

func (c recConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.mu.Lock()
	c.toClient.Write(b[:n])
	c.mu.Unlock()
	return n, err
}

// capture runs Go's HTTP server and client on loopback over one
// keep-alive connection and returns both byte streams.
func capture(t *testing.T) (toServer, toClient []byte) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		switch r.URL.Path {
		case "/chunked":
			w.Header().Set("Content-Type", "text/plain")
			for i := 0; i < 3; i++ {
				fmt.Fprintf(w, "chunk %d\n", i)
				w.(http.Flusher).Flush()
			}
		case "/redirect":
			http.Redirect(w, r, "/target", http.StatusFound)
		case "/nocontent":
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"path":%q}`, r.URL.Path)
		}
	}))
	defer srv.Close()
	var mu sync.Mutex
	var ts, tc bytes.Buffer
	tr := &http.Transport{}
	tr.Dial = func(network, addr string) (net.Conn, error) {
		c, err := net.Dial(network, addr)
		if err != nil {
			return nil, err
		}
		return recConn{c, &mu, &ts, &tc}, nil
	}
	tr.MaxConnsPerHost = 1
	cl := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(req *http.Request) {
		req.Header.Set("User-Agent", "netsift-test/1.0")
		resp, err := cl.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	get := func(path string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		do(req)
	}
	get("/index")
	get("/chunked")
	req, _ := http.NewRequest("POST", srv.URL+"/upload", strings.NewReader(strings.Repeat("x", 3000)))
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("Referer", "http://example.test/form")
	do(req)
	// A body of unknown length goes out chunked.
	req, _ = http.NewRequest("PUT", srv.URL+"/stream", io.MultiReader(strings.NewReader("abc"), strings.NewReader("def")))
	do(req)
	req, _ = http.NewRequest("HEAD", srv.URL+"/index", nil)
	do(req)
	get("/redirect")
	get("/nocontent")
	tr.CloseIdleConnections()
	mu.Lock()
	defer mu.Unlock()
	return bytes.Clone(ts.Bytes()), bytes.Clone(tc.Bytes())
}

type seg struct {
	dir  dissect.Dir
	data []byte
}

// interleave puts each request before its response: the recorded streams
// are cut at message heads so the parser sees a realistic order.
func feed(t *testing.T, segs []seg) *dissecttest.Recorder {
	t.Helper()
	rec := &dissecttest.Recorder{}
	c := &dissect.Ctx{Proto: 6, Client: netip.MustParseAddrPort("127.0.0.1:40000"), Server: netip.MustParseAddrPort("127.0.0.1:80"), Emit: rec, Inspecting: true}
	p := Dissector.New()
	for _, s := range segs {
		c.Pkts[s.dir]++
		if st := p.Feed(c, s.dir, s.data); st == dissect.Fail {
			t.Fatalf("parser failed; anomalies %v", rec.Anomalies)
		}
	}
	p.Close(c)
	return rec
}

func TestRealTraffic(t *testing.T) {
	ts, tc := capture(t)
	whole := feed(t, []seg{{dissect.ToServer, ts}, {dissect.ToClient, tc}})
	if len(whole.Events) != 7 {
		t.Fatalf("got %d events, want 7:\n%s", len(whole.Events), strings.Join(whole.Events, "\n"))
	}
	for _, want := range []string{
		`"url":"/index"`, `"http_user_agent":"netsift-test/1.0"`, `"status":200`,
		`"url":"/chunked"`, `"http_content_type":"text/plain"`,
		`"http_method":"POST"`, `"http_refer":"http://example.test/form"`,
		`"http_method":"PUT"`, `"http_method":"HEAD"`,
		`"status":302`, `"redirect":"/target"`, `"status":204`, `"hostname":"127.0.0.1"`, `"protocol":"HTTP/1.1"`,
	} {
		if !strings.Contains(strings.Join(whole.Events, "\n"), want) {
			t.Errorf("no event contains %s:\n%s", want, strings.Join(whole.Events, "\n"))
		}
	}
	if len(whole.Anomalies) > 0 {
		t.Errorf("anomalies on clean traffic: %v", whole.Anomalies)
	}
	if whole.MetaKV["user_agent"] != "netsift-test/1.0" {
		t.Errorf("user_agent meta = %q", whole.MetaKV["user_agent"])
	}
	// Every split point of each stream must give the same events.
	for _, s := range []struct {
		dir  dissect.Dir
		data []byte
	}{{dissect.ToServer, ts}, {dissect.ToClient, tc}} {
		for i := 0; i <= len(s.data); i++ {
			var segs []seg
			if s.dir == dissect.ToServer {
				segs = []seg{{dissect.ToServer, s.data[:i]}, {dissect.ToServer, s.data[i:]}, {dissect.ToClient, tc}}
			} else {
				segs = []seg{{dissect.ToServer, ts}, {dissect.ToClient, s.data[:i]}, {dissect.ToClient, s.data[i:]}}
			}
			got := feed(t, segs)
			if strings.Join(got.Events, "\n") != strings.Join(whole.Events, "\n") {
				t.Fatalf("split %s at %d: events differ:\n%s\nwant\n%s", s.dir, i, strings.Join(got.Events, "\n"), strings.Join(whole.Events, "\n"))
			}
		}
	}
}

func TestRawRequests(t *testing.T) {
	cases := []struct {
		name  string
		segs  []seg
		want  []string
		meta  map[string]string
		hosts []string
	}{
		{
			name: "curl proxy",
			segs: []seg{
				{0, []byte("GET http://example.com:8080/a?b=1 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\nProxy-Connection: Keep-Alive\r\nX-Forwarded-For: 10.1.1.1\r\n\r\n")},
				{1, []byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: squid\r\n\r\nhello")},
			},
			want:  []string{`{"hostname":"example.com","http_port":8080,"url":"http://example.com:8080/a?b=1","http_user_agent":"curl/8.5.0","xff":"10.1.1.1","http_method":"GET","protocol":"HTTP/1.1","status":200,"length":5}`},
			meta:  map[string]string{"http_proxy": "1", "http_server": "squid"},
			hosts: []string{"example.com"},
		},
		{
			name: "connect",
			segs: []seg{
				{0, []byte("CONNECT www.example.org:443 HTTP/1.1\r\nHost: www.example.org:443\r\n\r\n")},
				{0, []byte("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")},
				{1, []byte("HTTP/1.1 200 Connection established\r\n\r\n")},
				{1, []byte("\x16\x03\x03\x00\x5a\x02")},
			},
			want:  []string{`{"hostname":"www.example.org","http_port":443,"url":"www.example.org:443","http_method":"CONNECT","protocol":"HTTP/1.1","status":200}`},
			meta:  map[string]string{"http_connect": "1"},
			hosts: []string{"www.example.org"},
		},
		{
			name: "pipelined with websocket upgrade",
			segs: []seg{
				{0, []byte("GET /1 HTTP/1.1\r\nHost: a.test\r\n\r\nGET /chat HTTP/1.1\r\nHost: a.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")},
				{1, []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nTrailer: 1\r\n\r\nHTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello")},
			},
			want: []string{
				`{"hostname":"a.test","url":"/1","http_method":"GET","protocol":"HTTP/1.1","status":200}`,
				`{"hostname":"a.test","url":"/chat","http_method":"GET","protocol":"HTTP/1.1","status":101}`,
			},
			meta:  map[string]string{"websocket": "1"},
			hosts: []string{"a.test"},
		},
		{
			name:  "unanswered",
			segs:  []seg{{0, []byte("POST /x HTTP/1.0\r\nHost: [2001:db8::1]:81\r\nContent-Length: 2\r\n\r\nab")}},
			want:  []string{`{"hostname":"2001:db8::1","http_port":81,"url":"/x","http_method":"POST","protocol":"HTTP/1.0"}`},
			hosts: []string{"2001:db8::1"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := feed(t, tc.segs)
			if len(rec.Events) != len(tc.want) {
				t.Fatalf("events %q, want %q", rec.Events, tc.want)
			}
			for i, w := range tc.want {
				if rec.Events[i] != "http "+w {
					t.Errorf("event %d:\n got %s\nwant http %s", i, rec.Events[i], w)
				}
			}
			for k, v := range tc.meta {
				if rec.MetaKV[k] != v {
					t.Errorf("meta %s = %q, want %q", k, rec.MetaKV[k], v)
				}
			}
			if strings.Join(rec.Hosts, ",") != strings.Join(tc.hosts, ",") {
				t.Errorf("hosts %q, want %q", rec.Hosts, tc.hosts)
			}
		})
	}
}

func TestHeaderTooLong(t *testing.T) {
	rec := &dissecttest.Recorder{}
	c := &dissect.Ctx{Proto: 6, Emit: rec}
	p := Dissector.New()
	big := "GET / HTTP/1.1\r\nX: " + strings.Repeat("a", maxHead) + "\r\n\r\n"
	st := dissect.Continue
	for i := 0; i < len(big) && st == dissect.Continue; i += 1000 {
		st = p.Feed(c, dissect.ToServer, []byte(big[i:min(i+1000, len(big))]))
	}
	if st != dissect.Fail || len(rec.Anomalies) != 1 || rec.Anomalies[0] != "http.header_too_long" {
		t.Fatalf("status %v anomalies %v", st, rec.Anomalies)
	}
}

func TestProbe(t *testing.T) {
	c := &dissect.Ctx{Proto: 6, Pkts: [2]uint32{1, 1}}
	for _, tc := range []struct {
		in   string
		dir  dissect.Dir
		want dissect.Verdict
	}{
		{"GET / HTTP/1.1\r\n", 0, dissect.Match},
		{"GET /index.html HTTP/1.0\r\nHost: x\r\n\r\n", 0, dissect.Match},
		{"PROPFIND /dav/ HTTP/1.1\r\n", 0, dissect.Match},
		{"HTTP/1.1 200 OK\r\n", 1, dissect.Match},
		{"HTTP/1.0 404\r\n", 1, dissect.Match},
		{"GE", 0, dissect.NeedMore},
		{"GET /very/long", 0, dissect.NeedMore},
		{"GET /x HTT", 0, dissect.NeedMore},
		{"OPTIONS rtsp://cam/stream RTSP/1.0\r\nCSeq: 1\r\n", 0, dissect.NoMatch},
		{"OPTIONS sip:bob@example.com SIP/2.0\r\n", 0, dissect.NoMatch},
		{"DESCRIBE rtsp://cam/ RTSP/1.0\r\n", 0, dissect.NoMatch},
		{"RTSP/1.0 200 OK\r\n", 1, dissect.NoMatch},
		{"SIP/2.0 200 OK\r\n", 1, dissect.NoMatch},
		{"M-SEARCH * HTTP/1.1\r\n", 0, dissect.NoMatch},
		{"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 0, dissect.NoMatch},
		{"\x16\x03\x01\x00", 0, dissect.NoMatch},
		{"GET / RTSP", 0, dissect.NoMatch},
	} {
		if got := probe(c, tc.dir, []byte(tc.in)); got != tc.want {
			t.Errorf("probe(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

var benchReq = []byte("GET /search?q=netsift HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0\r\nAccept: text/html\r\nCookie: a=b\r\nReferer: http://www.example.com/\r\n\r\n")
var benchResp = []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 10\r\nServer: nginx\r\n\r\n0123456789")

var benchW event.Writer

type nopEmitter struct{ dissecttest.Recorder }

func (nopEmitter) Host([]byte)                                         {}
func (nopEmitter) Event(dir dissect.Dir, typ string, r dissect.Record) { r.AppendEVE(&benchW) }
func (nopEmitter) Meta(string, []byte)                                 {}
func (nopEmitter) Anomaly(string)                                      {}

// Inspect walks the rule buffers (as the engine does with rules loaded)
// without keeping them, so the allocation test covers RuleFields.
func (nopEmitter) Inspect(d dissect.Dir, tx uint64, typ string, r dissect.Record) {
	dissecttest.Nop{}.Inspect(d, tx, typ, r)
}

// BenchmarkHTTPRequest measures probe + one request/response transaction
// on a warm parser, EVE encoding included.
func BenchmarkHTTPRequest(b *testing.B) {
	c := &dissect.Ctx{Proto: 6, Emit: &nopEmitter{}, Inspecting: true}
	p := Dissector.New()
	b.ReportAllocs()
	b.SetBytes(int64(len(benchReq) + len(benchResp)))
	for i := 0; i < b.N; i++ {
		benchW.Reset()
		if probe(c, dissect.ToServer, benchReq) != dissect.Match {
			b.Fatal("no match")
		}
		p.Feed(c, dissect.ToServer, benchReq)
		p.Feed(c, dissect.ToClient, benchResp)
	}
}

func TestAllocs(t *testing.T) {
	c := &dissect.Ctx{Proto: 6, Emit: &nopEmitter{}, Inspecting: true}
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, benchReq)
	p.Feed(c, dissect.ToClient, benchResp)
	n := testing.AllocsPerRun(100, func() {
		benchW.Reset()
		probe(c, dissect.ToServer, benchReq)
		probe(c, dissect.ToClient, benchResp)
		p.Feed(c, dissect.ToServer, benchReq)
		p.Feed(c, dissect.ToClient, benchResp)
	})
	if n != 0 {
		t.Errorf("%v allocations per transaction, want 0", n)
	}
}

// TestNoBodiesWithoutRules: without signatures (Ctx.Inspecting false) the
// parser keeps no message body (up to 64 KiB per message otherwise).
func TestNoBodiesWithoutRules(t *testing.T) {
	c := &dissect.Ctx{Proto: 6, Emit: &dissecttest.Recorder{}}
	p := newParser()
	p.Feed(c, dissect.ToServer, []byte("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n"))
	p.Feed(c, dissect.ToServer, make([]byte, 3000))
	if p.body[dissect.ToServer].active {
		t.Error("request body captured with no signatures loaded")
	}
}
