// Package gnutella identifies the Gnutella (0.6) and Gnutella2 peer-to-peer
// networks.
//
// TCP: connections open with a text handshake, "GNUTELLA CONNECT/0.6" from
// the initiator and "GNUTELLA/0.6 <code>" back (0.4: "GNUTELLA OK"); file
// transfers are HTTP requests for "/uri-res/N2R?urn:…" or "/get/<n>/…" and
// push-initiated ones open with "GIV ".
//
// UDP: Gnutella 0.6 descriptors (pings/pongs, queries, vendor messages) have a
// 23-byte header — GUID [16] | type u8 | TTL u8 | hops u8 | payload length
// u32 LE — so the length must account for the whole datagram; Gnutella2
// datagrams start with "GND", a flags byte, a 16-bit sequence and a
// part/count pair (see the GnucDNA/Shareaza G2 UDP specification).
package gnutella

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Gnutella and Gnutella2; identification only.
var Dissector = &dissect.Dissector{
	Name:      "gnutella",
	Transport: dissect.Both,
	Ports:     []uint16{6346, 6347},
	Probe:     probe,
}

// tcpPrefixes are the first bytes of a Gnutella TCP stream in either
// direction.
var tcpPrefixes = [...]string{
	"GNUTELLA CONNECT/",
	"GNUTELLA/0.",
	"GNUTELLA OK",
	"GIV ",
	"GET /uri-res/N2R?urn:",
	"GET /uri-res/N2X?urn:",
	"HEAD /uri-res/N2R?urn:",
	"GET /gnutella/",
	"PUSH guid:",
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Proto == 17 {
		return probeUDP(b)
	}
	partial := false
	for _, p := range tcpPrefixes {
		n := min(len(b), len(p))
		if string(b[:n]) != p[:n] {
			continue
		}
		if n == len(p) {
			return dissect.Match
		}
		partial = true
	}
	if partial && c.Pkts[dir] < 4 {
		return dissect.NeedMore
	}
	if len(b) >= 4 && string(b[:4]) == "GET " {
		// A classic download, "GET /get/<index>/<name> HTTP/1.x", is only
		// Gnutella when the request also carries a Gnutella header.
		if hasPrefix(b, "GET /get/") && contains(b, "\nX-Gnutella-") {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}

func probeUDP(b []byte) dissect.Verdict {
	if len(b) >= 8 && b[0] == 'G' && b[1] == 'N' && b[2] == 'D' {
		part, count := b[6], b[7]
		if part >= 1 && count >= part {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	if len(b) < 23 {
		return dissect.NoMatch
	}
	switch b[16] {
	case 0x00, 0x01, // ping, pong
		0x02,       // bye
		0x30,       // query routing
		0x31, 0x32, // vendor-specific, standard vendor message
		0x40,       // push
		0x44,       // DHT (Mojito/Kademlia) message
		0x80, 0x81: // query, query hit
	default:
		return dissect.NoMatch
	}
	ttl, hops := b[17], b[18]
	if int(ttl)+int(hops) > 16 {
		return dissect.NoMatch
	}
	if uint64(binary.LittleEndian.Uint32(b[19:])) != uint64(len(b)-23) {
		return dissect.NoMatch
	}
	// A ping's payload is empty or GGEP (starts with the magic 0xC3).
	if b[16] == 0x00 && len(b) > 23 && b[23] != 0xc3 {
		return dissect.NoMatch
	}
	return dissect.Match
}

func hasPrefix(b []byte, p string) bool { return len(b) >= len(p) && string(b[:len(p)]) == p }

func contains(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if string(b[i:i+len(s)]) == s {
			return true
		}
	}
	return false
}
