package http

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// FuzzHTTP feeds arbitrary bytes to the probe and to a parser in both
// directions, split at an arbitrary point; it must never panic.
func FuzzHTTP(f *testing.F) {
	f.Add(benchReq, benchResp, uint16(10))
	f.Fuzz(func(t *testing.T, req, resp []byte, cut uint16) {
		c := &dissect.Ctx{Proto: 6, Pkts: [2]uint32{1, 1}, Emit: &dissecttest.Recorder{}}
		probe(c, dissect.ToServer, req)
		probe(c, dissect.ToClient, resp)
		p := Dissector.New()
		k := int(cut) % (len(req) + 1)
		p.Feed(c, dissect.ToServer, req[:k])
		p.Feed(c, dissect.ToClient, resp)
		p.Gap(c, dissect.ToClient, int(cut))
		p.Feed(c, dissect.ToServer, req[k:])
		p.Feed(c, dissect.ToClient, resp)
		p.Close(c)
	})
}
