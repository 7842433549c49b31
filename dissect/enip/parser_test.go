package enip

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestParserCommand(t *testing.T) {
	rec := &dissecttest.Recorder{}
	p := Dissector.New()
	if st := p.Feed(dissectorCtx(rec), dissect.ToServer, dissectorSeeds(t)[1]); st != dissect.Done {
		t.Errorf("status %d", st)
	}
	if got := rec.MetaKV["enip.command"]; got != "register_session" {
		t.Errorf("enip.command = %q", got)
	}
}
