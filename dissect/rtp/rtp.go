// Package rtp identifies RTP and RTCP (RFC 3550) media flows, and SRTP
// (RFC 3711) the way nDPI names it: RTP/RTCP on a flow that opened with
// STUN connectivity checks (ICE), i.e. the media of WebRTC-style calls.
//
// RTP has no magic number, so the RTP probe is a heuristic: every packet of
// the flow it sees must be a well-formed RTP v2 header (version 2, payload
// type 0–34 or 96–127, CSRC list, extension and padding inside the packet,
// non-zero timestamp, non-zero CSRCs) and it answers Match only after three packets in one
// direction. The probe keeps no state, so it cannot compare SSRCs or
// sequence numbers across packets; the parser does that and reports
// rtp.ssrc_changed / rtp.seq_jump anomalies. RTCP is stricter: a compound
// packet whose every sub-packet has version 2, type 200–204 and a length
// that tiles the datagram exactly.
package rtp

import (
	"github.com/netsift/netsift/dissect"
)

// Dissector is the RTP dissector (no Suricata app_proto).
var Dissector = &dissect.Dissector{
	Name:      "rtp",
	Transport: dissect.Both,
	Probe:     probeRTP,
	New:       func() dissect.Parser { return &parser{} },
}

// RTCP is the RTCP dissector.
var RTCP = &dissect.Dissector{
	Name:      "rtcp",
	Transport: dissect.UDP,
	Probe:     probeRTCP,
}

// SRTP is the SRTP dissector: STUN first, then RTP/RTCP. It is also the
// target a STUN parser can Upgrade to when media follows the checks.
var SRTP = &dissect.Dissector{
	Name:      "srtp",
	Transport: dissect.UDP,
	Probe:     probeSRTP,
	New:       func() dissect.Parser { return &parser{} },
}

// rtpMatchPkts is how many well-formed packets in one direction the RTP
// probe wants before it matches; maxProbePkts bounds the whole probe.
const (
	rtpMatchPkts = 3
	maxProbePkts = 12
)

func be16(b []byte) int { return int(b[0])<<8 | int(b[1]) }

// isRTP reports whether b is a well-formed RTP v2 packet.
func isRTP(b []byte) bool {
	if len(b) < 12 || b[0]>>6 != 2 {
		return false
	}
	pt := b[1] & 0x7f
	if !(pt <= 34 || pt >= 96) {
		return false
	}
	// A zero timestamp is legal but rare (it starts at a random value)
	// and is what fixed-layout industrial protocols put there.
	if b[4]|b[5]|b[6]|b[7] == 0 {
		return false
	}
	cc := int(b[0] & 0x0f)
	h := 12 + 4*cc
	if h > len(b) {
		return false
	}
	if cc > 0 {
		// Only mixers add CSRCs; each is another source's random SSRC,
		// so zero ones, or a zero sequence number, mean this is not RTP.
		if b[2]|b[3] == 0 {
			return false
		}
		for i := 12; i < h; i += 4 {
			if b[i]|b[i+1]|b[i+2]|b[i+3] == 0 {
				return false
			}
		}
	}
	if b[0]&0x10 != 0 { // header extension
		if h+4 > len(b) {
			return false
		}
		h += 4 + 4*be16(b[h+2:])
		if h > len(b) {
			return false
		}
	}
	if b[0]&0x20 != 0 { // padding
		p := int(b[len(b)-1])
		if p == 0 || h+p > len(b) {
			return false
		}
	}
	return true
}

// isRTCP reports whether b is a compound RTCP packet: every sub-packet has
// version 2, a type 200–204 (SR, RR, SDES, BYE, APP) or 205–207 after the
// first, and lengths that add up to the datagram.
func isRTCP(b []byte) bool {
	if len(b) < 8 || b[0]>>6 != 2 || b[1] < 200 || b[1] > 204 {
		return false
	}
	for len(b) > 0 {
		if len(b) < 4 || b[0]>>6 != 2 || b[1] < 200 || b[1] > 207 {
			return false
		}
		n := 4 * (be16(b[2:]) + 1)
		if n > len(b) {
			return false
		}
		b = b[n:]
	}
	return true
}

// isSRTCP reports whether b is an SRTCP packet (RFC 3711 §3.4): the first
// 8 bytes are a clear RTCP header (SR or RR), then encrypted data, the
// E-flag+index word and a tag, so the length does not tile the datagram.
func isSRTCP(b []byte) bool {
	if len(b) < 8+4+4 || b[0]>>6 != 2 || (b[1] != 200 && b[1] != 201) {
		return false
	}
	n := 4 * (be16(b[2:]) + 1)
	return n <= len(b)-4
}

// isSTUN reports whether b is a STUN message with the RFC 5389 cookie.
func isSTUN(b []byte) bool {
	return len(b) >= 20 && b[0]&0xc0 == 0 && b[4] == 0x21 && b[5] == 0x12 && b[6] == 0xa4 && b[7] == 0x42 &&
		be16(b[2:])+20 == len(b)
}

// unframe strips the RFC 4571 2-byte length TCP framing when it matches.
func unframe(c *dissect.Ctx, b []byte) ([]byte, bool) {
	if c.Proto != 6 {
		return b, true
	}
	if len(b) < 2 || be16(b) < 12 || be16(b)+2 > len(b) {
		return nil, false
	}
	return b[2 : 2+be16(b)], true
}

func probeRTP(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Proto == 6 {
		// Over TCP the probe sees the accumulated stream; check the first
		// frame (and the next ones it already has).
		n := 0
		for len(b) >= 2 && be16(b)+2 <= len(b) {
			f := b[2 : 2+be16(b)]
			if !isRTP(f) {
				return dissect.NoMatch
			}
			n++
			b = b[2+be16(b):]
		}
		// The engine stops accumulating after a few KiB, so large frames
		// may never show three whole ones: two whole frames after three
		// segments are enough then.
		if n >= rtpMatchPkts || n >= 2 && c.Pkts[dir] >= rtpMatchPkts {
			return dissect.Match
		}
		if len(b) >= 2 && (be16(b) < 12 || be16(b) > 1<<13) {
			return dissect.NoMatch
		}
		if c.Pkts[dir] < maxProbePkts {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if !isRTP(b) {
		// An RTCP report may be interleaved on the same port pair
		// (RFC 5761 multiplexing); anything else is not RTP.
		if isRTCP(b) && c.Pkts[0]+c.Pkts[1] < maxProbePkts {
			return dissect.NeedMore
		}
		// Some clients send one short hello before the media starts.
		if c.Pkts[0]+c.Pkts[1] == 1 && len(b) < 20 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if c.Pkts[dir] >= rtpMatchPkts {
		return dissect.Match
	}
	if c.Pkts[0]+c.Pkts[1] >= maxProbePkts {
		return dissect.NoMatch
	}
	return dissect.NeedMore
}

func probeRTCP(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if isRTCP(b) {
		return dissect.Match
	}
	// SRTCP alone is weak (8 clear bytes): require the flow's first
	// three packets to all be SRTCP.
	if isSRTCP(b) {
		if c.Pkts[0]+c.Pkts[1] >= 3 {
			return dissect.Match
		}
		return dissect.NeedMore
	}
	return dissect.NoMatch
}

func probeSRTP(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Pkts[0]+c.Pkts[1] >= srtpWindow {
		return dissect.NoMatch
	}
	if isSTUN(b) {
		return dissect.NeedMore
	}
	if c.Pkts[0]+c.Pkts[1] <= 1 {
		// The flow must open with STUN.
		return dissect.NoMatch
	}
	if isRTP(b) {
		return dissect.Match
	}
	if (isRTCP(b) || isSRTCP(b)) && c.Pkts[0]+c.Pkts[1] < srtpWindow {
		return dissect.NeedMore
	}
	return dissect.NoMatch
}

// srtpWindow is how many packets into the flow the first RTP packet must
// come for SRTP: nDPI watches a STUN flow for media only that long, and
// later media stays "STUN" in its results.
const srtpWindow = 8

// parser follows the RTP stream of each direction and reports SSRC changes
// and sequence jumps; it reports the first payload type as flow metadata.
// It stops after a bounded number of packets (media flows are long).
type parser struct {
	ssrc  [2]uint32
	seq   [2]uint16
	seen  [2]bool
	pkts  int
	ptSet bool
}

var _ dissect.Parser = (*parser)(nil)

// payloadNames are the static RTP payload types of RFC 3551 worth naming.
var payloadNames = map[uint8]string{0: "PCMU", 3: "GSM", 4: "G723", 8: "PCMA", 9: "G722", 18: "G729", 26: "JPEG", 31: "H261", 32: "MPV", 33: "MP2T", 34: "H263"}

// maxParsePkts is how many packets the parser inspects before Done.
const maxParsePkts = 64

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	p.pkts++
	if p.pkts > maxParsePkts {
		return dissect.Done
	}
	b, ok := unframe(c, data)
	if !ok || !isRTP(b) {
		return dissect.Continue // RTCP, STUN or a TCP continuation
	}
	ssrc := uint32(b[8])<<24 | uint32(b[9])<<16 | uint32(b[10])<<8 | uint32(b[11])
	seq := uint16(be16(b[2:]))
	if p.seen[dir] {
		if ssrc != p.ssrc[dir] {
			c.Emit.Anomaly("rtp.ssrc_changed")
		} else if d := seq - p.seq[dir]; d == 0 || d > 1000 {
			c.Emit.Anomaly("rtp.seq_jump")
		}
	}
	p.seen[dir], p.ssrc[dir], p.seq[dir] = true, ssrc, seq
	if !p.ptSet {
		p.ptSet = true
		pt := b[1] & 0x7f
		if n, ok := payloadNames[pt]; ok {
			c.Emit.Meta("rtp_payload_type", []byte(n))
		} else if pt >= 96 {
			c.Emit.Meta("rtp_payload_type", []byte("dynamic"))
		}
	}
	return dissect.Continue
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
