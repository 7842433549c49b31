package quic

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// FuzzQUIC feeds arbitrary datagrams to the probe and to a parser in both
// directions, and arbitrary plaintext to the frame walker: no panics.
func FuzzQUIC(f *testing.F) {
	f.Add([]byte("\xc0\x00\x00\x00\x01\x08\x01\x02\x03\x04\x05\x06\x07\x08\x00\x00\x41\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rec := &dissecttest.Recorder{}
		c := &dissect.Ctx{Proto: 17, Emit: rec}
		c.Pkts[0] = 1
		probe(c, dissect.ToServer, b)
		probe(c, dissect.ToClient, b)
		p := newParser()
		p.Feed(c, dissect.ToServer, b)
		c.Pkts[1] = 1
		p.Feed(c, dissect.ToClient, b)
		p.Close(c)
		// The frame walker and CHLO parser see decrypted bytes.
		q := newParser()
		q.frames(c, dissect.ToServer, gquicT051, b)
		q.tryHello(c, dissect.ToServer, gquicT051)
		q.frames(c, dissect.ToClient, v1, b)
		q.tryHello(c, dissect.ToClient, v1)
		q.begin(gquicQ046, dissect.ToServer, true)
		q.gquicCHLO(c, b)
		q.gquicPlain(c, dissect.ToServer, gquicQ046, true, b)
		q.Close(c)
	})
}
