package soap

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestParserHost(t *testing.T) {
	rec := &dissecttest.Recorder{}
	p := Dissector.New()
	p.Feed(dissectorCtx(rec), dissect.ToServer, dissectorSeeds(t)[0])
	if len(rec.Hosts) != 1 || rec.Hosts[0] != "api.example.com" {
		t.Errorf("hosts %q", rec.Hosts)
	}
}

func TestProbeNotSOAP(t *testing.T) {
	post := "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\r\n{}"
	if v := probe(dissectorCtx(nil), dissect.ToServer, []byte(post)); v != dissect.NoMatch {
		t.Errorf("plain POST: verdict %d, want NoMatch", v)
	}
}
