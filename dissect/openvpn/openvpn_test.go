package openvpn

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// DissectorSeeds are real messages (from captures) that Dissector's probe must match.
var DissectorSeeds = []string{
	"38334857703d96db390000000000",
	"40d31c3a6964602fa00100000000334857703d96db3900000000",
	// tls-auth (SHA-512 HMAC) client reset.
	"389753568924842f7ba6451d00b204542cec1183d286579c7a0d1b4e77c933bd1e44c778043835399e46c15b986f91d1883467f203c379ef843943c991f4d7fa22093a4bff93864fb800000001669fcf310000000000",
	// tls-crypt-v2 client reset (HARD_RESET_CLIENT_V3 with WKc).
	"50aae06512392a3d710a010001625a9e9785ead7700d5d18dac8f1eb9b317b46a2fc3519cab585d134a9251798df506f18831d1778e9aece89e8c67f5743d0c3e4e22b9c779d05805b1a327a5d2afca997b7dc48bea88594971a6eead55058f2f29ef6e439da74f848d1316ca7989f309d71701fc24fc5a86802fed6efa0171cef869f910a4aee47457f8f664db7a9e539e62c63f35878e72cf94f89bf97bcdb2fcf49ed9de6aa4847a3dc89680a520e7c202b526577b9c2fb4cc651147ab81811e87ddb4f35c872c9214929b05d940f2d90ec0c8f053c013674b613c7c55cc58fa3707be8f03445616a57dd96ea5394b299fc4b2e4cf66fae1c79caaf73552bc215433cb04e7cd0509d5be75d05c2b820b77b82913f3919f5d32840854ffd7e12b6643164a99a4870055d9d8ad22f24d4c6b9d58c80d26681e99ee759027e3d85e90a522b3bd7a2d777b886fa438043ca69a9c2f7563bfa7ff4bdfeca21f4012b",
}

// notOpenVPN are real datagrams from other protocols the probe must reject.
var notOpenVPN = []string{
	// AVAST SecureDNS query on UDP 443 (DNS counts then a 1-byte label
	// look like a tls-crypt packet-id 1).
	"3a7301000001000000000000013209534563755265444e7305417661735403434f6d0000100001",
}

func TestOpenVPNProbeRejects(t *testing.T) {
	for i, s := range notOpenVPN {
		c := &dissect.Ctx{Proto: 17, Pkts: [2]uint32{1, 0}, Emit: &dissecttest.Recorder{},
			Client: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 1}), 40000),
			Server: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, 2}), 443)}
		if v := Dissector.Probe(c, dissect.ToServer, unhexFuzzOpenVPN(t, s)); v != dissect.NoMatch {
			t.Errorf("reject %d: verdict %d, want NoMatch", i, v)
		}
	}
}

func unhexFuzzOpenVPN(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOpenVPNProbeSeeds(t *testing.T) {
	for i, s := range DissectorSeeds {
		b := unhexFuzzOpenVPN(t, s)
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

func TestOpenVPNAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "OpenVPN")
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

func FuzzOpenVPN(f *testing.F) {
	for _, s := range DissectorSeeds {
		f.Add(unhexFuzzOpenVPN(f, s))
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
