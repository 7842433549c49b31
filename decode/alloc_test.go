package decode

import (
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// benchFrames are the frames the allocation test and benchmarks decode.
func benchFrames(t testing.TB) map[string][]byte {
	E, E6 := layers.EthernetTypeIPv4, layers.EthernetTypeIPv6
	return map[string][]byte{
		"EthIPv4TCP":  ser(t, cat(eth(E), v4TCP())...),
		"VLANIPv6UDP": ser(t, cat(eth(layers.EthernetTypeDot1Q), vlan(100, E6), v6UDP())...),
		"GTPIPv4TCP":  ser(t, cat(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 2152, DstPort: 2152}}, gtpGPDU(), v4TCP())...),
		"VXLANIPv4TCP": ser(t, cat(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 40000, DstPort: 4789}, &layers.VXLAN{ValidIDFlag: true, VNI: 7}},
			eth(E), v4TCP())...),
		"QinQPPPoEIPv4TCP": ser(t, cat(eth(layers.EthernetTypeQinQ), vlan(2, layers.EthernetTypeDot1Q), vlan(3, layers.EthernetTypePPPoESession),
			[]sl{&layers.PPPoE{Version: 1, Type: 1, Code: layers.PPPoECodeSession, SessionId: 1}, &layers.PPP{PPPType: layers.PPPTypeIPv4}}, v4TCP())...),
	}
}

// TestDecodeAllocs proves the per-packet path allocates nothing, tunnels
// and fragment reassembly (once its buffers are warm) included.
func TestDecodeAllocs(t *testing.T) {
	d := NewDecoder(Config{})
	var p Packet
	for name, f := range benchFrames(t) {
		d.Decode(LinkEthernet, f, t0, &p)
		if p.Anomaly != AnomalyNone {
			t.Fatalf("%s: %v", name, p.Anomaly)
		}
		if n := testing.AllocsPerRun(1000, func() { d.Decode(LinkEthernet, f, t0, &p) }); n != 0 {
			t.Errorf("%s: %v allocations per packet, want 0", name, n)
		}
	}

	dg := udp4Datagram(t, 1, bigPayload)
	frags := frag4(dg, piece{lo: 0, hi: 1480}, piece{lo: 1480, hi: 2960}, piece{lo: 2960, hi: len(dg) - 20})
	ts := t0
	run := func() {
		for _, f := range frags {
			ts = ts.Add(time.Millisecond)
			d.Decode(LinkEthernet, f, ts, &p)
		}
	}
	run()
	if p.Anomaly != AnomalyNone {
		t.Fatalf("reassembly: %v", p.Anomaly)
	}
	if n := testing.AllocsPerRun(1000, run); n != 0 {
		t.Errorf("fragment reassembly: %v allocations per datagram once warm, want 0", n)
	}
}
