// Package raknet identifies RakNet, the UDP game networking library (used by
// Minecraft Bedrock, Roblox and others). Its offline messages carry the
// 16-byte "offline message ID" magic 00 FF FF 00 FE FE FE FE FD FD FD FD 12
// 34 56 78: right after the message id for open-connection requests and
// replies (0x05–0x08) and incompatible-protocol (0x19), and after an 8-byte
// timestamp for unconnected ping/pong (0x01, 0x02, 0x1C; the pong adds a
// server GUID first).
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
	// Connected datagrams (0x80–0x8F, ACK 0xC0, NAK 0xA0) are too weak alone;
	// wait for an offline message a little while.
	if b[0]&0x80 != 0 && c.Pkts[0]+c.Pkts[1] < 4 {
		return dissect.NeedMore
	}
	return dissect.NoMatch
}
