package ftp

import (
	"testing"

	"github.com/netsift/netsift/dissect/dissecttest"
)

// TestUpgrade walks a STARTTLS exchange (RFC example shapes) and expects
// the hand-over to TLS only after the server's positive answer.
func TestUpgrade(t *testing.T) {
	dissecttest.CheckStartTLS(t, Dissector,
		"220 ProFTPD Server\r\n",
		"AUTH TLS\r\n",
		"234 AUTH TLS successful\r\n")
}
