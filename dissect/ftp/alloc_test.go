package ftp

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// TestFeedAllocs checks that a command/reply round trip allocates nothing
// once the parser's buffers have grown (STYLE.md §4).
func TestFeedAllocs(t *testing.T) {
	c := &dissect.Ctx{Proto: 6, Emit: dissecttest.Nop{}}
	p := Dissector.New()
	cmd, rep := []byte("CWD /pub\r\n"), []byte("250 Directory successfully changed.\r\n")
	round := func() {
		p.Feed(c, dissect.ToServer, cmd[:3])
		p.Feed(c, dissect.ToServer, cmd[3:])
		p.Feed(c, dissect.ToClient, rep)
	}
	round()
	if n := testing.AllocsPerRun(100, round); n != 0 {
		t.Fatalf("%v allocs per round", n)
	}
}
