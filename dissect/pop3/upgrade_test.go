package pop3

import (
	"testing"

	"github.com/netsift/netsift/dissect/dissecttest"
)

// TestUpgrade walks a STARTTLS exchange (RFC example shapes) and expects
// the hand-over to TLS only after the server's positive answer.
func TestUpgrade(t *testing.T) {
	dissecttest.CheckStartTLS(t, Dissector,
		"+OK POP3 ready\r\n",
		"STLS\r\n",
		"+OK Begin TLS\r\n")
}
