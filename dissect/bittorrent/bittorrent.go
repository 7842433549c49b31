// Package bittorrent identifies BitTorrent (BEP 3) peer connections, over TCP
// and over uTP (BEP 29, UDP), and the Mainline DHT (BEP 5, exported as DHT).
//
// A TCP peer connection opens with the handshake
//
//	19 | "BitTorrent protocol" | reserved [8] | info_hash [20] | peer_id [20]
//
// whose info_hash and peer_id the parser reports as flow metadata
// ("bt_info_hash" in hex, "bt_peer_id" as sent). Tracker announces over HTTP
// ("GET /announce?info_hash=…") are identified too.
//
// uTP packets have a 20-byte header: type<<4|version(1) | extension | conn_id
// u16 | timestamp u32 | timestamp_diff u32 | wnd_size u32 | seq_nr u16 |
// ack_nr u16, then the extension chain (next u8 | len u8 | …). SYN and STATE
// packets carry no payload, so their length is exact; DATA packets alone are
// too weak to decide on and make the probe wait for one of the others.
package bittorrent

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies BitTorrent peer traffic (TCP and uTP).
var Dissector = &dissect.Dissector{
	Name:      "bittorrent",
	Transport: dissect.Both,
	Ports:     []uint16{6881, 6882, 6883, 6884, 6885, 6886, 6887, 6888, 6889, 51413},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

const handshake = "\x13BitTorrent protocol"

var trackerPrefixes = [...]string{
	"GET /announce?info_hash=",
	"GET /announce.php?info_hash=",
	"GET /scrape?info_hash=",
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Proto == 17 {
		return probeUTP(c, b)
	}
	partial := false
	n := min(len(b), len(handshake))
	if string(b[:n]) == handshake[:n] {
		if n == len(handshake) {
			return dissect.Match
		}
		partial = true
	}
	for _, p := range trackerPrefixes {
		n := min(len(b), len(p))
		if string(b[:n]) == p[:n] {
			if n == len(p) {
				return dissect.Match
			}
			partial = true
		}
	}
	if partial && c.Pkts[dir] < 4 {
		return dissect.NeedMore
	}
	return dissect.NoMatch
}

// uTP packet types.
const (
	stData  = 0
	stFin   = 1
	stState = 2
	stReset = 3
	stSyn   = 4
)

func probeUTP(c *dissect.Ctx, b []byte) dissect.Verdict {
	if len(b) < 20 || b[0]&0x0f != 1 || b[0]>>4 > stSyn {
		return dissect.NoMatch
	}
	typ := int(b[0] >> 4)
	// Walk the extension chain.
	ext, i := b[1], 20
	for k := 0; ext != 0; k++ {
		if ext > 4 || k > 4 || i+2 > len(b) {
			return dissect.NoMatch
		}
		l := int(b[i+1])
		if i+2+l > len(b) {
			return dissect.NoMatch
		}
		ext, i = b[i], i+2+l
	}
	switch typ {
	case stSyn:
		// A SYN has no payload and a zero timestamp_diff.
		if i == len(b) && b[8]|b[9]|b[10]|b[11] == 0 {
			return dissect.Match
		}
		return dissect.NoMatch
	case stState:
		if i == len(b) {
			return dissect.Match
		}
		return dissect.NoMatch
	case stData:
		if i == len(b) {
			return dissect.NoMatch
		}
		p := b[i:]
		// The first DATA carries the BitTorrent handshake; later ones carry
		// length-prefixed peer messages. Only the handshake decides alone.
		if len(p) >= len(handshake) && string(p[:len(handshake)]) == handshake {
			return dissect.Match
		}
	case stFin, stReset:
		if i != len(b) {
			return dissect.NoMatch
		}
	}
	if c.Pkts[0]+c.Pkts[1] < 8 {
		return dissect.NeedMore
	}
	return dissect.NoMatch
}

// parser extracts the handshake's info_hash and peer_id. It buffers at most
// one handshake (68 bytes) per direction.
type parser struct {
	buf  [2][68]byte
	n    [2]int
	done [2]bool
	hexb [40]byte
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if c.Proto == 17 {
		// uTP: skip the header and extensions to reach the stream bytes.
		if len(data) < 20 || data[0]>>4 != stData {
			return dissect.Continue
		}
		ext, i := data[1], 20
		for k := 0; ext != 0 && k < 5 && i+2 <= len(data); k++ {
			ext, i = data[i], i+2+int(data[i+1])
		}
		if ext != 0 || i > len(data) {
			c.Emit.Anomaly("bittorrent.utp_bad_extension")
			return dissect.Continue
		}
		data = data[i:]
	}
	if p.done[dir] {
		if p.done[0] && p.done[1] {
			return dissect.Done
		}
		return dissect.Continue
	}
	k := copy(p.buf[dir][p.n[dir]:], data)
	p.n[dir] += k
	if p.n[dir] < len(handshake) {
		return dissect.Continue
	}
	if string(p.buf[dir][:len(handshake)]) != handshake {
		if c.Proto == 6 {
			// Tracker HTTP or an unexpected stream: nothing more to learn.
			p.done[dir] = true
			return dissect.Done
		}
		p.n[dir] = 0
		return dissect.Continue
	}
	if p.n[dir] < 68 {
		return dissect.Continue
	}
	p.done[dir] = true
	hex.Encode(p.hexb[:], p.buf[dir][28:48])
	c.Emit.Meta("bt_info_hash", p.hexb[:])
	c.Emit.Meta("bt_peer_id", p.buf[dir][48:68])
	if p.done[0] && p.done[1] {
		return dissect.Done
	}
	return dissect.Continue
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {
	if !p.done[dir] {
		c.Emit.Anomaly("bittorrent.handshake_gap")
		p.done[dir] = true
	}
}

func (p *parser) Close(c *dissect.Ctx) {}
