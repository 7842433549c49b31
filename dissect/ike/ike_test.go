package ike

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// DissectorSeeds are real messages (from captures) that Dissector's probe must match.
var DissectorSeeds = []string{
	"1c1869f6d29ba0cc0000000000000000212022080000000000000166220000300000002c010100040300000c0100000c800e01000300000802000006030000080300000d00000008040000142800006800140000a29f74cb78c798d31654621b3517ab39517330fe49a112e52154feb8671a1dc50301f67d6a0b9be2fde27d286af620232ad77f5d9a085fbe9ed1248f5de731497ce04b51c93a9b09b737d783de9d14b04592f0695cf1e251bd53dbd8b6057cdd2b0000246cbde3730e815c3ed7b4d31374469cd49e1f506bdd9cedb49c58cd96da7b628c2b000017434953434f2d44454c4554452d524541534f4e2b000013434953434f56504e2d5245562d30322b000017434953434f2d44594e414d49432d524f55544529000015464c455856504e2d535550504f525445442900001c00004004236fb80b00e123217aba0d0c8b34b1ed5cd911090000001c000040051203d641f084b9af5e205e1c9d854da14e7583db",
	"00000000b64ef32131a4895286babd39048869552e202308000000010000032c23000310c4ff8cdb8b2ce73c55be250e9d8b7c57dd587da77b1f94ca608d40cd0266550d7bef9bea2b8940386746b2f96f3a45f635a9b37be8319e854bc9402ca7c4b01f1250c2daa5dcb00e6574830df4e78f324750e0c2a98881a4eb7aba29313f4f79930f2aded330cd248fc5cba3ed79d6e8fcd1042184b46e67783e2c564fa5d4991455c8a4cade2e39c0bf140f10be6c612e991e823b4ca6302cc4b137be9301b62663fb34f48e162a73d93abd23f069e027f391d61b22266c6e03ceb99e4d4e544201c6e3618fcd3ac973858b98e6ed7bd4b4d00b10550f40f4b04aec73dd7699b3972a32772d396bb3ab7066bcee649e9c466d94983a4aba76da8bc7c6050068d5c7e663ce6ed31fa90fd93b4ede3044801ea2746b919de881d139029464818b00774fd06a4d3ce833da1710842e4c086f1294fa32aaced81c0848abb7649fcda771fad08392c6e2b1416a56ad20a4bacdadd808169477a1e08cfefa9e83e5f03a3a6aa941c0bf1fc834b0cf39b4e6de2b094253a837c76dd2e495b7f49cf6c282cb7100fe9ce216e24d38e7fea93bbad651b7d61071b5a9a8325c6a79827666f59cbd2625b86a349293d25695d54577c777e3460951420980861b36854489a3477836285f112ed1d84a2b4e056a810238ca8e5774b5e156e22028fe0abbccd18e57c99845682cccb76bb44b7639fa45621cd13d51f5c73360af22f0c8e0aa866ab91efa0c09484b0afcefc51993a0f0f63287064502963d34b2231f0963b30406d3331a4d2831dfcb9741fce0b80e3914f09c795b0e246756c6a34613a33f100a791f85bf74e4a8f0682d01b5824a85362a29ea41a5d324d40040627946020a469a5fc19c19b680ad4a47ee55d3497f49c8964091c5c4495d7fed833a826dc3cf3834ab45d6f156ec484f7d6a8bc8b5c215ea3a2d992ce23764b701bd11442db7804b3eebd5c97014dcbb4f78bb7ad2d03037f4ae12aa9087a0a17a286c194ce7b5a58d74af6f17fad9c21a1fa6315d07a25c87c60ebf28d2c18a4ffa3ea9c99993ecdc349fa165c41db1387e1789624fdd1ad50485b8eb059abe150f4d1d460b42e15fb26e6f1e5e69a700",
}

func unhexFuzzIKE(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestIKEProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexFuzzIKE(t, s)
		rec := &dissecttest.Recorder{}
		c := &dissect.Ctx{Proto: 17, Pkts: [2]uint32{1, 0}, Emit: rec}
		if len(Dissector.Ports) > 0 {
			c.Client = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 1}), 40000)
			c.Server = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 2}), Dissector.Ports[0])
		}
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

func TestIKEAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "IPSec")
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

func FuzzIKE(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexFuzzIKE(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, proto := range []uint8{6, 17} {
			c := &dissect.Ctx{Proto: proto, Pkts: [2]uint32{1, 1}, Emit: &dissecttest.Recorder{}}
			Dissector.Probe(c, dissect.ToServer, b)
			Dissector.Probe(c, dissect.ToClient, b)
			if Dissector.New != nil {
				p := Dissector.New()
				p.Feed(c, dissect.ToServer, b)
				p.Feed(c, dissect.ToClient, b)
				p.Gap(c, dissect.ToServer, 10)
				p.Feed(c, dissect.ToServer, b)
				p.Close(c)
			}
		}
	})
}
