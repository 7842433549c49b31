package kerberos

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// TestAgreement compares Dissector's probe with nDPI on the corpus flows.
func TestAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "Kerberos")
	t.Logf("Kerberos: %d/%d, false positives %d", hits, total, len(fp))
	for _, m := range missed {
		t.Log("missed ", m)
	}
	for _, m := range fp {
		t.Log("falsepos ", m)
	}
	if hits < minHitsDissector || len(fp) > maxFPDissector {
		t.Errorf("agreement %d/%d (want ≥ %d), false positives %d (want ≤ %d)", hits, total, minHitsDissector, len(fp), maxFPDissector)
	}
}

// FuzzKerberos feeds arbitrary bytes to the probe(s) and parser(s) in both
// directions, over TCP and UDP.
func FuzzKerberos(f *testing.F) {
	f.Add([]byte("x"), []byte("y"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		for _, proto := range []uint8{6, 17} {
			for _, d := range []*dissect.Dissector{Dissector} {
				c := &dissect.Ctx{Proto: proto, Emit: &dissecttest.Recorder{}}
				c.Pkts = [2]uint32{1, 1}
				d.Probe(c, dissect.ToServer, a)
				d.Probe(c, dissect.ToClient, b)
				if d.New == nil {
					continue
				}
				p := d.New()
				p.Feed(c, dissect.ToServer, a)
				p.Feed(c, dissect.ToClient, b)
				p.Feed(c, dissect.ToServer, b)
				p.Gap(c, dissect.ToClient, 10)
				p.Feed(c, dissect.ToClient, a)
				p.Close(c)
			}
		}
	})
}

// TestProbeAllocs checks that probing allocates nothing (STYLE.md §4).
func TestProbeAllocs(t *testing.T) {
	inputs := [][]byte{[]byte("j\x81\xe80\x81\xe5\xa1\x03\x02\x01\x05\xa2\x03\x02\x01\x0a\xa3\x150\x130\x11\xa1\x04\x02\x02\x00\x80\xa2\x09\x04\x070\x05\xa0\x03\x01\x01\xff\xa4\x81\xc20\x81\xbf\xa0\x07\x03\x05\x00@\x81\x00\x10\xa1\x150\x13\xa0\x03\x02\x01\x01\xa1\x0c0\x0a\x1b\x08johnson"), []byte("~d0b\xa0\x03\x02\x01\x05\xa1\x03\x02\x01\x1e\xa4\x11\x18\x0f20220222074604Z\xa5\x05\x02\x03\x0e\xc2m\xa6\x03\x02\x01\x19\xa9\x0e\x1b\x0cEXAMPLE.COM")}
	for _, proto := range []uint8{6, 17} {
		c := &dissect.Ctx{Proto: proto, Pkts: [2]uint32{1, 1}}
		for _, d := range []*dissect.Dissector{Dissector} {
			for _, in := range inputs {
				if n := testing.AllocsPerRun(20, func() {
					d.Probe(c, dissect.ToServer, in)
					d.Probe(c, dissect.ToClient, in)
				}); n != 0 {
					t.Errorf("%s probe: %v allocs", d.Name, n)
				}
			}
		}
	}
}
