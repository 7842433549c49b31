package tds

import (
	"encoding/binary"
	"testing"
	"unicode/utf16"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// login7 builds a cleartext LOGIN7 packet as [MS-TDS] 2.2.6.4 lays it out.
func login7(host, user, app, server string) []byte {
	fixed := make([]byte, 94)
	binary.LittleEndian.PutUint32(fixed[4:], 0x74000004) // TDS 7.4
	var data []byte
	put := func(at int, s string) {
		binary.LittleEndian.PutUint16(fixed[at:], uint16(94+len(data)))
		binary.LittleEndian.PutUint16(fixed[at+2:], uint16(len(s)))
		for _, u := range utf16.Encode([]rune(s)) {
			data = binary.LittleEndian.AppendUint16(data, u)
		}
	}
	put(36, host)
	put(40, user)
	put(44, "")
	put(48, app)
	put(52, server)
	body := append(fixed, data...)
	binary.LittleEndian.PutUint32(body, uint32(len(body)))
	pkt := []byte{typLogin7, 0x01, 0, 0, 0, 0, 1, 0}
	binary.BigEndian.PutUint16(pkt[2:], uint16(8+len(body)))
	return append(pkt, body...)
}

func TestParserLogin7(t *testing.T) {
	pkt := login7("WS-042", "sa", "sqlcmd", "db.example.net")
	if v := probe(dissectorCtx(nil), dissect.ToServer, pkt); v != dissect.Match {
		t.Fatalf("probe %d on LOGIN7", v)
	}
	rec := &dissecttest.Recorder{}
	c := dissectorCtx(rec)
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, dissectorSeeds(t)[0])
	p.Feed(c, dissect.ToServer, pkt[:50])
	if st := p.Feed(c, dissect.ToServer, pkt[50:]); st != dissect.Done {
		t.Errorf("status %d, want Done", st)
	}
	if len(rec.Hosts) != 1 || rec.Hosts[0] != "db.example.net" {
		t.Errorf("hosts %q", rec.Hosts)
	}
	want := map[string]string{"tds.client_host": "WS-042", "tds.user": "sa", "tds.app": "sqlcmd"}
	for k, v := range want {
		if rec.MetaKV[k] != v {
			t.Errorf("%s = %q, want %q", k, rec.MetaKV[k], v)
		}
	}
}
