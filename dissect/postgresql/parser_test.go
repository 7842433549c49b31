package postgresql

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestParserStartup(t *testing.T) {
	seeds := dissectorSeeds(t)
	rec := &dissecttest.Recorder{}
	c := dissectorCtx(rec)
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, seeds[1][:6])
	if st := p.Feed(c, dissect.ToServer, seeds[1][6:]); st != dissect.Done {
		t.Errorf("status %d, want Done", st)
	}
	want := map[string]string{"pgsql.user": "alice", "pgsql.database": "inventory", "pgsql.application_name": "psql"}
	for k, v := range want {
		if rec.MetaKV[k] != v {
			t.Errorf("%s = %q, want %q", k, rec.MetaKV[k], v)
		}
	}
}

func TestParserSSLUpgrade(t *testing.T) {
	seeds := dissectorSeeds(t)
	rec := &dissecttest.Recorder{}
	c := dissectorCtx(rec)
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, seeds[0])
	if st := p.Feed(c, dissect.ToClient, []byte("S")); st != dissect.Done || rec.Upgraded != "tls" {
		t.Errorf("status %d upgrade %q, want Done tls", st, rec.Upgraded)
	}
}

func TestParserSSLRefusedThenStartup(t *testing.T) {
	seeds := dissectorSeeds(t)
	rec := &dissecttest.Recorder{}
	c := dissectorCtx(rec)
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, seeds[0])
	p.Feed(c, dissect.ToClient, []byte("N"))
	p.Feed(c, dissect.ToServer, seeds[1])
	if rec.Upgraded != "" || rec.MetaKV["pgsql.user"] != "alice" {
		t.Errorf("upgrade %q user %q", rec.Upgraded, rec.MetaKV["pgsql.user"])
	}
}

func TestParserStartupEvent(t *testing.T) {
	rec := &dissecttest.Recorder{}
	p := Dissector.New()
	p.Feed(dissectorCtx(rec), dissect.ToServer, dissectorSeeds(t)[1])
	want := `pgsql {"request":{"protocol_version":"3.0","startup_parameters":{"optional_parameters":[{"database":"inventory"},{"application_name":"psql"}],"user":"alice"}}}`
	if len(rec.Events) != 1 || rec.Events[0] != want {
		t.Errorf("events %q\nwant %q", rec.Events, want)
	}
}
