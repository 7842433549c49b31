// Package stun identifies STUN (RFC 5389/8489 and classic RFC 3489) and
// TURN (RFC 8656) traffic, including TURN ChannelData and the RFC 4571
// 2-byte framing STUN uses over TCP.
//
// A modern STUN message is recognised by its magic cookie 0x2112A442, a
// message length that is a multiple of 4 and equals the rest of the
// message, and a type with the two top bits clear. Classic STUN has no
// cookie, so it is accepted only on the STUN ports with an exact length and
// a known type. Media flows often start with RTP/RTCP or DTLS before (or
// between) STUN checks, so the probe keeps looking for a few packets.
package stun

import (
	"github.com/netsift/netsift/dissect"
)

// Dissector is the STUN/TURN dissector.
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "stun",
	Transport: dissect.Both,
	Ports:     []uint16{3478, 3479, 5349, 19302},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
	// Carrier: STUN only sets up the media path, so a flow that goes on
	// to DTLS or SRTP takes that name (as nDPI names it).
	Carrier: true,
}

const magic = 0x2112A442

// maxProbePkts bounds how many packets per direction the probe inspects
// looking for a STUN message in a flow that started with something else.
const maxProbePkts = 8

func be16(b []byte) int { return int(b[0])<<8 | int(b[1]) }
func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// isStunPort reports whether either endpoint uses a well-known STUN port.
func isStunPort(c *dissect.Ctx) bool {
	for _, p := range [2]uint16{c.Client.Port(), c.Server.Port()} {
		switch p {
		case 3478, 3479, 5349, 5350, 19302:
			return true
		}
	}
	return false
}

// message checks for one STUN message at the start of b and returns its
// total length (0 when b does not start with one). A message may be
// followed by more bytes only when trailing is true (TCP streams).
func message(c *dissect.Ctx, b []byte, trailing bool) int {
	if len(b) < 20 || b[0]&0xc0 != 0 {
		return 0
	}
	n := be16(b[2:])
	if n%4 != 0 || 20+n > len(b) || (!trailing && 20+n != len(b)) {
		return 0
	}
	if be32(b[4:]) == magic {
		if !attrsOK(b[20 : 20+n]) {
			return 0
		}
		return 20 + n
	}
	// Classic RFC 3489: no cookie. Known types only, on STUN ports.
	switch be16(b) {
	case 0x0001, 0x0101, 0x0111, 0x0002, 0x0102, 0x0112:
	default:
		return 0
	}
	if !isStunPort(c) || !attrsOK(b[20:20+n]) {
		return 0
	}
	return 20 + n
}

// attrsOK reports whether b is an exact sequence of STUN attributes
// (type, length, value padded to 4 bytes).
func attrsOK(b []byte) bool {
	for len(b) > 0 {
		if len(b) < 4 {
			return false
		}
		l := (be16(b[2:]) + 3) &^ 3
		if 4+l > len(b) {
			return false
		}
		b = b[4+l:]
	}
	return true
}

// channelData reports whether b is exactly one TURN ChannelData message
// (channel 0x4000–0x7FFF, length, data padded to 4 over TCP).
func channelData(b []byte) bool {
	if len(b) < 4 || b[0] < 0x40 || b[0] > 0x7f {
		return false
	}
	n := be16(b[2:])
	return n > 0 && (4+n == len(b) || (4+n+3)&^3 == len(b))
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Proto == 6 {
		// RFC 4571 framing (2-byte length) or bare STUN over TCP/TLS-less.
		if message(c, b, true) > 0 {
			return dissect.Match
		}
		if len(b) >= 2+20 && be16(b) >= 20 && message(c, b[2:], true) == be16(b) {
			return dissect.Match
		}
		if len(b) < 22 && c.Pkts[dir] < 3 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if message(c, b, false) > 0 {
		return dissect.Match
	}
	if c.Pkts[0]+c.Pkts[1] < 2*maxProbePkts && mediaLike(b) {
		return dissect.NeedMore
	}
	return dissect.NoMatch
}

// mediaLike reports whether b could be traffic that shares a 5-tuple with
// STUN (RFC 7983 demultiplexing: RTP/RTCP 128–191, DTLS 20–63, ChannelData
// 64–79, STUN 0–3), so the probe should wait for a STUN message.
func mediaLike(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	switch {
	case b[0] <= 3, b[0] >= 20 && b[0] <= 63, b[0] >= 64 && b[0] <= 79, b[0] >= 128 && b[0] <= 191:
		return true
	}
	return false
}

// Attribute types recorded as flow metadata.
const (
	attrUsername = 0x0006
	attrRealm    = 0x0014
	attrSoftware = 0x8022
)

// parser records USERNAME, REALM and SOFTWARE attributes and counts
// ChannelData and malformed messages. It never buffers: over TCP it looks
// at messages that start a segment.
type parser struct {
	msgs int
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Status {
	if c.Proto == 6 && len(b) >= 22 && be16(b) >= 20 && be16(b[2:])+22 <= len(b) && b[2]&0xc0 == 0 && be32(b[6:]) == magic {
		b = b[2:]
	}
	n := message(c, b, c.Proto == 6)
	if n == 0 {
		// RFC 7983 demultiplexing: a DTLS handshake record after the
		// connectivity checks means the media path is now DTLS(-SRTP);
		// hand the flow to the DTLS dissector as nDPI does.
		if c.Proto == 17 && len(b) >= 13 && b[0] == 22 && b[1] == 0xfe && (b[2] == 0xff || b[2] == 0xfd) {
			c.Emit.Upgrade("dtls")
			return dissect.Done
		}
		// RTP within the first packets after the checks is the (S)RTP
		// media of an ICE session: nDPI calls such a flow SRTP. RTCP
		// alone does not (nDPI keeps such flows STUN).
		if c.Proto == 17 && c.Pkts[0]+c.Pkts[1] <= srtpWindow && isRTP(b) {
			c.Emit.Upgrade("srtp")
			return dissect.Done
		}
		return dissect.Continue
	}
	p.msgs++
	attrs := b[20:n]
	for len(attrs) >= 4 {
		t, l := be16(attrs), be16(attrs[2:])
		if 4+l > len(attrs) {
			c.Emit.Anomaly("stun.attr_truncated")
			break
		}
		v := attrs[4 : 4+l]
		switch t {
		case attrUsername:
			c.Emit.Meta("stun_username", v)
		case attrRealm:
			c.Emit.Meta("stun_realm", v)
			if printable(v) {
				c.Emit.Host(v)
			}
		case attrSoftware:
			c.Emit.Meta("stun_software", v)
		}
		attrs = attrs[min(len(attrs), 4+(l+3)&^3):]
	}
	if p.msgs > 64 {
		return dissect.Done
	}
	return dissect.Continue
}

// printable reports whether b is a plausible host name (realm).
func printable(b []byte) bool {
	if len(b) == 0 || len(b) > 255 {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c >= 0x7f || c == '"' {
			return false
		}
	}
	return true
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}

// srtpWindow is how many packets into the flow (both directions) the
// first RTP packet must come for the flow to become SRTP; nDPI inspects a
// STUN flow that long, and later media leaves it STUN.
const srtpWindow = 7

// isRTP reports whether b is a plausible RTP v2 header (RFC 3550): version
// 2, a static (0–34) or dynamic (96–127) payload type, and the CSRC list
// inside the packet. After STUN on the same 5-tuple, RFC 7983
// demultiplexing makes first bytes 128–191 RTP/RTCP, so this is enough.
func isRTP(b []byte) bool {
	if len(b) < 12 || b[0]>>6 != 2 {
		return false
	}
	if pt := b[1] & 0x7f; pt > 34 && pt < 96 {
		return false
	}
	return 12+4*int(b[0]&0x0f) <= len(b)
}
