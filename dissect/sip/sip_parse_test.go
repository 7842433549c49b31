package sip

import (
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestSIPParserTCP(t *testing.T) {
	msg := "INVITE sip:bob@biloxi.example.com SIP/2.0\r\nVia: SIP/2.0/TCP client.atlanta.example.com:5060\r\nContent-Length: 4\r\n\r\nv=0\n" +
		"SIP/2.0 180 Ringing\r\nl: 0\r\n\r\n"
	rec := &dissecttest.Recorder{}
	c := ctxSIP(6)
	c.Emit = rec
	if v := probe(c, dissect.ToServer, []byte(msg[:10])); v != dissect.NeedMore {
		t.Fatalf("split start line: verdict %d, want NeedMore", v)
	}
	p := Dissector.New()
	for i := 0; i < len(msg); i += 7 { // split at awkward places
		p.Feed(c, dissect.ToServer, []byte(msg[i:min(i+7, len(msg))]))
	}
	p.Close(c)
	if len(rec.Hosts) != 1 || rec.Hosts[0] != "biloxi.example.com" {
		t.Errorf("hosts %q", rec.Hosts)
	}
	want := []string{
		`sip {"method":"INVITE","uri":"sip:bob@biloxi.example.com","version":"SIP/2.0","request_line":"INVITE sip:bob@biloxi.example.com SIP/2.0"}`,
		`sip {"version":"SIP/2.0","code":"180","reason":"Ringing","response_line":"SIP/2.0 180 Ringing"}`,
	}
	if strings.Join(rec.Events, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s", strings.Join(rec.Events, "\n"))
	}
	if len(rec.Anomalies) != 0 {
		t.Errorf("anomalies %q", rec.Anomalies)
	}
}

func TestSIPProbeRejects(t *testing.T) {
	c := ctxSIP(17)
	for _, s := range []string{
		"GET / HTTP/1.1\r\n",
		"RTSP/1.0 200 OK\r\n",
		"SIP/2.0 abc\r\n",
		"invite sip:a SIP/2.0\r\n",
		"OPTIONS http://x SIP/2.0\r\n",
	} {
		if v := probe(c, dissect.ToServer, []byte(s)); v != dissect.NoMatch {
			t.Errorf("%q: verdict %d, want NoMatch", s, v)
		}
	}
	if v := probe(c, dissect.ToServer, []byte("hello")); v != dissect.Match {
		t.Errorf("keep-alive on 5060: verdict %d", v)
	}
}

func TestSIPURIHost(t *testing.T) {
	for in, want := range map[string]string{
		"sip:sip.cybercity.dk":                        "sip.cybercity.dk",
		"sip:97239287044@voip.brujula.net":            "voip.brujula.net",
		"sips:alice@[2001:db8::1]:5061;transport=tls": "2001:db8::1",
		"sip:bob@host:5060;lr":                        "host",
		"tel:+1234":                                   "",
	} {
		if got := string(uriHost([]byte(in))); got != want {
			t.Errorf("uriHost(%q) = %q, want %q", in, got, want)
		}
	}
}
