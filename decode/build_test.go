package decode

import (
	"encoding/binary"
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Frame builders for the tests: gopacket layers serialised with fixed
// lengths, plus the few headers gopacket cannot write (Linux cooked,
// Teredo, CAPWAP, 802.11 QoS), which are written by hand from their specs.

type sl = gopacket.SerializableLayer

var (
	macA = net.HardwareAddr{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}
	macB = net.HardwareAddr{0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb}
	macC = net.HardwareAddr{0x02, 0x00, 0x00, 0x00, 0x00, 0x0c}

	ip4A = net.IP{10, 0, 0, 1}
	ip4B = net.IP{192, 168, 1, 2}
	ip4C = net.IP{172, 16, 0, 3} // outer (tunnel) addresses
	ip4D = net.IP{172, 16, 0, 4}
	ip6A = net.ParseIP("2001:db8::1")
	ip6B = net.ParseIP("2001:db8:1::2")
	ip6C = net.ParseIP("fd00::c") // outer (tunnel) addresses
	ip6D = net.ParseIP("fd00::d")
)

// ser serialises layers with lengths fixed and checksums left zero (the
// decoder does not verify them).
func ser(t testing.TB, ls ...sl) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true}, ls...); err != nil {
		t.Fatalf("serialize: %v", err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

// cat joins layer lists.
func cat(lists ...[]sl) []sl {
	var out []sl
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func raw(b []byte) []sl { return []sl{gopacket.Payload(b)} }

func eth(et layers.EthernetType) []sl {
	return []sl{&layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: et}}
}

func vlan(id uint16, next layers.EthernetType) []sl {
	return []sl{&layers.Dot1Q{VLANIdentifier: id, Type: next}}
}

func ipv4(src, dst net.IP, proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Id: 0x1234, Protocol: proto, SrcIP: src, DstIP: dst}
}

func ipv6(src, dst net.IP, next layers.IPProtocol) *layers.IPv6 {
	return &layers.IPv6{Version: 6, HopLimit: 63, NextHeader: next, SrcIP: src, DstIP: dst}
}

// tcpSeg is a SYN-ACK-PSH segment 1234 → 80 with an MSS option and payload.
func tcpSeg(payload string) []sl {
	return []sl{&layers.TCP{
		SrcPort: 1234, DstPort: 80, Seq: 1000, Ack: 2000, SYN: true, ACK: true, PSH: true, Window: 4096,
		Options: []layers.TCPOption{{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{5, 0xb4}}},
	}, gopacket.Payload(payload)}
}

func udpDgram(sp, dp uint16, payload []byte) []sl {
	return []sl{&layers.UDP{SrcPort: layers.UDPPort(sp), DstPort: layers.UDPPort(dp)}, gopacket.Payload(payload)}
}

// Inner packets used throughout: IPv4/TCP and IPv6/UDP.
func v4TCP() []sl { return cat([]sl{ipv4(ip4A, ip4B, layers.IPProtocolTCP)}, tcpSeg("hello")) }
func v6UDP() []sl {
	return cat([]sl{ipv6(ip6A, ip6B, layers.IPProtocolUDP)}, udpDgram(5353, 53, []byte("query")))
}
func v4UDP() []sl {
	return cat([]sl{ipv4(ip4A, ip4B, layers.IPProtocolUDP)}, udpDgram(5353, 53, []byte("query")))
}
func v6TCP() []sl { return cat([]sl{ipv6(ip6A, ip6B, layers.IPProtocolTCP)}, tcpSeg("hello")) }

// sllHeader is a Linux cooked v1 header for an outgoing packet.
func sllHeader(proto uint16) []byte {
	h := make([]byte, 16)
	binary.BigEndian.PutUint16(h[0:], 4) // sent by us
	binary.BigEndian.PutUint16(h[2:], 1) // ARPHRD_ETHER
	binary.BigEndian.PutUint16(h[4:], 6)
	copy(h[6:], macA)
	binary.BigEndian.PutUint16(h[14:], proto)
	return h
}

// sll2Header is a Linux cooked v2 header.
func sll2Header(proto uint16) []byte {
	h := make([]byte, 20)
	binary.BigEndian.PutUint16(h[0:], proto)
	binary.BigEndian.PutUint32(h[4:], 2) // ifindex
	binary.BigEndian.PutUint16(h[8:], 1) // ARPHRD_ETHER
	h[10] = 0                            // to us
	h[11] = 6
	copy(h[12:], macA)
	return h
}

// dot11Data is an 802.11 data frame to the AP (ToDS) followed by LLC/SNAP
// for EtherType et.
func dot11Data(et layers.EthernetType) []sl {
	return []sl{
		&layers.Dot11{Type: layers.Dot11TypeData, Flags: layers.Dot11FlagsToDS, Address1: macB, Address2: macA, Address3: macC},
		&layers.LLC{DSAP: 0xaa, SSAP: 0xaa, Control: 3},
		&layers.SNAP{OrganizationalCode: []byte{0, 0, 0}, Type: et},
	}
}

// dot11QoS is a QoS data frame with both DS bits (four addresses), QoS
// control, then LLC/SNAP: the longest plain header.
func dot11QoS(et layers.EthernetType) []byte {
	h := []byte{0x88, 0x03, 0, 0}
	h = append(h, macB...)
	h = append(h, macA...)
	h = append(h, macC...)
	h = append(h, 0x10, 0) // sequence
	h = append(h, macC...) // address 4
	h = append(h, 0x05, 0) // QoS control: TID 5
	h = append(h, 0xaa, 0xaa, 3, 0, 0, 0, byte(et>>8), byte(et))
	return h
}

// capwapHeader is a CAPWAP data header: HLEN 4 words with an 8-byte
// wireless-specific info block when t (802.11), 2 words otherwise.
func capwapHeader(dot11 bool) []byte {
	if !dot11 {
		// HLEN 2, RID 0, WBID 1, T 0.
		w := uint32(2)<<19 | 1<<9
		h := make([]byte, 8)
		binary.BigEndian.PutUint32(h, w)
		return h
	}
	w := uint32(4)<<19 | 1<<14 | 1<<9 | 1<<8 | 1<<5 // HLEN 4, RID 1, WBID 1, T, W
	h := make([]byte, 16)
	binary.BigEndian.PutUint32(h, w)
	copy(h[8:], []byte{1, 4, 0xed, 0x4d, 0, 0, 0, 0}) // wireless info: RSSI/SNR
	return h
}

// gtpGPDU is a GTPv1-U G-PDU header with sequence number and one PDU
// session container extension header.
func gtpGPDU() []sl {
	return []sl{&layers.GTPv1U{
		Version: 1, ProtocolType: 1, MessageType: 0xff, TEID: 0xdeadbeef,
		SequenceNumberFlag: true, SequenceNumber: 7,
		GTPExtensionHeaders: []layers.GTPExtensionHeader{{Type: 0x85, Content: []byte{0x10, 0x09}}},
	}}
}
