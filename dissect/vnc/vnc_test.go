package vnc

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestVersions(t *testing.T) {
	rec := &dissecttest.Recorder{}
	c := &dissect.Ctx{Proto: 6, Emit: rec}
	p := Dissector.New()
	p.Feed(c, dissect.ToClient, []byte("RFB 003.0"))
	p.Feed(c, dissect.ToClient, []byte("08\n\x00\x00\x00\x01"))
	if st := p.Feed(c, dissect.ToServer, []byte("RFB 003.008\n")); st != dissect.Done {
		t.Fatalf("status %v", st)
	}
	p.Close(c)
	want := `rfb {"client_protocol_version":{"major":"003","minor":"008"},"server_protocol_version":{"major":"003","minor":"008"}}`
	if len(rec.Events) != 1 || rec.Events[0] != want {
		t.Fatalf("events %q", rec.Events)
	}
}
