package decode

import (
	"encoding/binary"
	"time"
)

var be = binary.BigEndian

// Decoder decodes frames into Packets. It holds the fragment reassembly
// table, so it is not safe for concurrent use: make one per worker.
type Decoder struct {
	cfg Config
	// skip has bit 1<<Tunnel set for each kind in cfg.SkipTunnels.
	skip uint32
	// layers counts link layers (Ethernet headers) entered during the
	// current Decode call; it bounds recursion through MPLS pseudowires and
	// tunnels carrying Ethernet.
	layers int
	frag   fragTable
	stats  Stats
}

// Stats are the decoder's running counters. They only grow, except
// FragDatagrams, which is the current number of datagrams being reassembled.
type Stats struct {
	FragDatagrams   int    // datagrams currently held by the reassembly table
	FragReassembled uint64 // datagrams completed
	FragTimedOut    uint64 // datagrams dropped because FragTimeout passed
	FragDropped     uint64 // datagrams abandoned for overlap, size or piece count
	TunnelFailed    uint64 // tunnel headers whose inner packet did not decode
}

// maxLinkLayers bounds the Ethernet headers one frame may contain
// (outer frame, MPLS pseudowires, VXLAN/GRE/CAPWAP payloads).
const maxLinkLayers = 8

// maxVLANTags bounds the 802.1Q tags read from one Ethernet header.
const maxVLANTags = 8

// maxMPLSLabels bounds an MPLS label stack.
const maxMPLSLabels = 16

// maxIPv6ExtHeaders bounds the IPv6 extension-header chain (per IPv6
// header, counting the headers after a reassembled fragment too).
const maxIPv6ExtHeaders = 12

// NewDecoder returns a Decoder with cfg's limits; zero fields take their
// defaults and out-of-range values are clamped (call cfg.Validate first to
// report them to the operator).
func NewDecoder(cfg Config) *Decoder {
	cfg = cfg.withDefaults()
	d := &Decoder{cfg: cfg}
	for _, t := range cfg.SkipTunnels {
		d.skip |= 1 << (t & 31)
	}
	d.frag.init(cfg.MaxFragDatagrams, cfg.FragTimeout)
	return d
}

// Stats returns a snapshot of the decoder's counters.
func (d *Decoder) Stats() Stats {
	s := d.stats
	s.FragDatagrams = d.frag.live
	return s
}

// Decode fills p from one frame of the given pcap link type. p is reset
// first; Length is set to len(frame) (callers that know the original wire
// length may overwrite it). After it returns, p.Anomaly == AnomalyNone means
// p has usable IP + L4 fields. p's slices point into frame, or into the
// decoder's reassembly buffers, and are valid until the next Decode call.
func (d *Decoder) Decode(link int, frame []byte, ts time.Time, p *Packet) {
	if len(d.frag.held) != 0 {
		d.frag.releaseHeld()
	}
	*p = Packet{Time: ts, Length: len(frame)}
	d.layers = 0
	switch link {
	case LinkEthernet:
		d.ethernet(frame, p, 0)
	case LinkRaw, LinkRaw12, LinkRaw14:
		d.ipAny(frame, p, 0)
	case LinkIPv4:
		d.ipv4(frame, p, 0)
	case LinkIPv6:
		d.ipv6(frame, p, 0)
	case LinkSLL:
		if len(frame) < 16 {
			p.Anomaly = AnomalyLinkTruncated
			return
		}
		d.sll(be.Uint16(frame[14:16]), frame[16:], p)
	case LinkSLL2:
		if len(frame) < 20 {
			p.Anomaly = AnomalyLinkTruncated
			return
		}
		d.sll(be.Uint16(frame[0:2]), frame[20:], p)
	case LinkNull, LinkLoop:
		d.null(link, frame, p)
	case LinkPPP:
		d.ppp(frame, p, 0)
	case LinkPPPHDLC:
		if len(frame) >= 4 && (frame[0] == 0x0f || frame[0] == 0x8f) && frame[1] == 0 {
			// Cisco HDLC: address, control 0, then an EtherType.
			d.etherType(be.Uint16(frame[2:4]), frame[4:], p, 0)
			return
		}
		d.ppp(frame, p, 0)
	case LinkIEEE80211:
		d.dot11(frame, p, 0)
	default:
		p.Anomaly = AnomalyUnknownLinkType
	}
}

// sll decodes the payload of a Linux cooked header whose protocol field is
// proto: an EtherType, or a small number naming a non-Ethernet framing.
func (d *Decoder) sll(proto uint16, b []byte, p *Packet) {
	if proto >= 0x0600 {
		d.etherType(proto, b, p, 0)
		return
	}
	if proto == 0x0004 { // ETH_P_802_2: an 802.2 LLC frame follows
		d.llc(b, p, 0)
		return
	}
	p.Anomaly = AnomalyUnknownEtherType
}

// null decodes BSD loopback framing: a 4-byte address family, in the
// capturing host's byte order for LinkNull and in network order for
// LinkLoop.
func (d *Decoder) null(link int, b []byte, p *Packet) {
	if len(b) < 4 {
		p.Anomaly = AnomalyLinkTruncated
		return
	}
	var fam uint32
	if link == LinkLoop {
		fam = be.Uint32(b)
	} else {
		// The host's byte order is not recorded. Families are small
		// numbers, so the order that yields a small value is the right one.
		fam = binary.LittleEndian.Uint32(b)
		if fam > 0xffff {
			fam = be.Uint32(b)
		}
	}
	switch fam {
	case 2: // AF_INET everywhere
		d.ipv4(b[4:], p, 0)
	case 24, 28, 30: // AF_INET6 on NetBSD/OpenBSD, FreeBSD, Darwin
		d.ipv6(b[4:], p, 0)
	default:
		p.Anomaly = AnomalyUnknownEtherType
	}
}

// ppp decodes a PPP frame with optional HDLC address/control bytes.
func (d *Decoder) ppp(b []byte, p *Packet, depth int) {
	if len(b) >= 2 && b[0] == 0xff && b[1] == 0x03 {
		b = b[2:]
	}
	d.pppProto(b, p, depth)
}

// pppProto decodes a PPP protocol field (one byte when compressed, as
// RFC 1661 allows: an odd first byte) and what follows it.
func (d *Decoder) pppProto(b []byte, p *Packet, depth int) {
	if len(b) < 1 {
		p.Anomaly = AnomalyLinkTruncated
		return
	}
	var proto uint16
	if b[0]&1 == 1 {
		proto = uint16(b[0])
		b = b[1:]
	} else {
		if len(b) < 2 {
			p.Anomaly = AnomalyLinkTruncated
			return
		}
		proto = be.Uint16(b)
		b = b[2:]
	}
	switch proto {
	case 0x0021:
		d.ipv4(b, p, depth)
	case 0x0057:
		d.ipv6(b, p, depth)
	case 0x0281:
		d.mpls(b, p, depth)
	default:
		p.Anomaly = AnomalyUnknownEtherType
	}
}

// ethernet decodes an Ethernet II or 802.3 frame (no FCS expected; a
// trailing FCS or padding is cut by the IP length).
func (d *Decoder) ethernet(b []byte, p *Packet, depth int) {
	d.layers++
	if d.layers > maxLinkLayers {
		p.Anomaly = AnomalyLinkTooDeep
		return
	}
	if len(b) < 14 {
		p.Anomaly = AnomalyLinkTruncated
		return
	}
	if !p.HasMAC {
		p.HasMAC = true
		copy(p.DstMAC[:], b[0:6])
		copy(p.SrcMAC[:], b[6:12])
	}
	et := be.Uint16(b[12:14])
	if et < 0x0600 { // 802.3 length field: LLC follows
		b = b[14:]
		if int(et) < len(b) {
			b = b[:et]
		}
		d.llc(b, p, depth)
		return
	}
	d.etherType(et, b[14:], p, depth)
}

// llc decodes an 802.2 LLC header; only SNAP (AA AA 03) carries an
// EtherType we follow.
func (d *Decoder) llc(b []byte, p *Packet, depth int) {
	if len(b) < 3 {
		p.Anomaly = AnomalyLinkTruncated
		return
	}
	if b[0] != 0xaa || b[1] != 0xaa || b[2] != 0x03 {
		p.Anomaly = AnomalyUnknownEtherType
		return
	}
	if len(b) < 8 {
		p.Anomaly = AnomalyLinkTruncated
		return
	}
	et := be.Uint16(b[6:8])
	if et < 0x0600 {
		p.Anomaly = AnomalyUnknownEtherType
		return
	}
	d.etherType(et, b[8:], p, depth)
}

// etherType decodes b as the payload of EtherType et: VLAN tags (looped,
// outer first), PPPoE session, MPLS or IP. Anything else is non-IP.
func (d *Decoder) etherType(et uint16, b []byte, p *Packet, depth int) {
	for {
		switch et {
		case 0x0800:
			d.ipv4(b, p, depth)
			return
		case 0x86dd:
			d.ipv6(b, p, depth)
			return
		case 0x8100, 0x88a8, 0x9100, 0x9200:
			if len(b) < 4 {
				p.Anomaly = AnomalyVLANTruncated
				return
			}
			if p.VLANs >= maxVLANTags {
				p.Anomaly = AnomalyLinkTooDeep
				return
			}
			p.Layers |= LayerVLAN
			if int(p.VLANs) < len(p.VLAN) {
				p.VLAN[p.VLANs] = be.Uint16(b) & 0x0fff
			}
			p.VLANs++
			et = be.Uint16(b[2:4])
			b = b[4:]
		case 0x8864:
			d.pppoe(b, p, depth)
			return
		case 0x8847, 0x8848:
			d.mpls(b, p, depth)
			return
		case 0x894f:
			d.nsh(b, p, depth)
			return
		case 0x8903:
			// Cisco FabricPath: FTag/TTL, then the original Ethernet frame.
			if len(b) < 2 {
				p.Anomaly = AnomalyLinkTruncated
				return
			}
			d.ethernet(b[2:], p, depth)
			return
		default:
			p.Anomaly = AnomalyUnknownEtherType
			p.EtherType = et
			return
		}
	}
}

// nsh decodes a Network Service Header (RFC 8300, EtherType 0x894F): a
// 4-byte base header whose 6-bit length counts 4-byte words of the whole
// header (MD type 1: 6 words; type 2: 2 + variable context), then the
// packet of its next protocol (IPv4, IPv6, Ethernet, NSH, MPLS).
func (d *Decoder) nsh(b []byte, p *Packet, depth int) {
	p.Layers |= LayerNSH
	if len(b) < 8 {
		p.Anomaly = AnomalyLinkTruncated
		return
	}
	if b[0]>>6 != 0 { // version 0 only
		p.Anomaly = AnomalyUnknownEtherType
		p.EtherType = 0x894f
		return
	}
	n := int(b[1]&0x3f) * 4
	if n < 8 || n > len(b) {
		p.Anomaly = AnomalyLinkTruncated
		return
	}
	if depth >= d.cfg.MaxTunnelDepth {
		p.Anomaly = AnomalyLinkTooDeep
		return
	}
	next, rest := b[3], b[n:]
	switch next {
	case 1:
		d.ipv4(rest, p, depth+1)
	case 2:
		d.ipv6(rest, p, depth+1)
	case 3:
		d.ethernet(rest, p, depth+1)
	case 4:
		d.nsh(rest, p, depth+1)
	case 5:
		d.mpls(rest, p, depth+1)
	default:
		p.Anomaly = AnomalyUnknownEtherType
		p.EtherType = 0x894f
	}
}

// pppoe decodes a PPPoE session frame (RFC 2516): 6-byte header, then PPP.
func (d *Decoder) pppoe(b []byte, p *Packet, depth int) {
	p.Layers |= LayerPPPoE
	if len(b) < 6 {
		p.Anomaly = AnomalyPPPoETruncated
		return
	}
	if b[0] != 0x11 || b[1] != 0x00 { // version 1, type 1, code 0 (session data)
		p.Anomaly = AnomalyUnknownEtherType
		return
	}
	n := int(be.Uint16(b[4:6]))
	b = b[6:]
	if n < len(b) {
		b = b[:n] // cut Ethernet padding
	}
	d.pppProto(b, p, depth)
}

// mpls skips an MPLS label stack and guesses the payload from its first
// nibble: 4 IPv4, 6 IPv6, 0 a pseudowire control word followed by Ethernet.
func (d *Decoder) mpls(b []byte, p *Packet, depth int) {
	p.Layers |= LayerMPLS
	for i := 0; ; i++ {
		if len(b) < 4 {
			p.Anomaly = AnomalyMPLSTruncated
			return
		}
		if i >= maxMPLSLabels {
			p.Anomaly = AnomalyLinkTooDeep
			return
		}
		bos := b[2] & 1
		b = b[4:]
		if bos != 0 {
			break
		}
	}
	if len(b) < 1 {
		p.Anomaly = AnomalyMPLSTruncated
		return
	}
	switch b[0] >> 4 {
	case 4:
		d.ipv4(b, p, depth)
	case 6:
		d.ipv6(b, p, depth)
	case 0:
		if len(b) < 4 {
			p.Anomaly = AnomalyMPLSTruncated
			return
		}
		d.ethernet(b[4:], p, depth)
	default:
		p.Anomaly = AnomalyUnknownEtherType
	}
}

// dot11 decodes an 802.11 data frame (no radiotap, no FCS expected) down to
// its LLC/SNAP payload. Management, control, null and protected frames are
// non-IP.
func (d *Decoder) dot11(b []byte, p *Packet, depth int) {
	if len(b) < 24 {
		p.Anomaly = AnomalyLinkTruncated
		return
	}
	d.dot11FC(b[0], b[1], b, p, depth)
}

// dot11FC is dot11 with the frame control bytes given separately, for
// senders that swap them.
func (d *Decoder) dot11FC(fc0, fc1 uint8, b []byte, p *Packet, depth int) {
	if fc0&0x03 != 0 || (fc0>>2)&0x03 != 2 { // protocol version 0, type data
		p.Anomaly = AnomalyUnknownEtherType
		return
	}
	sub := fc0 >> 4
	if sub&0x4 != 0 || fc1&0x40 != 0 { // no-data subtypes; protected (encrypted) body
		p.Anomaly = AnomalyUnknownEtherType
		return
	}
	hl := 24
	if fc1&0x03 == 0x03 { // ToDS and FromDS: fourth address
		hl += 6
	}
	amsdu := false
	if sub&0x8 != 0 { // QoS data: QoS control, and HT control when Order is set
		if len(b) < hl+2 {
			p.Anomaly = AnomalyLinkTruncated
			return
		}
		amsdu = b[hl]&0x80 != 0
		hl += 2
		if fc1&0x80 != 0 {
			hl += 4
		}
	}
	if len(b) < hl {
		p.Anomaly = AnomalyLinkTruncated
		return
	}
	b = b[hl:]
	if amsdu { // A-MSDU: decode the first subframe (DA, SA, length, LLC)
		if len(b) < 14 {
			p.Anomaly = AnomalyLinkTruncated
			return
		}
		n := int(be.Uint16(b[12:14]))
		b = b[14:]
		if n < len(b) {
			b = b[:n]
		}
	}
	d.llc(b, p, depth)
}

// ipAny decodes an IPv4 or IPv6 packet chosen by the version nibble.
func (d *Decoder) ipAny(b []byte, p *Packet, depth int) {
	if len(b) < 1 {
		p.Anomaly = AnomalyIPv4Truncated
		return
	}
	switch b[0] >> 4 {
	case 4:
		d.ipv4(b, p, depth)
	case 6:
		d.ipv6(b, p, depth)
	default:
		p.Anomaly = AnomalyIPv4BadVersion
	}
}

// ipv4 decodes an IPv4 header and what it carries.
func (d *Decoder) ipv4(b []byte, p *Packet, depth int) {
	if len(b) < 20 {
		p.Anomaly = AnomalyIPv4Truncated
		return
	}
	if b[0]>>4 != 4 {
		p.Anomaly = AnomalyIPv4BadVersion
		return
	}
	ihl := int(b[0]&0x0f) * 4
	if ihl < 20 {
		p.Anomaly = AnomalyIPv4BadHeaderLen
		return
	}
	if ihl > len(b) {
		p.Anomaly = AnomalyIPv4Truncated
		return
	}
	tot := int(be.Uint16(b[2:4]))
	switch {
	case tot == 0:
		// Captured on a host doing TCP segmentation offload: the stack
		// leaves the length to the NIC. Take what was captured.
		tot = len(b)
	case tot < ihl:
		p.Anomaly = AnomalyIPv4BadTotalLen
		return
	case tot > len(b):
		p.Truncated = true
		tot = len(b)
	}
	b = b[:tot] // cut Ethernet padding and trailers
	p.IPVersion = 4
	copy(p.Src[:4], b[12:16])
	copy(p.Dst[:4], b[16:20])
	p.TTL = b[8]
	proto := b[9]
	p.Proto = proto
	if be.Uint16(b[6:8])&0x3fff != 0 { // MF set or offset non-zero
		d.fragV4(b, ihl, p, depth)
		return
	}
	d.l4(proto, b[ihl:], p, depth)
}

// ipv6 decodes an IPv6 header, its extension headers and what they carry.
func (d *Decoder) ipv6(b []byte, p *Packet, depth int) {
	if len(b) < 40 {
		p.Anomaly = AnomalyIPv6Truncated
		return
	}
	if b[0]>>4 != 6 {
		p.Anomaly = AnomalyIPv6BadVersion
		return
	}
	n := int(be.Uint16(b[4:6]))
	data := b[40:]
	switch {
	case n == 0 && b[6] == 0:
		// Possibly a jumbogram (RFC 2675): the length is in a hop-by-hop
		// option. Take what was captured.
	case n > len(data):
		p.Truncated = true
	default:
		data = data[:n]
	}
	p.IPVersion = 6
	copy(p.Src[:], b[8:24])
	copy(p.Dst[:], b[24:40])
	p.TTL = b[7]
	d.ipv6Ext(b[6], data, p, depth, 0)
}

// ipv6Ext walks the extension-header chain starting with next header nh
// over data; n headers were already walked for this IPv6 header.
func (d *Decoder) ipv6Ext(nh uint8, data []byte, p *Packet, depth, n int) {
	for ; ; n++ {
		switch nh {
		case 0, 43, 60, 135, 139, 140: // hop-by-hop, routing, dest. options, mobility, HIP, shim6
			if n >= maxIPv6ExtHeaders {
				p.Anomaly = AnomalyIPv6BadExtHeader
				return
			}
			if len(data) < 8 {
				p.Anomaly = AnomalyIPv6Truncated
				return
			}
			hl := (int(data[1]) + 1) * 8
			if hl > len(data) {
				p.Anomaly = AnomalyIPv6Truncated
				return
			}
			nh = data[0]
			data = data[hl:]
		case ProtoAH:
			if n >= maxIPv6ExtHeaders {
				p.Anomaly = AnomalyIPv6BadExtHeader
				return
			}
			if len(data) < 8 {
				p.Anomaly = AnomalyIPv6Truncated
				return
			}
			hl := (int(data[1]) + 2) * 4
			if hl > len(data) {
				p.Anomaly = AnomalyIPv6Truncated
				return
			}
			nh = data[0]
			data = data[hl:]
		case 44: // fragment
			if n >= maxIPv6ExtHeaders {
				p.Anomaly = AnomalyIPv6BadExtHeader
				return
			}
			if len(data) < 8 {
				p.Anomaly = AnomalyIPv6Truncated
				return
			}
			om := be.Uint16(data[2:4])
			if om&0xfff9 == 0 { // atomic fragment (RFC 6946): offset 0, M clear
				nh = data[0]
				data = data[8:]
				continue
			}
			d.fragV6(data, p, depth, n)
			return
		case 59: // no next header
			p.Proto = 59
			return
		default:
			d.l4(nh, data, p, depth)
			return
		}
	}
}

// l4 decodes the transport header of protocol proto in b.
func (d *Decoder) l4(proto uint8, b []byte, p *Packet, depth int) {
	p.Proto = proto
	switch proto {
	case ProtoTCP:
		if len(b) < 20 {
			p.Anomaly = AnomalyTCPTruncated
			return
		}
		off := int(b[12]>>4) * 4
		if off < 20 {
			p.Anomaly = AnomalyTCPBadHeaderLen
			return
		}
		if off > len(b) {
			p.Anomaly = AnomalyTCPTruncated
			return
		}
		p.SrcPort = be.Uint16(b[0:2])
		p.DstPort = be.Uint16(b[2:4])
		p.Seq = be.Uint32(b[4:8])
		p.Ack = be.Uint32(b[8:12])
		p.TCPFlags = b[13]
		p.Window = be.Uint16(b[14:16])
		p.Payload = b[off:]
	case ProtoUDP:
		d.udp(b, p, depth)
	case ProtoICMP, ProtoICMPv6:
		if len(b) < 4 {
			p.Anomaly = AnomalyICMPTruncated
			return
		}
		p.ICMPType = b[0]
		p.ICMPCode = b[1]
		// Every ICMP message has 4 bytes after type/code/checksum (id and
		// sequence, pointer, MTU or unused); the payload follows them.
		if len(b) >= 8 {
			p.Payload = b[8:]
		} else {
			p.Payload = b[4:]
		}
	case ProtoSCTP:
		if len(b) < 12 {
			p.Anomaly = AnomalySCTPTruncated
			return
		}
		p.SrcPort = be.Uint16(b[0:2])
		p.DstPort = be.Uint16(b[2:4])
		p.Payload = b[12:]
	case ProtoIPIP:
		p.Payload = b
		d.tunnel(TunnelIPIP, innerIPv4, b, p, depth)
	case ProtoIPv6:
		p.Payload = b
		d.tunnel(TunnelIPIP, innerIPv6, b, p, depth)
	case ProtoGRE:
		p.Payload = b
		d.gre(b, p, depth)
	default:
		p.Payload = b
	}
}

// UDP ports that announce a tunnel.
const (
	portVXLAN  = 4789
	portGTPU   = 2152
	portTeredo = 3544
	portCAPWAP = 5247 // CAPWAP data channel
)

// udp decodes a UDP header and, on tunnel ports, tries the tunnel.
func (d *Decoder) udp(b []byte, p *Packet, depth int) {
	if len(b) < 8 {
		p.Anomaly = AnomalyUDPTruncated
		return
	}
	sp, dp := be.Uint16(b[0:2]), be.Uint16(b[2:4])
	p.SrcPort, p.DstPort = sp, dp
	n := int(be.Uint16(b[4:6]))
	switch {
	case n < 8:
		p.Anomaly = AnomalyUDPBadLength
		return
	case n > len(b):
		if !p.Truncated {
			p.Anomaly = AnomalyUDPBadLength
			return
		}
		p.Payload = b[8:]
	default:
		p.Payload = b[8:n]
	}
	switch {
	case dp == portVXLAN:
		d.vxlan(p.Payload, p, depth)
	case sp == portGTPU || dp == portGTPU:
		d.gtpu(p.Payload, p, depth)
	case sp == portTeredo || dp == portTeredo:
		d.teredo(p.Payload, p, depth)
	case sp == portCAPWAP || dp == portCAPWAP:
		d.capwap(p.Payload, p, depth)
	}
}
