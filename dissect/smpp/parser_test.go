package smpp

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestParserSystemID(t *testing.T) {
	rec := &dissecttest.Recorder{}
	p := Dissector.New()
	p.Feed(dissectorCtx(rec), dissect.ToServer, dissectorSeeds(t)[0])
	if got := rec.MetaKV["smpp.system_id"]; got != "abhik" {
		t.Errorf("smpp.system_id = %q", got)
	}
}
