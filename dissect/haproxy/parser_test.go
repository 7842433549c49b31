package haproxy

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestParserSourceAddress(t *testing.T) {
	rec := &dissecttest.Recorder{}
	p := Dissector.New()
	p.Feed(dissectorCtx(rec), dissect.ToServer, dissectorSeeds(t)[0])
	if got := rec.MetaKV["proxy.src_ip"]; got != "192.0.2.10" {
		t.Errorf("proxy.src_ip = %q", got)
	}
}
