// Package quic dissects QUIC over UDP: IETF QUIC v1 (RFC 9000), v2
// (RFC 9369), drafts 22–34 and Facebook's mvfst, plus Google QUIC (Q0xx,
// T05x) detection. For IETF versions it derives both sides' Initial keys
// (RFC 9001 §5.2), removes header protection, decrypts the Initial
// packets of each direction, reassembles their CRYPTO frames across
// packets and datagrams and parses the TLS ClientHello (SNI, ALPN, JA3,
// JA4) and ServerHello (JA3S) inside. Google QUIC's cleartext CHLO gives
// SNI, user agent and the CYU fingerprint.
//
// Transactions follow Suricata's QUIC parser: every long-header packet a
// direction sends until that direction's hello is complete is one
// transaction, logged as a "quic" EVE event on the packet that carried it
// and offered to the signature engine (quic.version, quic.sni, quic.ua,
// ja3.*/ja4.hash of a ClientHello, ja3s.* of a ServerHello) under its
// own number. The packet that completes a hello carries the hello's
// facts and extensions (in the hello's order); the others their version
// only. After a hello the direction is encrypted and no longer parsed; a
// server's first Retry starts the client's side over.
package quic

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector is QUIC over UDP (nDPI "QUIC").
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "quic",
	EVE:       "quic",
	Transport: dissect.UDP,
	Ports:     []uint16{443, 80, 784, 853, 8853, 4433},
	Probe:     probe,
	New:       func() dissect.Parser { return newParser() },
}

// Version numbers with special handling.
const (
	v1        = 0x00000001
	v2        = 0x6b3343cf
	mvfst22   = 0xfaceb001
	mvfst27   = 0xfaceb002
	mvfstExp  = 0xfaceb00e
	gquicQ046 = 0x51303436
	gquicQ050 = 0x51303530
	gquicT050 = 0x54303530
	gquicT051 = 0x54303531
)

// minInitial is the smallest UDP payload a client may carry its first
// Initial in (RFC 9000 §14.1; every draft had the same rule).
const minInitial = 1200

// isIETF reports whether v is a version whose Initial packets we can
// decrypt with the IETF scheme (v1, v2, drafts ≥ 22, mvfst, and Google's
// T05x/Q050 which reuse it with their own salts).
func isIETF(v uint32) bool {
	switch v {
	case v1, v2, mvfst22, mvfst27, mvfstExp, gquicQ050, gquicT050, gquicT051:
		return true
	}
	return v>>8 == 0xff0000 && v&0xff >= 22 && v&0xff <= 34
}

// forcingVN reports whether v is one of the reserved 0x?a?a?a?a versions
// clients use to force version negotiation (RFC 9000 §15).
func forcingVN(v uint32) bool { return v&0x0f0f0f0f == 0x0a0a0a0a }

// isGoogle reports whether v is a Google QUIC version: 'Q' or 'T' then
// three ASCII digits (Q024…Q099, T048…T099).
func isGoogle(v uint32) bool {
	c := byte(v >> 24)
	return (c == 'Q' || c == 'T') && digit(byte(v>>16)) && digit(byte(v>>8)) && digit(byte(v))
}

func digit(c byte) bool { return c >= '0' && c <= '9' }

// initialType returns the long-header packet type bits of an Initial for
// version v (RFC 9369 §3.2 swaps them in v2).
func initialType(v uint32) byte {
	if v == v2 {
		return 1
	}
	return 0
}

// probe accepts the first datagram of a QUIC flow: an IETF long-header
// Initial of a known version whose header fields are consistent (CID
// lengths ≤ 20, token and length fields inside the datagram, a client
// Initial padded to 1200 bytes), or a Google QUIC packet carrying a known
// version tag.
func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if len(data) < 7 {
		return dissect.NoMatch
	}
	b0 := data[0]
	if b0&0x80 != 0 {
		v := binary.BigEndian.Uint32(data[1:])
		if isIETF(v) || forcingVN(v) {
			return probeLong(c, dir, data, v)
		}
		if isGoogle(v) && b0&0x40 != 0 {
			return dissect.Match // Q046 long header
		}
		return dissect.NoMatch
	}
	// Google QUIC ≤ Q043 public header: flags, 8-byte CID, version.
	if b0&0x01 != 0 && b0&0x08 != 0 && b0&0x80 == 0 && len(data) >= 13 && dir == dissect.ToServer {
		if isGoogle(binary.BigEndian.Uint32(data[9:])) {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}

// probeWait bounds how many datagrams the probe waits through 0-RTT or
// Handshake packets (reordered captures) for an Initial.
const probeWait = 4

func probeLong(c *dissect.Ctx, dir dissect.Dir, data []byte, v uint32) dissect.Verdict {
	var h header
	if data[0]&0x40 == 0 || !parseLong(data, &h) {
		return dissect.NoMatch
	}
	if h.typ != initialType(v) {
		if c.Pkts[0]+c.Pkts[1] < probeWait {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if dir == dissect.ToServer && len(data) < minInitial {
		return dissect.NoMatch
	}
	return dissect.Match
}

// header is a parsed long header. pnOff is where the (protected) packet
// number starts; end is where the packet ends inside the datagram.
type header struct {
	version    uint32
	typ        byte
	dcid, scid []byte
	token      []byte
	pnOff, end int
}

// parseLong parses a long header that carries a Length field (Initial,
// 0-RTT, Handshake); it reports false for malformed or truncated headers
// and for Retry packets.
func parseLong(b []byte, h *header) bool {
	if len(b) < 7 || b[0]&0x80 == 0 {
		return false
	}
	h.version = binary.BigEndian.Uint32(b[1:])
	h.typ = b[0] >> 4 & 3
	retry := byte(3)
	if h.version == v2 {
		retry = 0
	}
	if h.typ == retry {
		return false
	}
	i := 5
	dl := int(b[i])
	i++
	if dl > 20 || i+dl >= len(b) {
		return false
	}
	h.dcid = b[i : i+dl]
	i += dl
	sl := int(b[i])
	i++
	if sl > 20 || i+sl > len(b) {
		return false
	}
	h.scid = b[i : i+sl]
	i += sl
	h.token = nil
	if h.typ == initialType(h.version) {
		tl, n := varint(b[i:])
		if n == 0 || tl > uint64(len(b)) {
			return false
		}
		i += n
		if i+int(tl) > len(b) {
			return false
		}
		h.token = b[i : i+int(tl)]
		i += int(tl)
	}
	l, n := varint(b[i:])
	if n == 0 || l > uint64(len(b)) {
		return false
	}
	i += n
	if i+int(l) > len(b) || l < 20 {
		return false
	}
	h.pnOff = i
	h.end = i + int(l)
	return true
}

// varint decodes a QUIC variable-length integer; n is 0 when b is short.
func varint(b []byte) (v uint64, n int) {
	if len(b) == 0 {
		return 0, 0
	}
	n = 1 << (b[0] >> 6)
	if len(b) < n {
		return 0, 0
	}
	v = uint64(b[0] & 0x3f)
	for i := 1; i < n; i++ {
		v = v<<8 | uint64(b[i])
	}
	return v, n
}
