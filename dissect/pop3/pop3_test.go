package pop3

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestEvents(t *testing.T) {
	rec := &dissecttest.Recorder{}
	c := &dissect.Ctx{Proto: 6, Emit: rec}
	p := Dissector.New()
	for _, s := range []struct {
		dir  dissect.Dir
		data string
	}{
		{dissect.ToClient, "+OK POP3 server ready\r\n"},
		{dissect.ToServer, "USER bob\r\n"},
		{dissect.ToClient, "+OK\r\n"},
		{dissect.ToServer, "PASS hunter2\r\n"},
		{dissect.ToClient, "-ERR invalid password\r\n"},
		{dissect.ToServer, "CAPA\r\n"},
		{dissect.ToClient, "+OK Capability list follows\r\nTOP\r\nUSER\r\n.\r\n"},
		{dissect.ToServer, "QUIT\r\n"},
	} {
		p.Feed(c, s.dir, []byte(s.data))
	}
	p.Close(c)
	want := strings.Join([]string{
		`pop3 {"response":{"success":true,"status":"+OK","header":"+OK POP3 server ready"}}`,
		`pop3 {"request":{"command":"USER","args":["bob"]},"response":{"success":true,"status":"+OK","header":"+OK"}}`,
		`pop3 {"request":{"command":"PASS","args":["xxxxxxxx"]},"response":{"success":false,"status":"-ERR","header":"-ERR invalid password"}}`,
		`pop3 {"request":{"command":"CAPA","args":[]},"response":{"success":true,"status":"+OK","header":"+OK Capability list follows"}}`,
		`pop3 {"request":{"command":"QUIT","args":[]}}`,
	}, "\n")
	if got := strings.Join(rec.Events, "\n"); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestCorpusEvents(t *testing.T) {
	dir := dissecttest.NDPICorpus(t)
	n := 0
	for _, f := range dissecttest.ReadFlows(t, filepath.Join(dir, "pop3.pcap")) {
		r := dissecttest.Run(Dissector, f)
		if r.Verdict == dissect.Match {
			n += len(r.Rec.Events)
			if len(r.Rec.Anomalies) > 0 {
				t.Errorf("%v: anomalies %v", f.Client, r.Rec.Anomalies)
			}
		}
	}
	if n == 0 {
		t.Fatal("no events")
	}
	t.Logf("%d pop3 events", n)
}
