package smtp

import (
	"testing"

	"github.com/netsift/netsift/dissect/dissecttest"
)

// TestFeedAllocs checks that a command/reply round trip allocates nothing
// once the parser's buffers have grown (STYLE.md §4).
func TestFeedAllocs(t *testing.T) {
	dissecttest.CheckRoundAllocs(t, Dissector, "MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nRSET\r\n", "250 ok\r\n")
}
