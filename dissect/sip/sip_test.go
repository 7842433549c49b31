package sip

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// DissectorSeeds are real messages (from captures) that Dissector's probe must
// match on their own.
var DissectorSeeds = []string{
	"5245474953544552207369703a7369702e6379626572636974792e646b205349502f322e300d0a5669613a205349502f322e302f554450203139322e3136382e312e323b6272616e63683d7a39684734624b6e703135313234383733372d34366561373135653139322e3136382e312e323b72706f72740d0a46726f6d3a203c7369703a766f693138303633407369702e6379626572",
	"5349502f322e302034303120556e617574686f72697a65640d0a43616c6c2d49443a203537383232323732392d3436363564373735403537383232323733322d34363635643737320d0a435365713a2036382052454749535445520d0a46726f6d3a203c7369703a766f693138303633407369702e6379626572636974792e646b3e3b7461673d393033646630610d0a546f3a203c73",
	"5349502f322e302031303020747279696e67202d2d20796f75722063616c6c20697320696d706f7274616e7420746f2075730d0a5669613a205349502f322e302f554450203139322e3136382e312e323a353036303b6272616e63683d7a39684734624b6e703130343938343035332d34346365346134313139322e3136382e312e323b72706f72743d353036303b72656365697665",
	"43414e43454c207369703a393732333932383730343440766f69702e6272756a756c612e6e6574205349502f322e300d0a5669613a205349502f322e302f554450203139322e3136382e312e323b6272616e63683d7a39684734624b6e703130343938343035332d34346365346134313139322e3136382e312e323b72706f72740d0a46726f6d3a20226172696b22203c7369703a38",
}

func unhexSIP(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ctxSIP(proto uint8) *dissect.Ctx {
	return &dissect.Ctx{Proto: proto, Pkts: [2]uint32{1, 0}, Emit: &dissecttest.Recorder{},
		Client: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 1}), 40000),
		Server: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 2}), 5060)}
}

func TestSIPProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexSIP(t, s)
		c := ctxSIP(17)
		if v := Dissector.Probe(c, dissect.ToServer, b); v != dissect.Match {
			t.Errorf("seed %d: verdict %d, want Match", i, v)
		}
		if Dissector.New != nil {
			p := Dissector.New()
			p.Feed(c, dissect.ToServer, b)
			p.Close(c)
		}
		if n := testing.AllocsPerRun(50, func() { Dissector.Probe(c, dissect.ToServer, b) }); n != 0 {
			t.Errorf("seed %d: probe allocates %.1f times", i, n)
		}
	}
}

func TestSIPDissectorAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "SIP")
	t.Logf("Dissector: %d/%d nDPI flows matched, %d false positives", hits, total, len(fp))
	for _, m := range missed {
		t.Logf("missed: %s", m)
	}
	for _, m := range fp {
		t.Logf("false positive: %s", m)
	}
	if hits*100 < total*95 {
		t.Errorf("agreement %d/%d below 95%%", hits, total)
	}
	if len(fp) > 0 {
		t.Errorf("%d false positives, want at most 0", len(fp))
	}
}

func FuzzSIP(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexSIP(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, d := range []*dissect.Dissector{Dissector} {
			for _, proto := range []uint8{6, 17} {
				c := ctxSIP(proto)
				c.Pkts = [2]uint32{1, 1}
				d.Probe(c, dissect.ToServer, b)
				d.Probe(c, dissect.ToClient, b)
				if d.New != nil {
					p := d.New()
					p.Feed(c, dissect.ToServer, b)
					p.Feed(c, dissect.ToClient, b)
					p.Gap(c, dissect.ToServer, 10)
					p.Feed(c, dissect.ToServer, b)
					p.Close(c)
				}
			}
		}
	})
}
