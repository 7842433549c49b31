package ldap

import (
	"encoding/hex"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestStartTLS(t *testing.T) {
	// extendedRequest { requestName "1.3.6.1.4.1.1466.20037" }, message 1,
	// then extendedResponse { resultCode success, "", "" }.
	req, _ := hex.DecodeString("301d02010177188016312e332e362e312e342e312e313436362e3230303337")
	resp, _ := hex.DecodeString("300c02010178070a010004000400")
	rec := &dissecttest.Recorder{}
	c := &dissect.Ctx{Proto: 6, Emit: rec}
	if Dissector.Probe(c, dissect.ToServer, req) != dissect.Match {
		t.Fatal("probe")
	}
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, req)
	if p.Feed(c, dissect.ToClient, resp) != dissect.Done || rec.Upgraded != "tls" {
		t.Fatal("no upgrade")
	}
	// A failed StartTLS (resultCode 2, protocolError) keeps the parser.
	rec, p = &dissecttest.Recorder{}, Dissector.New()
	c.Emit = rec
	p.Feed(c, dissect.ToServer, req)
	resp[9] = 2
	if p.Feed(c, dissect.ToClient, resp) != dissect.Continue || rec.Upgraded != "" {
		t.Fatal("upgraded on failure")
	}
}

func TestNotLDAP(t *testing.T) {
	c := &dissect.Ctx{Proto: 17, Pkts: [2]uint32{1, 1}}
	// SNMPv2c get-request: SEQUENCE, INTEGER version, OCTET STRING community.
	snmp, _ := hex.DecodeString("302602010104067075626c6963a0190204")
	if Dissector.Probe(c, dissect.ToServer, snmp) != dissect.NoMatch {
		t.Fatal("SNMP matched")
	}
}
