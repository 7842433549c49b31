package imap

import (
	"testing"

	"github.com/netsift/netsift/dissect/dissecttest"
)

// TestUpgrade walks a STARTTLS exchange (RFC example shapes) and expects
// the hand-over to TLS only after the server's positive answer.
func TestUpgrade(t *testing.T) {
	dissecttest.CheckStartTLS(t, Dissector,
		"* OK IMAP4rev1 ready\r\n",
		"a001 STARTTLS\r\n",
		"a001 OK Begin TLS negotiation now\r\n")
}
