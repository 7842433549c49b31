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
		c := &dissect.Ctx{Proto: 6, Pkts: [2]uint32{1, 1}, Emit: &dissecttest.Recorder{}, Inspecting: true}
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

// FuzzNormalizeURI: http.uri normalisation never panics and never grows
// a request target (every step only decodes or removes).
func FuzzNormalizeURI(f *testing.F) {
	for _, s := range []string{"/a/./b/../c?q#f", "/%u0041%2f%C3%A9\\x", "http://h:1/p", "/..%2f..", "/caf%E9%"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if out := normalizeURI(nil, raw, false); len(out) > len(raw) {
			t.Fatalf("normalizeURI(%q) = %q grew", raw, out)
		}
	})
}
