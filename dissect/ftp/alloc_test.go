package ftp

import (
	"net/netip"
	"testing"

	"github.com/netsift/netsift/dissect"
)

// nopEmitter discards everything, so that only the parser's own
// allocations are counted.
type nopEmitter struct{}

func (nopEmitter) Host([]byte)                               {}
func (nopEmitter) Event(dissect.Dir, string, dissect.Record) {}
func (nopEmitter) Resolved([]byte, netip.Addr)               {}
func (nopEmitter) Anomaly(string)                            {}
func (nopEmitter) Meta(string, []byte)                       {}
func (nopEmitter) Upgrade(string)                            {}
func (nopEmitter) ServerName([]byte)                         {}

// TestFeedAllocs checks that a command/reply round trip allocates nothing
// once the parser's buffers have grown (STYLE.md §4).
func TestFeedAllocs(t *testing.T) {
	c := &dissect.Ctx{Proto: 6, Emit: nopEmitter{}}
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
