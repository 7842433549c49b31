package ftp

import (
	"testing"

	"github.com/netsift/netsift/dissect/dissecttest"
)

// TestFeedAllocs checks that a command/reply round trip allocates nothing
// once the parser's buffers have grown (STYLE.md §4).
func TestFeedAllocs(t *testing.T) {
	dissecttest.CheckRoundAllocs(t, Dissector, "CWD /pub\r\n", "250 Directory successfully changed.\r\n")
}
