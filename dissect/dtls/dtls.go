// Package dtls identifies DTLS 1.0/1.2/1.3 over UDP (RFC 6347, RFC 9147)
// and parses the cleartext handshake: the ClientHello (reassembled from
// handshake fragments) for SNI, ALPN, JA3 and JA4 (prefix 'd'), and the
// ServerHello for the negotiated version and JA3S. Suricata has no DTLS
// parser, so no EVE event is written; facts go to Host and Meta.
package dtls

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/internal/tlshello"
)

// Dissector is DTLS over UDP (nDPI "DTLS").
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "dtls",
	Transport: dissect.UDP,
	Ports:     []uint16{443, 4433, 5061, 5684, 5349, 3391, 4740, 8443},
	Probe:     probe,
	New:       func() dissect.Parser { return newParser() },
}

// Content types; 25 is DTLS 1.3's ACK (RFC 9147 §7).
const (
	ctChangeCipherSpec = 20
	ctHandshake        = 22
	ctACK              = 25
)

const (
	recHdr = 13 // type, version, epoch, 48-bit sequence number, length
	hsHdr  = 12 // type, length, message_seq, fragment_offset, fragment_length
)

// dtlsVersion accepts DTLS 1.0, 1.2, 1.3 and 0x0100, the pre-RFC version
// Cisco AnyConnect (OpenSSL's DTLS1_BAD_VER) still speaks.
func dtlsVersion(v uint16) bool { return v == 0xfeff || v == 0xfefd || v == 0xfefc || v == 0x0100 }

// recordOK checks one record header at the start of b and returns the
// record's total size.
func recordOK(b []byte) (int, bool) {
	if len(b) < recHdr || b[0] < ctChangeCipherSpec || b[0] > ctACK || !dtlsVersion(binary.BigEndian.Uint16(b[1:])) {
		return 0, false
	}
	n := recHdr + int(binary.BigEndian.Uint16(b[11:]))
	return n, n > recHdr && n <= len(b)
}

// probe accepts a datagram that starts with an epoch-0 handshake record
// whose message is a ClientHello, HelloVerifyRequest or ServerHello with a
// consistent fragment header; or, mid-flow, a datagram that is exactly
// tiled by valid DTLS record headers.
func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	n, ok := recordOK(data)
	if !ok {
		// WebRTC multiplexes STUN, DTLS and SRTP on one flow (RFC 7983):
		// STUN checks come first, DTLS after them.
		if isSTUN(data) && c.Pkts[0]+c.Pkts[1] < stunWait {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if data[0] == ctHandshake && data[3] == 0 && data[4] == 0 {
		if n < recHdr+hsHdr {
			return dissect.NoMatch
		}
		h := data[recHdr:n]
		switch h[0] {
		case tlshello.TypeClientHello, tlshello.TypeServerHello, tlshello.TypeHelloVerifyRequest:
		default:
			return tiled(data)
		}
		msgLen := u24(h[1:])
		fragOff, fragLen := u24(h[6:]), u24(h[9:])
		if fragOff+fragLen > msgLen || fragLen != len(h)-hsHdr {
			return dissect.NoMatch
		}
		// The body starts with a DTLS version too.
		if fragOff == 0 && fragLen >= 2 && !dtlsVersion(binary.BigEndian.Uint16(h[hsHdr:])) {
			return dissect.NoMatch
		}
		return dissect.Match
	}
	return tiled(data)
}

// tiled matches a datagram made exactly of valid records, at least two of
// them or one whose epoch is non-zero (an encrypted record).
func tiled(data []byte) dissect.Verdict {
	count := 0
	epoch := false
	for len(data) > 0 {
		n, ok := recordOK(data)
		if !ok {
			return dissect.NoMatch
		}
		if data[3] != 0 || data[4] != 0 {
			epoch = true
		}
		count++
		data = data[n:]
	}
	if count >= 2 || epoch {
		return dissect.Match
	}
	return dissect.NoMatch
}

// stunWait bounds how many STUN datagrams the probe waits through.
const stunWait = 16

// isSTUN recognises a STUN message: top two bits zero, length a multiple
// of 4 matching the datagram, and the RFC 5389 magic cookie.
func isSTUN(b []byte) bool {
	return len(b) >= 20 && b[0] < 4 && binary.BigEndian.Uint32(b[4:]) == 0x2112a442 &&
		int(binary.BigEndian.Uint16(b[2:]))+20 == len(b)
}

func u24(b []byte) int { return int(b[0])<<16 | int(b[1])<<8 | int(b[2]) }
