package mysql

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestParserGreetingAndLogin(t *testing.T) {
	seeds := dissectorSeeds(t)
	rec := &dissecttest.Recorder{}
	c := dissectorCtx(rec)
	p := Dissector.New()
	p.Feed(c, dissect.ToClient, seeds[0])
	p.Feed(c, dissect.ToServer, seeds[1][:10])
	if st := p.Feed(c, dissect.ToServer, seeds[1][10:]); st != dissect.Done {
		t.Errorf("status %d, want Done", st)
	}
	want := map[string]string{"mysql.version": "8.0.36", "mysql.user": "root", "mysql.database": "shop"}
	for k, v := range want {
		if rec.MetaKV[k] != v {
			t.Errorf("%s = %q, want %q", k, rec.MetaKV[k], v)
		}
	}
}

func TestParserSSLRequest(t *testing.T) {
	seeds := dissectorSeeds(t)
	rec := &dissecttest.Recorder{}
	c := dissectorCtx(rec)
	p := Dissector.New()
	p.Feed(c, dissect.ToClient, seeds[0])
	// SSLRequest: 32-byte handshake response prefix with CLIENT_SSL.
	ssl := []byte{32, 0, 0, 1, 0x0d, 0xaa, 0xaf, 0x01, 0, 0, 0, 1, 0xff}
	ssl = append(ssl, make([]byte, 23)...)
	if st := p.Feed(c, dissect.ToServer, ssl); st != dissect.Done || rec.Upgraded != "tls" {
		t.Errorf("status %d upgrade %q, want Done tls", st, rec.Upgraded)
	}
}
