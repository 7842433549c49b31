// Package decode turns captured frames into Packet views: link layer,
// VLAN/QinQ, PPPoE, MPLS, IPv4/IPv6 (with extension headers and fragment
// reassembly), tunnels (GRE, VXLAN, GTP-U, Teredo, IP-in-IP, CAPWAP) and the
// L4 header. Headers are read in place; nothing is copied except fragments
// being reassembled. Malformed input is an Anomaly, never an error or a
// panic. This package imports nothing of netsift.
package decode

import "time"

// Link types (LINKTYPE_* values as written in pcap/pcapng headers).
const (
	LinkNull      = 0   // BSD loopback: 4-byte host-order family
	LinkEthernet  = 1   //
	LinkPPP       = 9   //
	LinkRaw12     = 12  // raw IP (OpenBSD numbering)
	LinkRaw14     = 14  // raw IP (some BSDs)
	LinkRaw       = 101 // raw IP
	LinkPPPHDLC   = 50  // PPP in HDLC-like framing
	LinkLoop      = 108 // OpenBSD loopback: network-order family
	LinkSLL       = 113 // Linux cooked v1
	LinkIEEE80211 = 105 // 802.11 (data frames with LLC/SNAP)
	LinkIPv4      = 228 // raw IPv4
	LinkIPv6      = 229 // raw IPv6
	LinkSLL2      = 276 // Linux cooked v2
)

// Tunnel records the outermost encapsulation a packet was found in.
type Tunnel uint8

const (
	TunnelNone Tunnel = iota
	TunnelGRE
	TunnelVXLAN
	TunnelGTP
	TunnelTeredo
	TunnelIPIP // 4in4, 6in4, 4in6, 6in6
	TunnelCAPWAP
)

var tunnelNames = [...]string{"", "gre", "vxlan", "gtp", "teredo", "ipip", "capwap"}

// String returns the tunnel's lower-case name ("" for none).
func (t Tunnel) String() string {
	if int(t) < len(tunnelNames) {
		return tunnelNames[t]
	}
	return "unknown"
}

// Packet.Layers bits.
const (
	LayerVLAN uint8 = 1 << iota
	LayerMPLS
	LayerPPPoE
	LayerNSH
)

// IP protocol numbers used by the decoder and its callers.
const (
	ProtoICMP   = 1
	ProtoIGMP   = 2
	ProtoIPIP   = 4
	ProtoTCP    = 6
	ProtoUDP    = 17
	ProtoIPv6   = 41
	ProtoGRE    = 47
	ProtoESP    = 50
	ProtoAH     = 51
	ProtoICMPv6 = 58
	ProtoSCTP   = 132
)

// TCP flag bits as in the TCP header's 13th byte.
const (
	TCPFin = 0x01
	TCPSyn = 0x02
	TCPRst = 0x04
	TCPPsh = 0x08
	TCPAck = 0x10
	TCPUrg = 0x20
)

// Packet is one decoded packet. The decoder fills a caller-owned Packet and
// resets it on every call; slices point into the frame (or into the
// decoder's reassembly buffer) and are valid until the next Decode call.
type Packet struct {
	Time time.Time
	// Frame is the frame's 1-based position in its input, set by the caller
	// after Decode (Decode leaves it 0); EVE writes it as pcap_cnt.
	Frame  uint64
	Length int // bytes on the wire (frame length)
	// SrcMAC and DstMAC are the outermost Ethernet header's addresses
	// (HasMAC false for other link types).
	SrcMAC, DstMAC [6]byte
	HasMAC         bool
	// Layers flags the link-level encapsulations the frame went through
	// (LayerVLAN, LayerMPLS, LayerPPPoE, LayerNSH), for statistics.
	Layers uint8
	// EtherType is the EtherType of a non-IP payload the decoder stopped at
	// (ARP 0x0806, LLDP 0x88cc…; with AnomalyUnknownEtherType), else 0.
	EtherType uint16

	// VLAN holds up to two 802.1Q/802.1ad tags, outer first; VLANs counts them.
	VLAN  [2]uint16
	VLANs uint8
	// Tunnel is the outermost tunnel the inner packet was carried in;
	// TunnelDepth how many tunnels deep it is (0: not tunnelled).
	Tunnel      Tunnel
	TunnelDepth uint8

	// IPVersion is 4 or 6 (0 when the packet has no IP layer we could read).
	IPVersion uint8
	// Src and Dst are the innermost IP addresses: IPv4 in the first 4 bytes
	// with the rest zero, IPv6 in all 16.
	Src, Dst [16]byte
	TTL      uint8 // TTL / hop limit
	// Fragmented is set when the packet was reassembled from IP fragments
	// (at any tunnel level).
	Fragmented bool
	// Truncated is set when the capture holds fewer bytes than the IP or
	// UDP header announces (a snap length cut the frame). The headers were
	// complete, so the packet is usable, but Payload is only what was
	// captured. A truncated header is an Anomaly instead.
	Truncated bool

	// Proto is the L4 protocol number (after IPv6 extension headers).
	Proto            uint8
	SrcPort, DstPort uint16 // TCP, UDP, SCTP; ICMP: 0
	// TCP fields (zero for other protocols).
	TCPFlags uint8
	Seq, Ack uint32
	Window   uint16
	// ICMP / ICMPv6 type and code.
	ICMPType, ICMPCode uint8

	// Payload is the L4 payload (TCP/UDP/SCTP data; for ICMP, IGMP, ESP and
	// other protocols the bytes after the L4 header we know, or after the IP
	// header).
	Payload []byte

	// Anomaly is the first problem found (AnomalyNone if none). A packet with
	// an anomaly may still carry usable fields up to the damage; callers
	// decide by the Anomaly's Fatal method.
	Anomaly Anomaly
	// InnerAnomaly is set when a tunnel header was recognised but the
	// packet inside could not be decoded (its anomaly, or
	// AnomalyTunnelTruncated for a cut tunnel header), or when nesting
	// exceeded Config.MaxTunnelDepth (AnomalyTunnelTooDeep). The packet then
	// describes the innermost packet that did decode (the UDP, GRE or
	// IP-in-IP packet carrying the rest) and stays usable: InnerAnomaly
	// never makes a packet fatal.
	InnerAnomaly Anomaly
}

// Addr4 reports whether the addresses are IPv4.
func (p *Packet) Addr4() bool { return p.IPVersion == 4 }

// Anomaly names a kind of malformed or unsupported input.
type Anomaly uint8

const (
	AnomalyNone Anomaly = iota
	AnomalyLinkTruncated
	AnomalyUnknownLinkType
	AnomalyUnknownEtherType // non-IP payload (ARP, LLDP, 802.11 management, …): not an error, counted; named "ether.non_ip"
	AnomalyVLANTruncated
	AnomalyPPPoETruncated
	AnomalyMPLSTruncated
	AnomalyIPv4Truncated
	AnomalyIPv4BadHeaderLen
	AnomalyIPv4BadTotalLen
	AnomalyIPv4BadVersion
	AnomalyIPv6Truncated
	AnomalyIPv6BadExtHeader
	AnomalyFragOverlap
	AnomalyFragTooLarge
	AnomalyFragPending // fragment stored, datagram not complete yet (not an error)
	AnomalyFragTableFull
	AnomalyTCPTruncated
	AnomalyTCPBadHeaderLen
	AnomalyUDPTruncated
	AnomalyUDPBadLength
	AnomalyICMPTruncated
	AnomalySCTPTruncated
	AnomalyTunnelTruncated   // only in Packet.InnerAnomaly
	AnomalyTunnelTooDeep     // only in Packet.InnerAnomaly
	AnomalyFragBadLength     // non-final fragment whose length is not a multiple of 8
	AnomalyFragTooManyPieces // too many disjoint pieces in one datagram
	AnomalyLinkTooDeep       // too many VLAN tags, MPLS labels or nested link layers
	AnomalyIPv6BadVersion    // IPv6 expected (link type, ethertype, tunnel) but version ≠ 6
	anomalyCount
)

var anomalyNames = [...]string{
	"",
	"link.truncated",
	"link.unknown_type",
	"ether.non_ip",
	"vlan.truncated",
	"pppoe.truncated",
	"mpls.truncated",
	"ipv4.truncated",
	"ipv4.bad_header_len",
	"ipv4.bad_total_len",
	"ipv4.bad_version",
	"ipv6.truncated",
	"ipv6.bad_ext_header",
	"frag.overlap",
	"frag.too_large",
	"frag.pending",
	"frag.table_full",
	"tcp.truncated",
	"tcp.bad_header_len",
	"udp.truncated",
	"udp.bad_length",
	"icmp.truncated",
	"sctp.truncated",
	"tunnel.truncated",
	"tunnel.too_deep",
	"frag.bad_length",
	"frag.too_many_pieces",
	"link.too_deep",
	"ipv6.bad_version",
}

// NumAnomalies is the number of Anomaly kinds, for counter arrays.
const NumAnomalies = int(anomalyCount)

// String returns the anomaly's dotted name.
func (a Anomaly) String() string {
	if int(a) < len(anomalyNames) {
		return anomalyNames[a]
	}
	return "unknown"
}

// Fatal reports whether a packet with this anomaly has no usable L3/L4
// fields (the engine skips flow tracking for it). Pending fragments and
// non-IP frames are not anomalies of the traffic but are also not tracked.
func (a Anomaly) Fatal() bool {
	return a != AnomalyNone
}
