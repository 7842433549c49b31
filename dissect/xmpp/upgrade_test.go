package xmpp

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// TestUpgrade walks a STARTTLS exchange (RFC example shapes) and expects
// the hand-over to TLS only after the server's positive answer.
func TestUpgrade(t *testing.T) {
	dissecttest.CheckStartTLS(t, Dissector,
		"<?xml version='1.0'?><stream:stream from='example.com' id='x' version='1.0'><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>",
		"<?xml version='1.0'?><stream:stream to='example.com' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
		"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
}

func TestHost(t *testing.T) {
	rec := &dissecttest.Recorder{}
	c := &dissect.Ctx{Proto: 6, Emit: rec}
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, []byte(`<?xml version="1.0"?><stream:stream xmlns="jabber:client" to="chat.example.org" version="1.0">`))
	if len(rec.Hosts) != 1 || rec.Hosts[0] != "chat.example.org" {
		t.Fatalf("hosts %q", rec.Hosts)
	}
}
