package hl7

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestParserMessageTypes(t *testing.T) {
	seeds := dissectorSeeds(t)
	rec := &dissecttest.Recorder{}
	c := dissectorCtx(rec)
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, seeds[0])
	if st := p.Feed(c, dissect.ToClient, seeds[1]); st != dissect.Done {
		t.Errorf("status %d", st)
	}
	if rec.MetaKV["hl7.message_type"] != "ADT^A01" || rec.MetaKV["hl7.response_type"] != "ACK^A01" {
		t.Errorf("meta %v", rec.MetaKV)
	}
}
