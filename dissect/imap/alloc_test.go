package imap

import (
	"testing"

	"github.com/netsift/netsift/dissect/dissecttest"
)

// TestFeedAllocs checks that a command/reply round trip allocates nothing
// once the parser's buffers have grown (STYLE.md §4).
func TestFeedAllocs(t *testing.T) {
	dissecttest.CheckRoundAllocs(t, Dissector, "a2 NOOP\r\n", "a2 OK NOOP completed\r\n")
}
