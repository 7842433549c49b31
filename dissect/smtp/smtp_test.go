package smtp

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestEnvelope(t *testing.T) {
	rec := &dissecttest.Recorder{}
	c := &dissect.Ctx{Proto: 6, Emit: rec}
	p := Dissector.New()
	p.Feed(c, dissect.ToClient, []byte("220 mx ESMTP\r\n"))
	p.Feed(c, dissect.ToServer, []byte("EHLO client.example\r\nMAIL FROM:<a@example.com> SIZE=12\r\nRCPT TO:<b@example.org>\r\nRCPT"))
	p.Feed(c, dissect.ToServer, []byte(" TO:<c@example.org>\r\nDATA\r\nSubject: x\r\n\r\nRCPT TO:<not@this>\r\n.\r\nQUIT\r\n"))
	p.Close(c)
	want := `smtp {"helo":"client.example","mail_from":"<a@example.com>","rcpt_to":["<b@example.org>","<c@example.org>"]}`
	if len(rec.Events) != 1 || rec.Events[0] != want {
		t.Fatalf("events %q", rec.Events)
	}
}

// TestSTARTTLS checks the hand-over to TLS on a real STARTTLS capture.
func TestSTARTTLS(t *testing.T) {
	dir := dissecttest.NDPICorpus(t)
	n := 0
	for _, f := range dissecttest.ReadFlows(t, filepath.Join(dir, "smtp-starttls.pcap")) {
		r := dissecttest.Run(Dissector, f)
		if r.Verdict != dissect.Match {
			continue
		}
		n++
		if r.Rec.Upgraded != "tls" {
			t.Errorf("%v: not upgraded", f.Client)
		}
	}
	if n == 0 {
		t.Fatal("no SMTP flow")
	}
	for _, f := range dissecttest.ReadFlows(t, filepath.Join(dir, "smtp.pcap")) {
		r := dissecttest.Run(Dissector, f)
		if r.Verdict == dissect.Match {
			t.Log(r.Rec.Events)
			if len(r.Rec.Events) == 0 || !strings.Contains(r.Rec.Events[0], `"helo":"delta.peach.mil"`) {
				t.Errorf("events %v", r.Rec.Events)
			}
		}
	}
}
