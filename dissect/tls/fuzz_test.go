package tls

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// FuzzTLS feeds arbitrary bytes to the probe and, split in two at a
// fuzzed point, to a parser in both directions: no panics allowed.
func FuzzTLS(f *testing.F) {
	f.Add([]byte("\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"), uint8(3))
	f.Fuzz(func(t *testing.T, b []byte, cut uint8) {
		rec := &dissecttest.Recorder{}
		c := &dissect.Ctx{Proto: 6, Emit: rec, Inspecting: true}
		for _, dir := range []dissect.Dir{dissect.ToServer, dissect.ToClient} {
			probe(c, dir, b)
		}
		k := min(int(cut), len(b))
		p := newParser()
		for _, dir := range []dissect.Dir{dissect.ToServer, dissect.ToClient} {
			c.Pkts[dir]++
			p.Feed(c, dir, b[:k])
			p.Feed(c, dir, b[k:])
		}
		p.Gap(c, dissect.ToServer, 10)
		p.Close(c)
	})
}
