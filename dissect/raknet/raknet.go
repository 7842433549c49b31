// Package raknet identifies RakNet, the UDP game networking library (used by
// Minecraft Bedrock, Roblox and others). Its offline messages carry the
// 16-byte "offline message ID" magic 00 FF FF 00 FE FE FE FE FD FD FD FD 12
// 34 56 78: right after the message id for open-connection requests and
// replies (0x05–0x08) and incompatible-protocol (0x19), and after an 8-byte
// timestamp for unconnected ping/pong (0x01, 0x02, 0x1C; the pong adds a
// server GUID first).
//
// Flows seen from the middle of a session show only connected traffic:
// frame sets (0x84–0x8D; 0x80–0x83 are left out, being RTP's usual first
// bytes) with a 24-bit sequence number, then frames, each with a flags
// byte, a length in bits and reliability-dependent index fields; and
// ACK/NAK datagrams (0xC0/0xA0: record count, then single or range
// records). These are matched only when the frames or records tile the
// datagram exactly, and a frame set only on its flow's second packet or a
// RakNet port. Roblox's variant sends full-MTU first datagrams with the
// offline magic at offset 32.
package raknet

import "github.com/netsift/netsift/dissect"

// Dissector identifies RakNet; identification only.
var Dissector = &dissect.Dissector{
	Name:      "raknet",
	Transport: dissect.UDP,
	Ports:     []uint16{19132, 19133, 7777},
	Probe:     probe,
}

const magic = "\x00\xff\xff\x00\xfe\xfe\xfe\xfe\xfd\xfd\xfd\xfd\x12\x34\x56\x78"

func at(b []byte, off int) bool {
	return len(b) >= off+len(magic) && string(b[off:off+len(magic)]) == magic
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) == 0 {
		return dissect.NoMatch
	}
	switch b[0] {
	case 0x05, 0x06, 0x07, 0x08, 0x19:
		if at(b, 1) {
			return dissect.Match
		}
	case 0x01, 0x02:
		if at(b, 9) {
			return dissect.Match
		}
	case 0x1c:
		if at(b, 17) {
			return dissect.Match
		}
	}
	// Applications add their own offline message ids (Roblox uses 0x7B…);
	// the 16-byte magic right after the id is proof enough.
	if at(b, 1) {
		return dissect.Match
	}
	// Full-MTU (MTU discovery) datagrams of custom variants carry the
	// magic a little further in.
	if len(b) >= 1200 && (at(b, 9) || at(b, 17) || at(b, 32)) {
		return dissect.Match
	}
	switch {
	case b[0] >= 0x84 && b[0] <= 0x8d && frameSet(b):
		// 0x80–0x83 are RTP's usual first bytes, and a one-frame RTP
		// packet can tile by chance. One tiling datagram can still be a
		// coincidence (a DNS query whose id starts with 0x8X can tile); a
		// second one, or a RakNet port, makes it RakNet.
		if c.Pkts[0]+c.Pkts[1] >= 2 || isRakPort(c) {
			return dissect.Match
		}
		return dissect.NeedMore
	case (b[0] == 0xc0 || b[0] == 0xa0) && ackRecords(b):
		return dissect.Match
	case b[0] == 0x1c && len(b) >= 35 && int(b[33])<<8|int(b[34]) > 0 && 35+(int(b[33])<<8|int(b[34])) == len(b) && isRakPort(c):
		// An unconnected pong whose MOTD length fills the datagram
		// exactly, on a RakNet port.
		return dissect.Match
	}
	// Connected datagrams (0x80–0x8F, ACK 0xC0, NAK 0xA0) are too weak alone;
	// wait for an offline message a little while.
	if b[0]&0x80 != 0 && c.Pkts[0]+c.Pkts[1] < 4 {
		return dissect.NeedMore
	}
	return dissect.NoMatch
}

// isRakPort reports whether either endpoint uses a RakNet port.
func isRakPort(c *dissect.Ctx) bool {
	for _, p := range [2]uint16{c.Client.Port(), c.Server.Port()} {
		switch p {
		case 19132, 19133, 7777:
			return true
		}
	}
	return false
}

// frameSet reports whether b is a connected datagram whose frames tile it
// exactly: header (flags, 24-bit sequence number), then per frame a flags
// byte (reliability in the top 3 bits, split flag 0x10, low nibble zero),
// a non-zero body length in bits, the reliable index (reliabilities 2, 3,
// 4, 6, 7), the sequenced index (1, 4), the order index and channel (1, 3,
// 4, 7), the split header (10 bytes) and the body.
func frameSet(b []byte) bool {
	i := 4
	if len(b) < i+3 {
		return false
	}
	for frames := 0; i < len(b); frames++ {
		if i+3 > len(b) || frames > 64 {
			return false
		}
		f := b[i]
		bits := int(b[i+1])<<8 | int(b[i+2])
		if f&0x0f != 0 || bits == 0 {
			return false
		}
		i += 3
		switch r := f >> 5; r {
		case 0, 5:
		case 1:
			i += 3 + 4
		case 2, 6:
			i += 3
		case 3, 7:
			i += 3 + 4
		case 4:
			i += 3 + 3 + 4
		}
		if f&0x10 != 0 {
			i += 10
		}
		i += (bits + 7) / 8
	}
	return i == len(b)
}

// ackRecords reports whether b is an ACK/NAK datagram: a record count,
// then that many records (0x01 + a 24-bit sequence number, or 0x00 + a
// range whose start is not after its end) that end exactly at the end of
// b.
func ackRecords(b []byte) bool {
	if len(b) < 7 {
		return false
	}
	n := int(b[1])<<8 | int(b[2])
	if n == 0 || n > 512 {
		return false
	}
	i := 3
	for k := 0; k < n; k++ {
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case 0x01:
			i += 4
		case 0x00:
			if i+7 > len(b) || le24(b[i+1:]) > le24(b[i+4:]) {
				return false
			}
			i += 7
		default:
			return false
		}
	}
	return i == len(b)
}

func le24(b []byte) int { return int(b[0]) | int(b[1])<<8 | int(b[2])<<16 }
