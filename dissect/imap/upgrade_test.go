package imap

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// TestUpgrade walks a STARTTLS exchange (RFC example shapes) and expects
// the hand-over to TLS only after the server's positive answer.
func TestUpgrade(t *testing.T) {
	rec := &dissecttest.Recorder{}
	c := &dissect.Ctx{Proto: 6, Emit: rec}
	if v := Dissector.Probe(c, dissect.ToClient, []byte("* OK IMAP4rev1 ready\r\n")); v != dissect.Match && v != dissect.NeedMore {
		t.Fatalf("probe on greeting: %v", v)
	}
	p := Dissector.New()
	p.Feed(c, dissect.ToClient, []byte("* OK IMAP4rev1 ready\r\n"))
	p.Feed(c, dissect.ToServer, []byte("a001 STARTTLS\r\n"))
	if rec.Upgraded != "" {
		t.Fatal("upgraded before the answer")
	}
	if st := p.Feed(c, dissect.ToClient, []byte("a001 OK Begin TLS negotiation now\r\n")); st != dissect.Done || rec.Upgraded != "tls" {
		t.Fatalf("status %v upgraded %q", st, rec.Upgraded)
	}
}
