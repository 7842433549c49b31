package dnp3

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestParserReportsFunctionAndAddresses(t *testing.T) {
	seeds := dissectorSeeds(t)
	rec := &dissecttest.Recorder{}
	c := dissectorCtx(rec)
	p := Dissector.New()
	// A read request split in the middle of its header, then a response.
	p.Feed(c, dissect.ToServer, seeds[0][:5])
	p.Feed(c, dissect.ToServer, seeds[0][5:])
	p.Feed(c, dissect.ToClient, seeds[2])
	p.Close(c)
	if got := rec.MetaKV["dnp3.function"]; got != "read" {
		t.Errorf("dnp3.function = %q, want read", got)
	}
	if got := rec.MetaKV["dnp3.response_function"]; got != "response" {
		t.Errorf("dnp3.response_function = %q, want response", got)
	}
	if got := rec.MetaKV["dnp3.addresses"]; got != "1>10" {
		t.Errorf("dnp3.addresses = %q, want 1>10", got)
	}
	if len(rec.Anomalies) != 0 {
		t.Errorf("anomalies %v", rec.Anomalies)
	}
}

func TestParserBadCRC(t *testing.T) {
	b := append([]byte(nil), dissectorSeeds(t)[0]...)
	b[8] ^= 0xff
	rec := &dissecttest.Recorder{}
	p := Dissector.New()
	p.Feed(dissectorCtx(rec), dissect.ToServer, b)
	if len(rec.Anomalies) != 1 || rec.Anomalies[0] != "dnp3.bad_header_crc" {
		t.Errorf("anomalies %v, want dnp3.bad_header_crc", rec.Anomalies)
	}
}

type nopEmitter struct{ dissecttest.Recorder }

func (*nopEmitter) Meta(string, []byte) {}

func TestParserNoAlloc(t *testing.T) {
	seeds := dissectorSeeds(t)
	c := dissectorCtx(&nopEmitter{})
	p := &parser{}
	if n := testing.AllocsPerRun(100, func() {
		p.reqs = 0
		p.Feed(c, dissect.ToServer, seeds[0])
		p.Feed(c, dissect.ToClient, seeds[2])
	}); n != 0 {
		t.Errorf("Feed allocates %.1f times per run", n)
	}
}
