package decode

// innerKind says how a tunnel's payload starts.
type innerKind uint8

const (
	innerIP           innerKind = iota // IPv4 or IPv6 by version nibble
	innerIPv4                          //
	innerIPv6                          //
	innerEther                         // Ethernet frame
	innerDot11                         // 802.11 frame
	innerDot11Swapped                  // 802.11 frame, frame control bytes swapped (len ≥ 24)
	innerPPP                           // PPP (address/control optional)
	innerMPLS                          // MPLS label stack
)

// tunnel decodes b, the payload of a recognised tunnel header, as the
// packet's new content. If the inner packet does not decode (any anomaly
// other than a pending fragment), p is restored to the outer packet and the
// inner anomaly is kept in p.InnerAnomaly: a wrong tunnel guess never loses
// the packet.
func (d *Decoder) tunnel(kind Tunnel, how innerKind, b []byte, p *Packet, depth int) {
	if d.skip&(1<<kind) != 0 {
		return
	}
	if depth >= d.cfg.MaxTunnelDepth {
		p.InnerAnomaly = AnomalyTunnelTooDeep
		return
	}
	saved := *p
	// Keep what describes the frame as a whole; clear the L3/L4 view.
	// Fragmented and Truncated stay set: the inner bytes came from a
	// reassembled or cut outer packet.
	*p = Packet{
		Time:       saved.Time,
		Length:     saved.Length,
		VLAN:       saved.VLAN,
		VLANs:      saved.VLANs,
		Tunnel:     saved.Tunnel,
		Fragmented: saved.Fragmented,
		Truncated:  saved.Truncated,
		SrcMAC:     saved.SrcMAC,
		DstMAC:     saved.DstMAC,
		HasMAC:     saved.HasMAC,
		Layers:     saved.Layers,
	}
	if p.Tunnel == TunnelNone {
		p.Tunnel = kind
	}
	depth++
	p.TunnelDepth = uint8(depth)
	switch how {
	case innerIP:
		d.ipAny(b, p, depth)
	case innerIPv4:
		d.ipv4(b, p, depth)
	case innerIPv6:
		d.ipv6(b, p, depth)
	case innerEther:
		d.ethernet(b, p, depth)
	case innerDot11:
		d.dot11(b, p, depth)
	case innerDot11Swapped:
		d.dot11FC(b[1], b[0], b, p, depth)
	case innerPPP:
		d.ppp(b, p, depth)
	case innerMPLS:
		d.mpls(b, p, depth)
	}
	if a := p.Anomaly; a != AnomalyNone && a != AnomalyFragPending {
		*p = saved
		p.InnerAnomaly = a
		d.stats.TunnelFailed++
	}
}

// innerTruncated records a tunnel header that was recognised but cut short;
// the packet stays the outer one.
func (d *Decoder) innerTruncated(p *Packet) {
	p.InnerAnomaly = AnomalyTunnelTruncated
	d.stats.TunnelFailed++
}

// GRE flag bits (RFC 1701, RFC 2637 for version 1).
const (
	greChecksum = 0x8000
	greRouting  = 0x4000
	greKey      = 0x2000
	greSeq      = 0x1000
	greAck      = 0x0080 // version 1 only
)

// maxGRESREs bounds the source route entries of a GRE header with R set.
const maxGRESREs = 16

// gre decodes a GRE header (RFC 1701/2784/2890, and version 1 as PPTP uses
// it) and the packet it carries: IPv4, IPv6, Ethernet (0x6558), ERSPAN
// type I/II/III, PPP (PPTP) or MPLS. p.Payload already holds b.
func (d *Decoder) gre(b []byte, p *Packet, depth int) {
	if len(b) < 4 {
		d.innerTruncated(p)
		return
	}
	flags := be.Uint16(b[0:2])
	proto := be.Uint16(b[2:4])
	off := 4
	switch flags & 7 {
	case 0:
		if flags&(greChecksum|greRouting) != 0 {
			off += 4 // checksum and offset
		}
		if flags&greKey != 0 {
			off += 4
		}
		if flags&greSeq != 0 {
			off += 4
		}
		if flags&greRouting != 0 {
			// Source route entries: family (2), offset (1), length (1),
			// data; a NULL entry (family 0, length 0) ends the list.
			for i := 0; ; i++ {
				if i >= maxGRESREs || off+4 > len(b) {
					d.innerTruncated(p)
					return
				}
				fam, n := be.Uint16(b[off:off+2]), int(b[off+3])
				off += 4 + n
				if fam == 0 && n == 0 {
					break
				}
			}
		}
	case 1:
		// Enhanced GRE (PPTP): key (payload length, call ID) always
		// present, then optional sequence and acknowledgement numbers.
		if proto != 0x880b || flags&greKey == 0 {
			return
		}
		off += 4
		if flags&greSeq != 0 {
			off += 4
		}
		if flags&greAck != 0 {
			off += 4
		}
	default:
		return
	}
	if off > len(b) {
		d.innerTruncated(p)
		return
	}
	in := b[off:]
	switch proto {
	case 0x0800:
		d.tunnel(TunnelGRE, innerIPv4, in, p, depth)
	case 0x86dd:
		d.tunnel(TunnelGRE, innerIPv6, in, p, depth)
	case 0x6558: // transparent Ethernet bridging
		d.tunnel(TunnelGRE, innerEther, in, p, depth)
	case 0x880b: // PPP; PPTP acknowledgements carry no payload
		if len(in) > 0 {
			d.tunnel(TunnelGRE, innerPPP, in, p, depth)
		}
	case 0x8847, 0x8848:
		d.tunnel(TunnelGRE, innerMPLS, in, p, depth)
	case 0x88be:
		// ERSPAN: type II has a sequence number in GRE and an 8-byte
		// header of version 1; type I has neither.
		if flags&greSeq != 0 {
			if len(in) < 8 {
				d.innerTruncated(p)
				return
			}
			if in[0]>>4 != 1 {
				return
			}
			in = in[8:]
		}
		d.tunnel(TunnelGRE, innerEther, in, p, depth)
	case 0x22eb:
		// ERSPAN type III: 12-byte header of version 2, plus an 8-byte
		// platform subheader when O is set; frame type 0 is Ethernet,
		// 2 is IP.
		if len(in) < 12 {
			d.innerTruncated(p)
			return
		}
		if in[0]>>4 != 2 {
			return
		}
		ft := (in[10] >> 2) & 0x1f
		hl := 12
		if in[11]&1 != 0 {
			hl += 8
		}
		if hl > len(in) {
			d.innerTruncated(p)
			return
		}
		switch ft {
		case 0:
			d.tunnel(TunnelGRE, innerEther, in[hl:], p, depth)
		case 2:
			d.tunnel(TunnelGRE, innerIP, in[hl:], p, depth)
		}
	}
}

// vxlan decodes a VXLAN header (RFC 7348) and the Ethernet frame after it.
// Without the I flag the payload is left as UDP.
func (d *Decoder) vxlan(b []byte, p *Packet, depth int) {
	if len(b) < 8 || b[0]&0x08 == 0 {
		return
	}
	d.tunnel(TunnelVXLAN, innerEther, b[8:], p, depth)
}

// maxGTPExtHeaders bounds the GTP-U extension header chain.
const maxGTPExtHeaders = 8

// gtpu decodes a GTPv1-U header (3GPP TS 29.281). Only G-PDU messages (type
// 0xff) carry user IP packets; everything else stays a UDP packet.
func (d *Decoder) gtpu(b []byte, p *Packet, depth int) {
	if len(b) < 8 || b[0]&0xf0 != 0x30 || b[1] != 0xff { // version 1, PT 1 (GTP, not GTP')
		return
	}
	n := 8 + int(be.Uint16(b[2:4])) // the length counts bytes after the mandatory 8
	if n > len(b) {
		if !p.Truncated {
			d.innerTruncated(p)
			return
		}
	} else {
		b = b[:n]
	}
	off := 8
	if b[0]&0x07 != 0 { // E, S or PN: sequence, N-PDU and next-extension fields
		if len(b) < 12 {
			d.innerTruncated(p)
			return
		}
		off = 12
		if b[0]&0x04 != 0 {
			next := b[11]
			for i := 0; next != 0; i++ {
				if i >= maxGTPExtHeaders || off >= len(b) {
					d.innerTruncated(p)
					return
				}
				// Length in 4-byte units including itself; the last byte
				// names the next extension.
				l := int(b[off]) * 4
				if l == 0 || off+l > len(b) {
					d.innerTruncated(p)
					return
				}
				next = b[off+l-1]
				off += l
			}
		}
	}
	if off >= len(b) {
		return // no T-PDU (e.g. an end marker sent as G-PDU)
	}
	d.tunnel(TunnelGTP, innerIP, b[off:], p, depth)
}

// teredo decodes Teredo (RFC 4380) data: optional authentication and origin
// indications, then an IPv6 packet that must fill the UDP payload exactly.
// Anything else (including malformed indications) stays a UDP packet.
func (d *Decoder) teredo(b []byte, p *Packet, depth int) {
	if len(b) >= 4 && b[0] == 0x00 && b[1] == 0x01 {
		// Authentication: 0x0001, ID length, auth length, client ID,
		// authentication value, nonce (8), confirmation (1).
		n := 4 + int(b[2]) + int(b[3]) + 9
		if n > len(b) {
			return
		}
		b = b[n:]
	}
	if len(b) >= 8 && b[0] == 0x00 && b[1] == 0x00 {
		b = b[8:] // origin: 0x0000, port, address (both obfuscated)
	}
	if len(b) < 40 || b[0]>>4 != 6 {
		return
	}
	n := 40 + int(be.Uint16(b[4:6]))
	if n != len(b) && !(p.Truncated && n > len(b)) {
		return
	}
	d.tunnel(TunnelTeredo, innerIPv6, b, p, depth)
}

// capwap decodes a CAPWAP data channel header (RFC 5415 §4.3) and the frame
// it carries: 802.11 when T is set with WBID 1 (RFC 5416), 802.3 when T is
// clear. DTLS-protected, fragmented and keep-alive packets stay UDP.
func (d *Decoder) capwap(b []byte, p *Packet, depth int) {
	if len(b) < 8 || b[0] != 0 { // preamble: version 0, type 0 (clear)
		return
	}
	w := be.Uint32(b[0:4])
	hl := int(w>>19&0x1f) * 4
	wbid := w >> 9 & 0x1f
	t := w&0x100 != 0
	frag := w&0x80 != 0
	keepAlive := w&0x08 != 0
	if hl < 8 {
		return
	}
	if hl > len(b) {
		d.innerTruncated(p)
		return
	}
	if frag || keepAlive || hl == len(b) {
		return
	}
	in := b[hl:]
	switch {
	case !t:
		d.tunnel(TunnelCAPWAP, innerEther, in, p, depth)
	case wbid == 1:
		// Cisco controllers send the 802.11 frame control field with its
		// two bytes swapped: take that order when only it reads as a data
		// frame (protocol version 0, type 2).
		if len(in) >= 24 && in[0]&0x0f != 0x08 && in[1]&0x0f == 0x08 {
			d.tunnel(TunnelCAPWAP, innerDot11Swapped, in, p, depth)
			return
		}
		d.tunnel(TunnelCAPWAP, innerDot11, in, p, depth)
	}
}
