package imap

import (
	"path/filepath"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// TestSTARTTLS checks the hand-over to TLS on a real STARTTLS capture.
func TestSTARTTLS(t *testing.T) {
	dir := dissecttest.NDPICorpus(t)
	n := 0
	for _, f := range dissecttest.ReadFlows(t, filepath.Join(dir, "imap-starttls.pcap")) {
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
		t.Fatal("no IMAP flow")
	}
}
