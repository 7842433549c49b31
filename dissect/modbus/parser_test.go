package modbus

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestParserFunctionsAndExceptions(t *testing.T) {
	seeds := dissectorSeeds(t)
	rec := &dissecttest.Recorder{}
	c := dissectorCtx(rec)
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, seeds[0][:3])
	p.Feed(c, dissect.ToServer, seeds[0][3:])
	p.Feed(c, dissect.ToClient, seeds[1])
	p.Feed(c, dissect.ToClient, seeds[2])
	p.Close(c)
	if got := rec.MetaKV["modbus.function"]; got != "read_holding_registers" {
		t.Errorf("modbus.function = %q", got)
	}
	if len(rec.Anomalies) != 1 || rec.Anomalies[0] != "modbus.exception_response" {
		t.Errorf("anomalies %v", rec.Anomalies)
	}
}

func TestParserRejectsBadMBAP(t *testing.T) {
	rec := &dissecttest.Recorder{}
	p := Dissector.New()
	if st := p.Feed(dissectorCtx(rec), dissect.ToServer, []byte("\x00\x01\x00\x05\x00\x06\x01\x03\x00\x01\x00\x01")); st != dissect.Fail {
		t.Errorf("status %d, want Fail", st)
	}
}

type nopEmitter struct{ dissecttest.Recorder }

func (*nopEmitter) Meta(string, []byte) {}
func (*nopEmitter) Anomaly(string)      {}

func TestParserNoAlloc(t *testing.T) {
	seeds := dissectorSeeds(t)
	c := dissectorCtx(&nopEmitter{})
	p := &parser{}
	if n := testing.AllocsPerRun(100, func() {
		p.Feed(c, dissect.ToServer, seeds[0])
		p.Feed(c, dissect.ToClient, seeds[1])
	}); n != 0 {
		t.Errorf("Feed allocates %.1f times per run", n)
	}
}
