package pop3

import (
	"testing"

	"github.com/netsift/netsift/dissect/dissecttest"
)

// TestFeedAllocs checks that a command/reply round trip allocates nothing
// once the parser's buffers have grown (STYLE.md §4).
func TestFeedAllocs(t *testing.T) {
	dissecttest.CheckRoundAllocs(t, Dissector, "LIST\r\n", "+OK 2 messages\r\n")
}
