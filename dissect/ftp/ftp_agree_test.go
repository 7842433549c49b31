package ftp

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// TestAgreement compares Dissector's probe with nDPI on the corpus flows.
func TestAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "FTP_CONTROL")
	t.Logf("FTP_CONTROL: %d/%d, false positives %d", hits, total, len(fp))
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

// FuzzFtp feeds arbitrary bytes to the probe(s) and parser(s) in both
// directions, over TCP and UDP.
func FuzzFtp(f *testing.F) {
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
	inputs := [][]byte{[]byte("AUTH TLS\x0d\x0a"), []byte("220 ProFTPD Server\x0d\x0a234 ok\x0d\x0a"), []byte("USER anonymous\x0d\x0a"), []byte("331 pw\x0d\x0a")}
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
