// Package respond builds and sends the packets with which netsift answers
// traffic it blocks: TCP resets to both ends, ICMP destination unreachable,
// a DNS answer of its own (sinkhole), and an HTTP 451 page (RFC 7725).
//
// Each action has a pure builder (BuildReset, BuildUnreachable,
// BuildDNSAnswer, BuildHTTPNotice) that returns whole IP packets with
// correct checksums, and a sender (Reset, Unreachable, DNSAnswer,
// HTTPNotice) that writes them with a raw IP socket (IP_HDRINCL) in the
// current network namespace. Input packets are raw IP packets (as
// capture/nfqueue delivers them); they are validated strictly, and a
// malformed one is an error, never a panic. The builders do not keep or
// modify the input.
package respond

import (
	"encoding/binary"
	"errors"
	"fmt"
	"html"
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/net/dns/dnsmessage"
)

// TTL is the IPv4 TTL / IPv6 hop limit of built packets.
const TTL = 64

const (
	protoICMP   = 1
	protoTCP    = 6
	protoUDP    = 17
	protoICMPv6 = 58

	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
	tcpPSH = 0x08
	tcpACK = 0x10
)

// ErrMalformed is wrapped by every error about an input packet that is not
// a well-formed IPv4/IPv6 packet of the kind the action needs.
var ErrMalformed = errors.New("malformed packet")

func malformed(format string, a ...any) error {
	return fmt.Errorf("respond: %w: %s", ErrMalformed, fmt.Sprintf(format, a...))
}

// ipPacket is a validated view of an input packet.
type ipPacket struct {
	v6       bool
	src, dst netip.Addr
	proto    uint8
	ip       []byte // the whole IP packet, trimmed to its stated length
	l4       []byte // the transport header and payload
}

// parseIP validates an IPv4 or IPv6 packet (no fragments; IPv6 extension
// headers hop-by-hop, routing and destination options are skipped).
func parseIP(pkt []byte) (ipPacket, error) {
	var p ipPacket
	if len(pkt) < 1 {
		return p, malformed("empty packet")
	}
	switch pkt[0] >> 4 {
	case 4:
		if len(pkt) < 20 {
			return p, malformed("IPv4 header truncated (%d of 20 bytes)", len(pkt))
		}
		ihl := int(pkt[0]&0x0f) * 4
		total := int(binary.BigEndian.Uint16(pkt[2:4]))
		if ihl < 20 || total < ihl || total > len(pkt) {
			return p, malformed("IPv4 header length %d / total length %d do not fit %d bytes", ihl, total, len(pkt))
		}
		if ff := binary.BigEndian.Uint16(pkt[6:8]); ff&0x3fff != 0 {
			return p, malformed("IPv4 fragment (flags/offset %#04x): only whole packets can be answered", ff)
		}
		p.ip = pkt[:total]
		p.proto = pkt[9]
		p.src = netip.AddrFrom4([4]byte(pkt[12:16]))
		p.dst = netip.AddrFrom4([4]byte(pkt[16:20]))
		p.l4 = pkt[ihl:total]
	case 6:
		if len(pkt) < 40 {
			return p, malformed("IPv6 header truncated (%d of 40 bytes)", len(pkt))
		}
		total := 40 + int(binary.BigEndian.Uint16(pkt[4:6]))
		if total > len(pkt) {
			return p, malformed("IPv6 payload length %d exceeds the %d bytes present", total-40, len(pkt)-40)
		}
		p.v6 = true
		p.ip = pkt[:total]
		p.src = netip.AddrFrom16([16]byte(pkt[8:24]))
		p.dst = netip.AddrFrom16([16]byte(pkt[24:40]))
		next, off := pkt[6], 40
		for next == 0 || next == 43 || next == 60 {
			if off+8 > total {
				return p, malformed("IPv6 extension header %d truncated", next)
			}
			n := 8 + int(pkt[off+1])*8
			if off+n > total {
				return p, malformed("IPv6 extension header %d truncated", next)
			}
			next, off = pkt[off], off+n
		}
		if next == 44 {
			return p, malformed("IPv6 fragment: only whole packets can be answered")
		}
		p.proto = next
		p.l4 = pkt[off:total]
	default:
		return p, malformed("IP version %d (want 4 or 6)", pkt[0]>>4)
	}
	if !p.src.IsValid() || p.src.IsUnspecified() || p.src.IsMulticast() || p.dst.IsUnspecified() {
		return p, malformed("addresses %v → %v cannot be answered", p.src, p.dst)
	}
	return p, nil
}

type tcpSeg struct {
	sport, dport uint16
	seq, ack     uint32
	flags        uint8
	payload      []byte
}

func parseTCP(p ipPacket) (tcpSeg, error) {
	var s tcpSeg
	if p.proto != protoTCP {
		return s, malformed("protocol %d, want TCP", p.proto)
	}
	b := p.l4
	if len(b) < 20 {
		return s, malformed("TCP header truncated (%d of 20 bytes)", len(b))
	}
	off := int(b[12]>>4) * 4
	if off < 20 || off > len(b) {
		return s, malformed("TCP data offset %d does not fit %d bytes", off, len(b))
	}
	s.sport = binary.BigEndian.Uint16(b[0:2])
	s.dport = binary.BigEndian.Uint16(b[2:4])
	s.seq = binary.BigEndian.Uint32(b[4:8])
	s.ack = binary.BigEndian.Uint32(b[8:12])
	s.flags = b[13]
	s.payload = b[off:]
	if s.flags&tcpRST != 0 {
		return s, malformed("TCP segment is itself a reset: never answer a reset")
	}
	return s, nil
}

// segLen is the sequence space the segment occupies.
func (s tcpSeg) segLen() uint32 {
	n := uint32(len(s.payload))
	if s.flags&tcpSYN != 0 {
		n++
	}
	if s.flags&tcpFIN != 0 {
		n++
	}
	return n
}

type udpDgram struct {
	sport, dport uint16
	payload      []byte
}

func parseUDP(p ipPacket) (udpDgram, error) {
	var d udpDgram
	if p.proto != protoUDP {
		return d, malformed("protocol %d, want UDP", p.proto)
	}
	b := p.l4
	if len(b) < 8 {
		return d, malformed("UDP header truncated (%d of 8 bytes)", len(b))
	}
	n := int(binary.BigEndian.Uint16(b[4:6]))
	if n < 8 || n > len(b) {
		return d, malformed("UDP length %d does not fit %d bytes", n, len(b))
	}
	d.sport = binary.BigEndian.Uint16(b[0:2])
	d.dport = binary.BigEndian.Uint16(b[2:4])
	d.payload = b[8:n]
	return d, nil
}

// checksum folds the one's-complement sum of b into sum.
func checksum(b []byte, sum uint32) uint32 {
	for len(b) >= 2 {
		sum += uint32(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	return sum
}

func fold(sum uint32) uint16 {
	for sum > 0xffff {
		sum = (sum >> 16) + (sum & 0xffff)
	}
	return ^uint16(sum)
}

func pseudo(src, dst netip.Addr, proto uint8, n int) uint32 {
	s := src.AsSlice()
	d := dst.AsSlice()
	sum := checksum(s, 0)
	sum = checksum(d, sum)
	return sum + uint32(proto) + uint32(n)
}

// ipWrap returns an IP packet from src to dst carrying l4 (whose checksum
// field at csumOff is filled in; csumOff < 0 means none, ICMPv4 is
// computed without pseudo-header).
func ipWrap(src, dst netip.Addr, proto uint8, l4 []byte, csumOff int) []byte {
	var out []byte
	if src.Is4() {
		out = make([]byte, 20+len(l4))
		h := out[:20]
		h[0] = 0x45
		binary.BigEndian.PutUint16(h[2:4], uint16(len(out)))
		binary.BigEndian.PutUint16(h[6:8], 0x4000) // DF
		h[8] = TTL
		h[9] = proto
		copy(h[12:16], src.AsSlice())
		copy(h[16:20], dst.AsSlice())
		binary.BigEndian.PutUint16(h[10:12], fold(checksum(h, 0)))
		copy(out[20:], l4)
	} else {
		out = make([]byte, 40+len(l4))
		h := out[:40]
		h[0] = 0x60
		binary.BigEndian.PutUint16(h[4:6], uint16(len(l4)))
		h[6] = proto
		h[7] = TTL
		copy(h[8:24], src.AsSlice())
		copy(h[24:40], dst.AsSlice())
		copy(out[40:], l4)
	}
	body := out[len(out)-len(l4):]
	if csumOff >= 0 {
		var sum uint32
		if proto != protoICMP {
			sum = pseudo(src, dst, proto, len(body))
		}
		c := fold(checksum(body, sum))
		if proto == protoUDP && c == 0 {
			c = 0xffff
		}
		binary.BigEndian.PutUint16(body[csumOff:], c)
	}
	return out
}

func tcpPacket(src, dst netip.Addr, sport, dport uint16, seq, ack uint32, flags uint8, payload []byte) []byte {
	l4 := make([]byte, 20+len(payload))
	binary.BigEndian.PutUint16(l4[0:2], sport)
	binary.BigEndian.PutUint16(l4[2:4], dport)
	binary.BigEndian.PutUint32(l4[4:8], seq)
	binary.BigEndian.PutUint32(l4[8:12], ack)
	l4[12] = 5 << 4
	l4[13] = flags
	if flags&tcpRST == 0 {
		binary.BigEndian.PutUint16(l4[14:16], 8192)
	}
	copy(l4[20:], payload)
	return ipWrap(src, dst, protoTCP, l4, 16)
}

func udpPacket(src, dst netip.Addr, sport, dport uint16, payload []byte) []byte {
	l4 := make([]byte, 8+len(payload))
	binary.BigEndian.PutUint16(l4[0:2], sport)
	binary.BigEndian.PutUint16(l4[2:4], dport)
	binary.BigEndian.PutUint16(l4[4:6], uint16(len(l4)))
	copy(l4[8:], payload)
	return ipWrap(src, dst, protoUDP, l4, 6)
}

// BuildReset returns the resets for a client→server TCP segment pkt:
// toClient (from the server; seq = pkt's ack, ack = pkt's seq + its
// length, RST|ACK; seq 0 when pkt has no ACK, as RFC 793 says) and
// toServer (from the client; seq = pkt's seq, which is the server's next
// expected sequence number when pkt itself is dropped, as netsift does).
// Both carry the sequence numbers Linux's RFC 5961 check accepts.
func BuildReset(pkt []byte) (toClient, toServer []byte, err error) {
	p, err := parseIP(pkt)
	if err != nil {
		return nil, nil, err
	}
	s, err := parseTCP(p)
	if err != nil {
		return nil, nil, err
	}
	cseq := uint32(0)
	if s.flags&tcpACK != 0 {
		cseq = s.ack
	}
	toClient = tcpPacket(p.dst, p.src, s.dport, s.sport, cseq, s.seq+s.segLen(), tcpRST|tcpACK, nil)
	toServer = tcpPacket(p.src, p.dst, s.sport, s.dport, s.seq, 0, tcpRST, nil)
	return toClient, toServer, nil
}

// maxICMPQuote bounds how much of the offending packet an ICMP error
// quotes: the whole error stays within the minimum MTU (576 bytes for
// IPv4 per RFC 1812, 1280 for IPv6 per RFC 4443).
const (
	maxICMPQuote4 = 576 - 20 - 8
	maxICMPQuote6 = 1280 - 40 - 8
)

// BuildUnreachable returns the ICMP (IPv4: type 3 code 13, communication
// administratively prohibited) or ICMPv6 (type 1 code 1, administratively
// prohibited) error for a UDP datagram pkt, addressed to its sender from
// its destination and quoting as much of pkt as fits the minimum MTU.
func BuildUnreachable(pkt []byte) ([]byte, error) {
	p, err := parseIP(pkt)
	if err != nil {
		return nil, err
	}
	if _, err := parseUDP(p); err != nil {
		return nil, err
	}
	if p.dst.IsMulticast() || (p.dst.Is4() && p.dst == netip.AddrFrom4([4]byte{255, 255, 255, 255})) {
		return nil, malformed("no ICMP error for a datagram to %v (RFC 1122/4443 forbid it)", p.dst)
	}
	quote := p.ip
	if !p.v6 {
		quote = quote[:min(len(quote), maxICMPQuote4)]
		l4 := make([]byte, 8+len(quote))
		l4[0], l4[1] = 3, 13
		copy(l4[8:], quote)
		return ipWrap(p.dst, p.src, protoICMP, l4, 2), nil
	}
	quote = quote[:min(len(quote), maxICMPQuote6)]
	l4 := make([]byte, 8+len(quote))
	l4[0], l4[1] = 1, 1
	copy(l4[8:], quote)
	return ipWrap(p.dst, p.src, protoICMPv6, l4, 2), nil
}

// BuildDNSAnswer returns the UDP packet answering the DNS query in pkt as
// if from the server: the query's id, opcode, RD bit and question, RA set,
// NOERROR. An A question gets one A record with address a, an AAAA
// question one AAAA record with aaaa (each only when that address is valid
// and of the right family); every other question gets an empty NOERROR
// answer (so a client falls back to the other family rather than failing
// hard). pkt must hold a query (QR=0) with exactly one question.
func BuildDNSAnswer(pkt []byte, a, aaaa netip.Addr, ttl uint32) ([]byte, error) {
	p, err := parseIP(pkt)
	if err != nil {
		return nil, err
	}
	u, err := parseUDP(p)
	if err != nil {
		return nil, err
	}
	var parser dnsmessage.Parser
	h, err := parser.Start(u.payload)
	if err != nil {
		return nil, malformed("DNS header: %v", err)
	}
	if h.Response {
		return nil, malformed("DNS message is a response, not a query")
	}
	qs, err := parser.AllQuestions()
	if err != nil {
		return nil, malformed("DNS question: %v", err)
	}
	if len(qs) != 1 {
		return nil, malformed("DNS query has %d questions, want 1", len(qs))
	}
	q := qs[0]
	b := dnsmessage.NewBuilder(make([]byte, 0, 512), dnsmessage.Header{
		ID: h.ID, Response: true, OpCode: h.OpCode, RecursionDesired: h.RecursionDesired,
		RecursionAvailable: true, RCode: dnsmessage.RCodeSuccess,
	})
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	if err := b.Question(q); err != nil {
		return nil, malformed("DNS question: %v", err)
	}
	if err := b.StartAnswers(); err != nil {
		return nil, err
	}
	rh := dnsmessage.ResourceHeader{Name: q.Name, Class: q.Class, TTL: ttl}
	switch {
	case q.Type == dnsmessage.TypeA && q.Class == dnsmessage.ClassINET && a.Is4():
		rh.Type = dnsmessage.TypeA
		if err := b.AResource(rh, dnsmessage.AResource{A: a.As4()}); err != nil {
			return nil, err
		}
	case q.Type == dnsmessage.TypeAAAA && q.Class == dnsmessage.ClassINET && aaaa.Is6() && !aaaa.Is4In6():
		rh.Type = dnsmessage.TypeAAAA
		if err := b.AAAAResource(rh, dnsmessage.AAAAResource{AAAA: aaaa.As16()}); err != nil {
			return nil, err
		}
	}
	msg, err := b.Finish()
	if err != nil {
		return nil, err
	}
	return udpPacket(p.dst, p.src, u.dport, u.sport, msg), nil
}

// maxNoticeText bounds the operator's text in the 451 page, so the
// response fits one segment on any path (page < 1200 bytes).
const maxNoticeText = 400

// escapeCut HTML-escapes s, keeping whole runes and entities, and stops
// before the result would exceed max bytes.
func escapeCut(s string, max int) string {
	var b strings.Builder
	for _, r := range s {
		e := html.EscapeString(string(r))
		if b.Len()+len(e) > max {
			break
		}
		b.WriteString(e)
	}
	return b.String()
}

// NoticePage returns the HTTP/1.1 451 response HTTPNotice sends: a small
// HTML page naming the rule and the text (HTML-escaped and cut to 100 and
// 400 bytes, so the response stays under 1,000 bytes), Connection: close.
func NoticePage(rule, text string) []byte {
	rule, text = escapeCut(rule, 100), escapeCut(text, maxNoticeText)
	body := "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>451 Unavailable For Legal Reasons</title></head>\n" +
		"<body><h1>Unavailable For Legal Reasons</h1>\n<p>" + text + "</p>\n" +
		"<p>Rule: <code>" + rule + "</code></p></body></html>\n"
	return []byte("HTTP/1.1 451 Unavailable For Legal Reasons\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n" +
		"Cache-Control: no-store\r\n" +
		"Connection: close\r\n\r\n" + body)
}

// BuildHTTPNotice returns, for a client→server TCP segment pkt carrying
// (the start of) an HTTP request, toClient: the NoticePage response from
// the server with PSH|ACK|FIN, seq = pkt's ack and ack = pkt's seq + its
// length (the request counted as received); and toServer: a reset from the
// client with seq = pkt's seq (pkt itself is dropped).
func BuildHTTPNotice(pkt []byte, rule, text string) (toClient, toServer []byte, err error) {
	p, err := parseIP(pkt)
	if err != nil {
		return nil, nil, err
	}
	s, err := parseTCP(p)
	if err != nil {
		return nil, nil, err
	}
	if len(s.payload) == 0 || s.flags&tcpACK == 0 || s.flags&tcpSYN != 0 {
		return nil, nil, malformed("TCP segment carries no request data on an established connection")
	}
	page := NoticePage(rule, text)
	toClient = tcpPacket(p.dst, p.src, s.dport, s.sport, s.ack, s.seq+s.segLen(), tcpPSH|tcpACK|tcpFIN, page)
	toServer = tcpPacket(p.src, p.dst, s.sport, s.dport, s.seq, 0, tcpRST, nil)
	return toClient, toServer, nil
}
