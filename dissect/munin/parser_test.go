package munin

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestParserBannerHost(t *testing.T) {
	rec := &dissecttest.Recorder{}
	p := Dissector.New()
	p.Feed(dissectorCtx(rec), dissect.ToClient, dissectorSeeds(t)[0])
	if len(rec.Hosts) != 1 || rec.Hosts[0] != "db01.example.org" {
		t.Errorf("hosts %q", rec.Hosts)
	}
}
