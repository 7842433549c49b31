package decode

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

var t0 = time.Date(2024, 10, 21, 12, 0, 0, 0, time.UTC)

// want is the expected decode of a frame; zero fields are checked as zero.
type want struct {
	anomaly      Anomaly
	inner        Anomaly // InnerAnomaly
	ver          uint8
	src, dst     string
	proto        uint8
	sport, dport uint16
	payload      string
	tunnel       Tunnel
	vlans        []uint16
	icmp         [2]uint8 // type, code
	truncated    bool
}

// Expected decodes of the standard inner packets.
var (
	wV4TCP = want{ver: 4, src: "10.0.0.1", dst: "192.168.1.2", proto: ProtoTCP, sport: 1234, dport: 80, payload: "hello"}
	wV4UDP = want{ver: 4, src: "10.0.0.1", dst: "192.168.1.2", proto: ProtoUDP, sport: 5353, dport: 53, payload: "query"}
	wV6UDP = want{ver: 6, src: "2001:db8::1", dst: "2001:db8:1::2", proto: ProtoUDP, sport: 5353, dport: 53, payload: "query"}
	wV6TCP = want{ver: 6, src: "2001:db8::1", dst: "2001:db8:1::2", proto: ProtoTCP, sport: 1234, dport: 80, payload: "hello"}
	wNonIP = want{anomaly: AnomalyUnknownEtherType}
)

// with returns w with a tunnel and VLAN tags set.
func (w want) with(tun Tunnel, vlans ...uint16) want {
	w.tunnel = tun
	w.vlans = vlans
	return w
}

func addrString(ver uint8, a [16]byte) string {
	switch ver {
	case 4:
		return netip.AddrFrom4([4]byte(a[:4])).String()
	case 6:
		return netip.AddrFrom16(a).String()
	}
	if a != ([16]byte{}) {
		return "nonzero"
	}
	return ""
}

// check compares p with w and reports differences.
func check(t *testing.T, p *Packet, w want) {
	t.Helper()
	var vl []uint16
	for i := 0; i < int(p.VLANs) && i < len(p.VLAN); i++ {
		vl = append(vl, p.VLAN[i])
	}
	got := fmt.Sprintf("anomaly=%v inner=%v ver=%d src=%s dst=%s proto=%d ports=%d/%d payload=%q tunnel=%v vlans=%v icmp=%v trunc=%v",
		p.Anomaly, p.InnerAnomaly, p.IPVersion, addrString(p.IPVersion, p.Src), addrString(p.IPVersion, p.Dst),
		p.Proto, p.SrcPort, p.DstPort, p.Payload, p.Tunnel, vl, [2]uint8{p.ICMPType, p.ICMPCode}, p.Truncated)
	exp := fmt.Sprintf("anomaly=%v inner=%v ver=%d src=%s dst=%s proto=%d ports=%d/%d payload=%q tunnel=%v vlans=%v icmp=%v trunc=%v",
		w.anomaly, w.inner, w.ver, w.src, w.dst, w.proto, w.sport, w.dport, w.payload, w.tunnel, w.vlans, w.icmp, w.truncated)
	if got != exp {
		t.Errorf("decode mismatch\n got  %s\n want %s", got, exp)
	}
}

type decodeCase struct {
	name  string
	link  int
	frame []byte
	want  want
}

// padded appends Ethernet padding / FCS-like trailing bytes.
func padded(b []byte, n int) []byte {
	return append(b, bytes.Repeat([]byte{0xee}, n)...)
}

func beU32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func leU32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// decodeCases builds one frame for every link type and encapsulation.
func decodeCases(t testing.TB) []decodeCase {
	s := func(ls ...[]sl) []byte { return ser(t, cat(ls...)...) }
	E := layers.EthernetTypeIPv4
	E6 := layers.EthernetTypeIPv6

	wTCPFlags := wV4TCP
	cases := []decodeCase{
		// Link types.
		{"eth/ipv4/tcp", LinkEthernet, s(eth(E), v4TCP()), wTCPFlags},
		{"eth/ipv4/tcp+padding", LinkEthernet, padded(s(eth(E), v4TCP()), 10), wV4TCP},
		{"eth/ipv6/udp", LinkEthernet, padded(s(eth(E6), v6UDP()), 4), wV6UDP},
		{"eth/arp", LinkEthernet, s(eth(layers.EthernetTypeARP), []sl{&layers.ARP{AddrType: 1, Protocol: 0x800, HwAddressSize: 6, ProtAddressSize: 4, Operation: 1,
			SourceHwAddress: macA, SourceProtAddress: ip4A, DstHwAddress: macB, DstProtAddress: ip4B}}), wNonIP},
		{"eth/lldp", LinkEthernet, s(eth(layers.EthernetTypeLinkLayerDiscovery), raw([]byte{2, 7, 4, 0, 1, 2, 3, 4, 5, 0, 0})), wNonIP},
		{"eth/802.3/llc/snap/ipv4", LinkEthernet, func() []byte {
			b := s(eth(0), []sl{&layers.LLC{DSAP: 0xaa, SSAP: 0xaa, Control: 3}, &layers.SNAP{OrganizationalCode: []byte{0, 0, 0}, Type: E}}, v4TCP())
			binary.BigEndian.PutUint16(b[12:], uint16(len(b)-14))
			return b
		}(), wV4TCP},
		{"eth/802.3/stp", LinkEthernet, s(eth(0x26), raw(bytes.Repeat([]byte{0x42}, 38))), wNonIP},
		{"sll/ipv4/tcp", LinkSLL, s(raw(sllHeader(0x0800)), v4TCP()), wV4TCP},
		{"sll/vlan/ipv6/udp", LinkSLL, s(raw(sllHeader(0x8100)), vlan(42, E6), v6UDP()), wV6UDP.with(TunnelNone, 42)},
		{"sll/arp", LinkSLL, s(raw(sllHeader(0x0806)), raw(make([]byte, 28))), wNonIP},
		{"sll2/ipv6/udp", LinkSLL2, s(raw(sll2Header(0x86dd)), v6UDP()), wV6UDP},
		{"sll2/ipv4/tcp", LinkSLL2, s(raw(sll2Header(0x0800)), v4TCP()), wV4TCP},
		{"raw101/ipv4", LinkRaw, s(v4TCP()), wV4TCP},
		{"raw101/ipv6", LinkRaw, s(v6UDP()), wV6UDP},
		{"raw12/ipv4", LinkRaw12, s(v4TCP()), wV4TCP},
		{"raw14/ipv6", LinkRaw14, s(v6UDP()), wV6UDP},
		{"raw228/ipv4", LinkIPv4, s(v4UDP()), wV4UDP},
		{"raw229/ipv6", LinkIPv6, s(v6TCP()), wV6TCP},
		{"raw228/ipv6-is-bad", LinkIPv4, s(v6TCP()), want{anomaly: AnomalyIPv4BadVersion}},
		{"raw/version5", LinkRaw, []byte{0x50, 0, 0, 20}, want{anomaly: AnomalyIPv4BadVersion}},
		{"null/le/ipv4", LinkNull, s([]sl{&layers.Loopback{Family: layers.ProtocolFamilyIPv4}}, v4TCP()), wV4TCP},
		{"null/be/ipv4", LinkNull, s(raw(beU32(2)), v4TCP()), wV4TCP},
		{"null/le/ipv6-24", LinkNull, s(raw(leU32(24)), v6UDP()), wV6UDP},
		{"null/le/ipv6-28", LinkNull, s(raw(leU32(28)), v6UDP()), wV6UDP},
		{"null/be/ipv6-30", LinkNull, s(raw(beU32(30)), v6UDP()), wV6UDP},
		{"null/unknown-family", LinkNull, s(raw(leU32(7)), v4TCP()), wNonIP},
		{"loop/ipv4", LinkLoop, s(raw(beU32(2)), v4TCP()), wV4TCP},
		{"loop/ipv6", LinkLoop, s(raw(beU32(24)), v6UDP()), wV6UDP},
		{"ppp/ipv4", LinkPPP, s([]sl{&layers.PPP{PPPType: layers.PPPTypeIPv4}}, v4TCP()), wV4TCP},
		{"ppp/ff03/ipv6", LinkPPP, s([]sl{&layers.PPP{PPPType: layers.PPPTypeIPv6, HasPPTPHeader: true}}, v6UDP()), wV6UDP},
		{"ppp/pfc/ipv4", LinkPPP, s(raw([]byte{0x21}), v4TCP()), wV4TCP},
		{"ppp/lcp", LinkPPP, s(raw([]byte{0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4})), wNonIP},
		{"ppphdlc/ipv4", LinkPPPHDLC, s(raw([]byte{0xff, 0x03, 0x00, 0x21}), v4TCP()), wV4TCP},
		{"ppphdlc/ipv6", LinkPPPHDLC, s(raw([]byte{0xff, 0x03, 0x00, 0x57}), v6UDP()), wV6UDP},
		{"ppphdlc/cisco-hdlc/ipv4", LinkPPPHDLC, s(raw([]byte{0x0f, 0x00, 0x08, 0x00}), v4TCP()), wV4TCP},
		{"802.11/data/ipv4", LinkIEEE80211, s(dot11Data(E), v4TCP()), wV4TCP},
		{"802.11/data/ipv6", LinkIEEE80211, s(dot11Data(E6), v6UDP()), wV6UDP},
		{"802.11/qos-4addr/ipv4", LinkIEEE80211, s(raw(dot11QoS(E)), v4UDP()), wV4UDP},
		{"802.11/protected", LinkIEEE80211, func() []byte {
			b := s(dot11Data(E), v4TCP())
			b[1] |= 0x40
			return b
		}(), wNonIP},
		{"802.11/beacon", LinkIEEE80211, s([]sl{&layers.Dot11{Type: layers.Dot11TypeMgmtBeacon, Address1: macB, Address2: macA, Address3: macA}}, raw(make([]byte, 12))), wNonIP},
		{"unknown-link", 147, s(v4TCP()), want{anomaly: AnomalyUnknownLinkType}},

		// Ethernet encapsulations.
		{"vlan/ipv4/udp", LinkEthernet, s(eth(layers.EthernetTypeDot1Q), vlan(100, E), v4UDP()), wV4UDP.with(TunnelNone, 100)},
		{"qinq-88a8/ipv6/tcp", LinkEthernet, s(eth(layers.EthernetTypeQinQ), vlan(200, layers.EthernetTypeDot1Q), vlan(100, E6), v6TCP()), wV6TCP.with(TunnelNone, 200, 100)},
		{"qinq-9100/ipv4/tcp", LinkEthernet, s(eth(0x9100), vlan(300, layers.EthernetTypeDot1Q), vlan(301, E), v4TCP()), wV4TCP.with(TunnelNone, 300, 301)},
		{"vlan/arp", LinkEthernet, s(eth(layers.EthernetTypeDot1Q), vlan(7, layers.EthernetTypeARP), raw(make([]byte, 28))), want{anomaly: AnomalyUnknownEtherType, vlans: []uint16{7}}},
		{"pppoe/ipv4/tcp", LinkEthernet, padded(s(eth(layers.EthernetTypePPPoESession), []sl{&layers.PPPoE{Version: 1, Type: 1, Code: layers.PPPoECodeSession, SessionId: 0x11}, &layers.PPP{PPPType: layers.PPPTypeIPv4}}, v4TCP()), 6), wV4TCP},
		{"vlan/pppoe/ipv6/udp", LinkEthernet, s(eth(layers.EthernetTypeDot1Q), vlan(10, layers.EthernetTypePPPoESession), []sl{&layers.PPPoE{Version: 1, Type: 1, Code: layers.PPPoECodeSession, SessionId: 0x11}, &layers.PPP{PPPType: layers.PPPTypeIPv6}}, v6UDP()), wV6UDP.with(TunnelNone, 10)},
		{"pppoe-discovery", LinkEthernet, s(eth(layers.EthernetTypePPPoEDiscovery), raw([]byte{0x11, 0x09, 0, 0, 0, 0})), wNonIP},
		{"mpls/ipv4/udp", LinkEthernet, s(eth(layers.EthernetTypeMPLSUnicast), []sl{&layers.MPLS{Label: 100, TTL: 64}, &layers.MPLS{Label: 200, StackBottom: true, TTL: 64}}, v4UDP()), wV4UDP},
		{"mpls/ipv6/tcp", LinkEthernet, s(eth(layers.EthernetTypeMPLSMulticast), []sl{&layers.MPLS{Label: 16, StackBottom: true, TTL: 64}}, v6TCP()), wV6TCP},
		{"fabricpath/eth/vlan/ipv4", LinkEthernet, s(eth(0x8903), raw([]byte{0x00, 0x3f}), eth(layers.EthernetTypeDot1Q), vlan(12, E), v4TCP()), wV4TCP.with(TunnelNone, 12)},
		{"mpls/pw/eth/ipv4", LinkEthernet, s(eth(layers.EthernetTypeMPLSUnicast), []sl{&layers.MPLS{Label: 16, StackBottom: true, TTL: 64}}, raw(make([]byte, 4)), eth(E), v4TCP()), wV4TCP},

		// L4 and IP options.
		{"ipv4-options/tcp", LinkRaw, s([]sl{&layers.IPv4{Version: 4, TTL: 9, Protocol: layers.IPProtocolTCP, SrcIP: ip4A, DstIP: ip4B,
			Options: []layers.IPv4Option{{OptionType: 0x94, OptionLength: 4, OptionData: []byte{0, 0}}}}}, tcpSeg("hello")), wV4TCP},
		{"icmp/echo", LinkRaw, s([]sl{ipv4(ip4A, ip4B, layers.IPProtocolICMPv4), &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 1, Seq: 2}}, raw([]byte("ping"))),
			want{ver: 4, src: "10.0.0.1", dst: "192.168.1.2", proto: ProtoICMP, payload: "ping", icmp: [2]uint8{8, 0}}},
		{"icmpv6/echo", LinkRaw, s([]sl{ipv6(ip6A, ip6B, layers.IPProtocolICMPv6), &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(128, 0)}}, raw([]byte{0, 1, 0, 2}), raw([]byte("ping"))),
			want{ver: 6, src: "2001:db8::1", dst: "2001:db8:1::2", proto: ProtoICMPv6, payload: "ping", icmp: [2]uint8{128, 0}}},
		{"sctp", LinkRaw, s([]sl{ipv4(ip4A, ip4B, layers.IPProtocolSCTP), &layers.SCTP{SrcPort: 2905, DstPort: 2905, VerificationTag: 1}}, raw([]byte("chunk"))),
			want{ver: 4, src: "10.0.0.1", dst: "192.168.1.2", proto: ProtoSCTP, sport: 2905, dport: 2905, payload: "chunk"}},
		{"igmp", LinkRaw, s([]sl{ipv4(ip4A, ip4B, layers.IPProtocolIGMP)}, raw([]byte{0x16, 0, 0, 0, 224, 0, 0, 251})),
			want{ver: 4, src: "10.0.0.1", dst: "192.168.1.2", proto: ProtoIGMP, payload: "\x16\x00\x00\x00\xe0\x00\x00\xfb"}},
		{"esp", LinkRaw, s([]sl{ipv4(ip4A, ip4B, layers.IPProtocolESP)}, raw([]byte("spi-and-ciphertext"))),
			want{ver: 4, src: "10.0.0.1", dst: "192.168.1.2", proto: ProtoESP, payload: "spi-and-ciphertext"}},
		{"ipv4-ah", LinkRaw, s([]sl{ipv4(ip4A, ip4B, layers.IPProtocolAH)}, raw([]byte{6, 4, 0, 0, 1, 2, 3, 4, 0, 0, 0, 1, 9, 9, 9, 9, 9, 9, 9, 9})),
			want{ver: 4, src: "10.0.0.1", dst: "192.168.1.2", proto: ProtoAH, payload: "\x06\x04\x00\x00\x01\x02\x03\x04\x00\x00\x00\x01\t\t\t\t\t\t\t\t"}},
		{"ipv6-ext/hbh+routing+dstopts/udp", LinkRaw, s([]sl{ipv6(ip6A, ip6B, layers.IPProtocolIPv6HopByHop)},
			raw([]byte{43, 0, 1, 4, 0, 0, 0, 0}),                               // hop-by-hop: PadN
			raw([]byte{60, 2, 0, 1, 0, 0, 0, 0}), raw(net.ParseIP("fd00::99")), // routing type 0, one address
			raw([]byte{17, 0, 1, 4, 0, 0, 0, 0}), // destination options
			udpDgram(5353, 53, []byte("query"))), wV6UDP},
		{"ipv6-ah/tcp", LinkRaw, s([]sl{ipv6(ip6A, ip6B, layers.IPProtocolAH)}, raw([]byte{6, 4, 0, 0, 1, 2, 3, 4, 0, 0, 0, 1, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9}), tcpSeg("hello")), wV6TCP},
		{"ipv6-mobility/no-next", LinkRaw, s([]sl{ipv6(ip6A, ip6B, 135)}, raw([]byte{59, 0, 0, 0, 0, 0, 0, 0})),
			want{ver: 6, src: "2001:db8::1", dst: "2001:db8:1::2", proto: 59}},
		{"ipv6-atomic-fragment/udp", LinkRaw, s([]sl{ipv6(ip6A, ip6B, layers.IPProtocolIPv6Fragment), &layers.IPv6Fragment{NextHeader: layers.IPProtocolUDP, Identification: 5}}, udpDgram(5353, 53, []byte("query"))), wV6UDP},
		{"ipv4-tso-zero-length", LinkRaw, func() []byte {
			b := s(v4TCP())
			b[2], b[3] = 0, 0
			return b
		}(), wV4TCP},

		// Tunnels.
		{"gre/ipv4", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolGRE), &layers.GRE{Protocol: E}}, v4TCP()), wV4TCP.with(TunnelGRE)},
		{"gre-ckey-seq/ipv6", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolGRE), &layers.GRE{Protocol: E6, ChecksumPresent: true, KeyPresent: true, Key: 9, SeqPresent: true, Seq: 3}}, v6UDP()), wV6UDP.with(TunnelGRE)},
		{"ipv6/gre/ipv4", LinkEthernet, s(eth(E6), []sl{ipv6(ip6C, ip6D, layers.IPProtocolGRE), &layers.GRE{Protocol: E, KeyPresent: true, Key: 1}}, v4UDP()), wV4UDP.with(TunnelGRE)},
		{"gre/teb/eth/vlan/ipv4", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolGRE), &layers.GRE{Protocol: layers.EthernetTypeTransparentEthernetBridging}}, eth(layers.EthernetTypeDot1Q), vlan(5, E), v4TCP()), wV4TCP.with(TunnelGRE, 5)},
		{"gre/erspan2/eth/ipv4", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolGRE), &layers.GRE{Protocol: layers.EthernetTypeERSPAN, SeqPresent: true, Seq: 1}, &layers.ERSPANII{Version: 1, SessionID: 3}}, eth(E), v4TCP()), wV4TCP.with(TunnelGRE)},
		{"gre/erspan1/eth/ipv6", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolGRE), &layers.GRE{Protocol: layers.EthernetTypeERSPAN}}, eth(E6), v6UDP()), wV6UDP.with(TunnelGRE)},
		{"gre/erspan3/eth/ipv4", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolGRE), &layers.GRE{Protocol: 0x22eb, SeqPresent: true}},
			raw([]byte{0x20, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}), raw(make([]byte, 8)), eth(E), v4TCP()), wV4TCP.with(TunnelGRE)},
		{"gre-v1-pptp/ppp/ipv4", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolGRE)},
			raw([]byte{0x30, 0x81, 0x88, 0x0b, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 0}), // K, S, A; length patched below is unused
			raw([]byte{0xff, 0x03, 0x00, 0x21}), v4TCP()), wV4TCP.with(TunnelGRE)},
		{"gre/mpls/ipv4", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolGRE), &layers.GRE{Protocol: layers.EthernetTypeMPLSUnicast}, &layers.MPLS{Label: 1, StackBottom: true, TTL: 1}}, v4TCP()), wV4TCP.with(TunnelGRE)},
		{"vxlan/eth/ipv4/tcp", LinkEthernet, s(eth(layers.EthernetTypeDot1Q), vlan(5, E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 40000, DstPort: 4789}, &layers.VXLAN{ValidIDFlag: true, VNI: 77}}, eth(E), v4TCP()), wV4TCP.with(TunnelVXLAN, 5)},
		{"vxlan/eth/vlan/ipv6/udp", LinkEthernet, s(eth(E6), []sl{ipv6(ip6C, ip6D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 40000, DstPort: 4789}, &layers.VXLAN{ValidIDFlag: true, VNI: 77}}, eth(layers.EthernetTypeDot1Q), vlan(9, E6), v6UDP()), wV6UDP.with(TunnelVXLAN, 9)},
		{"gtp/ipv4/tcp", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 2152, DstPort: 2152}}, gtpGPDU(), v4TCP()), wV4TCP.with(TunnelGTP)},
		{"gtp-plain/ipv6/udp", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 2152, DstPort: 2152}, &layers.GTPv1U{Version: 1, ProtocolType: 1, MessageType: 0xff, TEID: 1}}, v6UDP()), wV6UDP.with(TunnelGTP)},
		{"vlan-qinq/gtp/ipv6/udp", LinkEthernet, s(eth(layers.EthernetTypeQinQ), vlan(2, layers.EthernetTypeDot1Q), vlan(5, E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 2152, DstPort: 2152}}, gtpGPDU(), v6UDP()), wV6UDP.with(TunnelGTP, 2, 5)},
		{"gtp-echo-stays-udp", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 2152, DstPort: 2152}, &layers.GTPv1U{Version: 1, ProtocolType: 1, MessageType: 1, TEID: 0, SequenceNumberFlag: true}}),
			want{ver: 4, src: "172.16.0.3", dst: "172.16.0.4", proto: ProtoUDP, sport: 2152, dport: 2152, payload: "\x32\x01\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00"}},
		{"udp2152-not-gtp-stays-udp", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP)}, udpDgram(2152, 33000, []byte("not gtp at all"))),
			want{ver: 4, src: "172.16.0.3", dst: "172.16.0.4", proto: ProtoUDP, sport: 2152, dport: 33000, payload: "not gtp at all"}},
		{"gtp-bad-inner-stays-udp", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 2152, DstPort: 2152}, &layers.GTPv1U{Version: 1, ProtocolType: 1, MessageType: 0xff, TEID: 1}}, raw([]byte{0x45, 0, 0, 99})),
			want{ver: 4, src: "172.16.0.3", dst: "172.16.0.4", proto: ProtoUDP, sport: 2152, dport: 2152, payload: "\x30\xff\x00\x04\x00\x00\x00\x01\x45\x00\x00\x63", inner: AnomalyIPv4Truncated}},
		{"teredo/ipv6/udp", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 51812, DstPort: 3544}}, v6UDP()), wV6UDP.with(TunnelTeredo)},
		{"teredo-origin/ipv6/tcp", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 3544, DstPort: 51812}}, raw([]byte{0, 0, 0xf1, 0x2b, 0x3f, 0xff, 0xff, 0xfe}), v6TCP()), wV6TCP.with(TunnelTeredo)},
		{"teredo-auth-origin/ipv6/udp", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 3544, DstPort: 51812}},
			raw([]byte{0, 1, 2, 0, 'i', 'd', 1, 2, 3, 4, 5, 6, 7, 8, 0}), raw([]byte{0, 0, 0xf1, 0x2b, 0x3f, 0xff, 0xff, 0xfe}), v6UDP()), wV6UDP.with(TunnelTeredo)},
		{"udp3544-not-ipv6-stays-udp", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP)}, udpDgram(3544, 40000, []byte("\x60hello"))),
			want{ver: 4, src: "172.16.0.3", dst: "172.16.0.4", proto: ProtoUDP, sport: 3544, dport: 40000, payload: "\x60hello"}},
		{"4in4", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolIPv4)}, v4TCP()), wV4TCP.with(TunnelIPIP)},
		{"6in4", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolIPv6)}, v6UDP()), wV6UDP.with(TunnelIPIP)},
		{"4in6", LinkEthernet, s(eth(E6), []sl{ipv6(ip6C, ip6D, layers.IPProtocolIPv4)}, v4UDP()), wV4UDP.with(TunnelIPIP)},
		{"6in6", LinkEthernet, s(eth(E6), []sl{ipv6(ip6C, ip6D, layers.IPProtocolIPv6)}, v6TCP()), wV6TCP.with(TunnelIPIP)},
		{"6in4-bad-inner-stays-outer", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolIPv6)}, raw([]byte("garbage"))),
			want{ver: 4, src: "172.16.0.3", dst: "172.16.0.4", proto: ProtoIPv6, payload: "garbage", inner: AnomalyIPv6Truncated}},
		{"gre-in-gtp", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 2152, DstPort: 2152}}, gtpGPDU(),
			[]sl{ipv4(ip4D, ip4C, layers.IPProtocolGRE), &layers.GRE{Protocol: E}}, v4TCP()), wV4TCP.with(TunnelGTP)},
		{"capwap/802.11/ipv4/udp", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 12380, DstPort: 5247}}, raw(capwapHeader(true)), dot11Data(E), v4UDP()), wV4UDP.with(TunnelCAPWAP)},
		{"capwap/802.11-swapped-fc/ipv6/udp", LinkEthernet, func() []byte {
			b := s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 12380, DstPort: 5247}}, raw(capwapHeader(true)), dot11Data(E6), v6UDP())
			o := 14 + 20 + 8 + 16
			b[o], b[o+1] = b[o+1], b[o]
			return b
		}(), wV6UDP.with(TunnelCAPWAP)},
		{"capwap/802.3/ipv4/tcp", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 5247, DstPort: 12380}}, raw(capwapHeader(false)), eth(E), v4TCP()), wV4TCP.with(TunnelCAPWAP)},
		{"capwap-dtls-stays-udp", LinkEthernet, s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP)}, udpDgram(12380, 5247, []byte{1, 0, 0, 0, 0x17, 0xfe, 0xfd, 0, 1})),
			want{ver: 4, src: "172.16.0.3", dst: "172.16.0.4", proto: ProtoUDP, sport: 12380, dport: 5247, payload: "\x01\x00\x00\x00\x17\xfe\xfd\x00\x01"}},

		// Malformed.
		{"eth-truncated", LinkEthernet, make([]byte, 13), want{anomaly: AnomalyLinkTruncated}},
		{"vlan-truncated", LinkEthernet, s(eth(layers.EthernetTypeDot1Q), vlan(1, E), v4TCP())[:17], want{anomaly: AnomalyVLANTruncated}},
		{"pppoe-truncated", LinkEthernet, s(eth(layers.EthernetTypePPPoESession), raw([]byte{0x11, 0, 0, 1, 0, 2, 0, 0x21}))[:19], want{anomaly: AnomalyPPPoETruncated}},
		{"mpls-truncated", LinkEthernet, s(eth(layers.EthernetTypeMPLSUnicast), raw([]byte{0, 0, 0, 64})), want{anomaly: AnomalyMPLSTruncated}},
		{"ipv4-truncated", LinkRaw, s(v4TCP())[:19], want{anomaly: AnomalyIPv4Truncated}},
		{"ipv4-ihl-4", LinkRaw, func() []byte { b := s(v4TCP()); b[0] = 0x44; return b }(), want{anomaly: AnomalyIPv4BadHeaderLen}},
		{"ipv4-ihl-beyond", LinkRaw, func() []byte { b := s(v4TCP())[:30]; b[0] = 0x4f; return b }(), want{anomaly: AnomalyIPv4Truncated}},
		{"ipv4-total-below-ihl", LinkRaw, func() []byte { b := s(v4TCP()); b[3] = 10; return b }(), want{anomaly: AnomalyIPv4BadTotalLen}},
		{"ipv4-snaplen-cut", LinkRaw, s(v4TCP())[:46], func() want { w := wV4TCP; w.payload = "he"; w.truncated = true; return w }()},
		{"ipv6-truncated", LinkRaw, s(v6UDP())[:39], want{anomaly: AnomalyIPv6Truncated}},
		{"ipv6-ext-truncated", LinkRaw, s([]sl{ipv6(ip6A, ip6B, layers.IPProtocolIPv6HopByHop)}, raw([]byte{17, 3, 0, 0, 0, 0, 0, 0})),
			want{anomaly: AnomalyIPv6Truncated, ver: 6, src: "2001:db8::1", dst: "2001:db8:1::2"}},
		{"ipv6-ext-loop", LinkRaw, s([]sl{ipv6(ip6A, ip6B, layers.IPProtocolIPv6Destination)}, raw(bytes.Repeat([]byte{60, 0, 0, 0, 0, 0, 0, 0}, 20))),
			want{anomaly: AnomalyIPv6BadExtHeader, ver: 6, src: "2001:db8::1", dst: "2001:db8:1::2"}},
		{"tcp-truncated", LinkRaw, func() []byte { b := s([]sl{ipv4(ip4A, ip4B, layers.IPProtocolTCP)}, raw(make([]byte, 19))); return b }(),
			want{anomaly: AnomalyTCPTruncated, ver: 4, src: "10.0.0.1", dst: "192.168.1.2", proto: ProtoTCP}},
		{"tcp-doff-4", LinkRaw, func() []byte { b := s(v4TCP()); b[32] = 0x40; return b }(),
			want{anomaly: AnomalyTCPBadHeaderLen, ver: 4, src: "10.0.0.1", dst: "192.168.1.2", proto: ProtoTCP}},
		{"tcp-doff-beyond", LinkRaw, func() []byte { b := s(v4TCP()); b[32] = 0xf0; return b }(),
			want{anomaly: AnomalyTCPTruncated, ver: 4, src: "10.0.0.1", dst: "192.168.1.2", proto: ProtoTCP}},
		{"udp-truncated", LinkRaw, s([]sl{ipv4(ip4A, ip4B, layers.IPProtocolUDP)}, raw(make([]byte, 7))),
			want{anomaly: AnomalyUDPTruncated, ver: 4, src: "10.0.0.1", dst: "192.168.1.2", proto: ProtoUDP}},
		{"udp-length-7", LinkRaw, func() []byte { b := s(v4UDP()); b[25] = 7; return b }(),
			want{anomaly: AnomalyUDPBadLength, ver: 4, src: "10.0.0.1", dst: "192.168.1.2", proto: ProtoUDP, sport: 5353, dport: 53}},
		{"udp-length-beyond", LinkRaw, func() []byte { b := s(v4UDP()); b[25] = 200; return b }(),
			want{anomaly: AnomalyUDPBadLength, ver: 4, src: "10.0.0.1", dst: "192.168.1.2", proto: ProtoUDP, sport: 5353, dport: 53}},
		{"udp-length-short-trims", LinkRaw, func() []byte { b := s(v4UDP()); b[25] = 10; return b }(),
			func() want { w := wV4UDP; w.payload = "qu"; return w }()},
		{"icmp-truncated", LinkRaw, s([]sl{ipv4(ip4A, ip4B, layers.IPProtocolICMPv4)}, raw([]byte{8, 0, 0})),
			want{anomaly: AnomalyICMPTruncated, ver: 4, src: "10.0.0.1", dst: "192.168.1.2", proto: ProtoICMP}},
		{"sctp-truncated", LinkRaw, s([]sl{ipv4(ip4A, ip4B, layers.IPProtocolSCTP)}, raw(make([]byte, 11))),
			want{anomaly: AnomalySCTPTruncated, ver: 4, src: "10.0.0.1", dst: "192.168.1.2", proto: ProtoSCTP}},
		{"gre-truncated-stays-outer", LinkRaw, s([]sl{ipv4(ip4C, ip4D, layers.IPProtocolGRE)}, raw([]byte{0x20, 0, 8, 0, 0, 0})),
			want{ver: 4, src: "172.16.0.3", dst: "172.16.0.4", proto: ProtoGRE, payload: "\x20\x00\x08\x00\x00\x00", inner: AnomalyTunnelTruncated}},
		{"gtp-length-beyond-stays-udp", LinkEthernet, func() []byte {
			b := s(eth(E), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 2152, DstPort: 2152}, &layers.GTPv1U{Version: 1, ProtocolType: 1, MessageType: 0xff, TEID: 1}}, raw([]byte{0x45}))
			b[14+20+8+3] = 9
			return b
		}(), want{ver: 4, src: "172.16.0.3", dst: "172.16.0.4", proto: ProtoUDP, sport: 2152, dport: 2152, payload: "\x30\xff\x00\x09\x00\x00\x00\x01\x45", inner: AnomalyTunnelTruncated}},
		{"vlan-too-many", LinkEthernet, s(eth(layers.EthernetTypeDot1Q), raw(bytes.Repeat([]byte{0, 1, 0x81, 0}, 12))),
			want{anomaly: AnomalyLinkTooDeep, vlans: []uint16{1, 1}}},
		{"mpls-too-many", LinkEthernet, s(eth(layers.EthernetTypeMPLSUnicast), raw(bytes.Repeat([]byte{0, 0, 0, 64}, 20))), want{anomaly: AnomalyLinkTooDeep}},
	}
	return cases
}

func TestDecode(t *testing.T) {
	d := NewDecoder(Config{})
	for _, c := range decodeCases(t) {
		t.Run(c.name, func(t *testing.T) {
			var p Packet
			// Dirty the packet: Decode must reset it.
			p.Tunnel, p.VLANs, p.SrcPort, p.Anomaly, p.Fragmented = TunnelGRE, 2, 9, AnomalyFragOverlap, true
			d.Decode(c.link, c.frame, t0, &p)
			check(t, &p, c.want)
			if p.Time != t0 || p.Length != len(c.frame) {
				t.Errorf("time %v length %d, want %v %d", p.Time, p.Length, t0, len(c.frame))
			}
		})
	}
}

// TestDecodeTCPFields checks every TCP header field and the flag bits.
func TestDecodeTCPFields(t *testing.T) {
	b := ser(t, cat(eth(layers.EthernetTypeIPv4), v4TCP())...)
	var p Packet
	NewDecoder(Config{}).Decode(LinkEthernet, b, t0, &p)
	if p.Seq != 1000 || p.Ack != 2000 || p.Window != 4096 || p.TCPFlags != TCPSyn|TCPAck|TCPPsh || p.TTL != 64 {
		t.Errorf("seq %d ack %d window %d flags %#x ttl %d", p.Seq, p.Ack, p.Window, p.TCPFlags, p.TTL)
	}
	if !p.Addr4() {
		t.Errorf("Addr4 false for IPv4")
	}
	if p.Src[4] != 0 || p.Dst[15] != 0 {
		t.Errorf("IPv4 address bytes beyond 4 not zero: %v %v", p.Src, p.Dst)
	}
}

// TestTunnelDepth nests IP-in-IP deeper than the limit: the decoder stops
// at the limit, keeps the packet it reached and says why.
func TestTunnelDepth(t *testing.T) {
	var ls []sl
	for i := 0; i < 5; i++ {
		ls = append(ls, ipv4(ip4C, ip4D, layers.IPProtocolIPv4))
	}
	b := ser(t, cat(ls, v4TCP())...)
	for _, depth := range []int{1, 3, 4, 5} {
		var p Packet
		NewDecoder(Config{MaxTunnelDepth: depth}).Decode(LinkRaw, b, t0, &p)
		if depth >= 5 {
			check(t, &p, wV4TCP.with(TunnelIPIP))
			continue
		}
		if p.Anomaly != AnomalyNone || p.InnerAnomaly != AnomalyTunnelTooDeep || p.Proto != ProtoIPIP || p.Tunnel != TunnelIPIP {
			t.Errorf("depth %d: anomaly %v inner %v proto %d tunnel %v", depth, p.Anomaly, p.InnerAnomaly, p.Proto, p.Tunnel)
		}
	}
}

// TestTruncations decodes every prefix of every test frame: no panic, and
// a usable packet only when the headers are complete (then flagged as
// Truncated if the IP or UDP length says more bytes were sent).
func TestTruncations(t *testing.T) {
	d := NewDecoder(Config{})
	var p Packet
	for _, c := range decodeCases(t) {
		for n := 0; n < len(c.frame); n++ {
			d.Decode(c.link, c.frame[:n], t0, &p)
			if p.Anomaly == AnomalyNone && p.IPVersion != 4 && p.IPVersion != 6 {
				t.Errorf("%s[:%d]: no anomaly but IP version %d", c.name, n, p.IPVersion)
			}
		}
	}
}

// TestPacketViews checks that Payload aliases the frame: no copies.
func TestPacketViews(t *testing.T) {
	b := ser(t, cat(eth(layers.EthernetTypeIPv4), v4TCP())...)
	var p Packet
	NewDecoder(Config{}).Decode(LinkEthernet, b, t0, &p)
	if &p.Payload[0] != &b[len(b)-5] {
		t.Errorf("payload is not a view of the frame")
	}
}

func TestAnomalyNames(t *testing.T) {
	seen := map[string]bool{}
	for a := Anomaly(1); int(a) < NumAnomalies; a++ {
		s := a.String()
		if s == "" || s == "unknown" || seen[s] {
			t.Errorf("anomaly %d has name %q", a, s)
		}
		seen[s] = true
		if !a.Fatal() {
			t.Errorf("%v not fatal", a)
		}
	}
	if len(anomalyNames) != NumAnomalies {
		t.Errorf("%d names for %d anomalies", len(anomalyNames), NumAnomalies)
	}
	if AnomalyUnknownEtherType.String() != "ether.non_ip" || Anomaly(200).String() != "unknown" || AnomalyNone.Fatal() {
		t.Errorf("names")
	}
	for tun := TunnelNone; tun <= TunnelCAPWAP; tun++ {
		if (tun == TunnelNone) != (tun.String() == "") {
			t.Errorf("tunnel %d name %q", tun, tun.String())
		}
	}
	if Tunnel(99).String() != "unknown" {
		t.Errorf("tunnel 99")
	}
}

func TestConfig(t *testing.T) {
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("zero config: %v", err)
	}
	for _, c := range []Config{{MaxFragDatagrams: -1}, {FragTimeout: -time.Second}, {MaxTunnelDepth: -1}, {MaxTunnelDepth: 17}, {MaxFragDatagrams: 1 << 21}} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
	d := NewDecoder(Config{MaxTunnelDepth: 99, MaxFragDatagrams: -5})
	if d.cfg.MaxTunnelDepth != maxTunnelDepthLimit || d.cfg.MaxFragDatagrams != DefaultMaxFragDatagrams || d.cfg.FragTimeout != DefaultFragTimeout {
		t.Errorf("clamped config %+v", d.cfg)
	}
}

// gopacketAgrees cross-checks a frame against gopacket's own decoder, a
// slow but independent reference, for the cases both decode.
func TestAgainstGopacket(t *testing.T) {
	d := NewDecoder(Config{})
	var p Packet
	n := 0
	for _, c := range decodeCases(t) {
		if c.link != LinkEthernet || c.want.anomaly != AnomalyNone || c.want.tunnel != TunnelNone {
			continue
		}
		pkt := gopacket.NewPacket(c.frame, layers.LayerTypeEthernet, gopacket.Default)
		tl := pkt.TransportLayer()
		nl := pkt.NetworkLayer()
		if tl == nil || nl == nil {
			continue
		}
		d.Decode(c.link, c.frame, t0, &p)
		src, dst := nl.NetworkFlow().Endpoints()
		if addrString(p.IPVersion, p.Src) != net.IP(src.Raw()).String() || addrString(p.IPVersion, p.Dst) != net.IP(dst.Raw()).String() {
			t.Errorf("%s: addresses %s %s, gopacket %v %v", c.name, addrString(p.IPVersion, p.Src), addrString(p.IPVersion, p.Dst), src, dst)
		}
		if !bytes.Equal(p.Payload, tl.LayerPayload()) {
			t.Errorf("%s: payload %q, gopacket %q", c.name, p.Payload, tl.LayerPayload())
		}
		n++
	}
	if n < 5 {
		t.Errorf("only %d cases compared", n)
	}
}

// TestSkipTunnels leaves the listed tunnel kinds undecoded.
func TestSkipTunnels(t *testing.T) {
	b := ser(t, cat(eth(layers.EthernetTypeIPv4), []sl{ipv4(ip4C, ip4D, layers.IPProtocolUDP), &layers.UDP{SrcPort: 51812, DstPort: 3544}}, v6UDP())...)
	cfg := Config{SkipTunnels: []Tunnel{TunnelTeredo, TunnelGTP}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var p Packet
	NewDecoder(cfg).Decode(LinkEthernet, b, t0, &p)
	if p.Anomaly != AnomalyNone || p.InnerAnomaly != AnomalyNone || p.Tunnel != TunnelNone || p.IPVersion != 4 || p.DstPort != 3544 {
		t.Errorf("skipped Teredo: anomaly %v inner %v tunnel %v version %d port %d", p.Anomaly, p.InnerAnomaly, p.Tunnel, p.IPVersion, p.DstPort)
	}
	NewDecoder(Config{SkipTunnels: []Tunnel{TunnelGTP}}).Decode(LinkEthernet, b, t0, &p)
	check(t, &p, wV6UDP.with(TunnelTeredo))
	if err := (Config{SkipTunnels: []Tunnel{TunnelNone}}).Validate(); err == nil {
		t.Errorf("SkipTunnels with TunnelNone accepted")
	}
}

// TestNSH decodes IPv4/UDP behind a Network Service Header (RFC 8300) of
// MD type 1 (6 words) and MD type 2 (2 words), and flags the layer.
func TestNSH(t *testing.T) {
	inner := ser(t, append([]sl{ipv4(ip4A, ip4B, layers.IPProtocolUDP)}, udpDgram(5000, 53, []byte("x"))...)...)
	for _, words := range []byte{6, 2} {
		hdr := make([]byte, int(words)*4)
		hdr[1], hdr[2], hdr[3] = words, 1, 1 // length, MD type 1, next protocol IPv4
		frame := ser(t, cat(eth(layers.EthernetType(0x894f)), raw(append(hdr, inner...)))...)
		var p Packet
		NewDecoder(Config{}).Decode(LinkEthernet, frame, t0, &p)
		if p.Anomaly != AnomalyNone || p.Proto != ProtoUDP || p.DstPort != 53 || p.Layers&LayerNSH == 0 {
			t.Errorf("NSH %d words: anomaly %v proto %d port %d layers %#x", words, p.Anomaly, p.Proto, p.DstPort, p.Layers)
		}
	}
	// A length beyond the frame is a truncation, not a panic.
	var p Packet
	NewDecoder(Config{}).Decode(LinkEthernet, ser(t, cat(eth(layers.EthernetType(0x894f)), raw([]byte{0, 63, 1, 1, 0, 0, 0, 0}))...), t0, &p)
	if p.Anomaly != AnomalyLinkTruncated {
		t.Errorf("NSH length beyond the frame: anomaly %v", p.Anomaly)
	}
}
