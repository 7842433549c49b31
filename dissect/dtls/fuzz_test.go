package dtls

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// FuzzDTLS feeds arbitrary datagrams to the probe and to a parser in both
// directions: no panics.
func FuzzDTLS(f *testing.F) {
	f.Add(records(1, 0, dtlsHello("seed.example"), 60)[0])
	f.Fuzz(func(t *testing.T, b []byte) {
		rec := &dissecttest.Recorder{}
		c := &dissect.Ctx{Proto: 17, Emit: rec}
		c.Pkts[0] = 1
		probe(c, dissect.ToServer, b)
		p := newParser()
		p.Feed(c, dissect.ToServer, b)
		c.Pkts[1] = 1
		p.Feed(c, dissect.ToClient, b)
		p.handshake(c, dissect.ToServer, b)
		p.Close(c)
	})
}
