// Package memcached identifies the memcached protocols: the binary protocol
// (24-byte header, magic 0x80 request / 0x81 response) anywhere, and the
// text protocol ("get k\r\n", "set k 0 0 5\r\n", "STAT …", "VALUE …") on
// port 11211. Over UDP each datagram has an 8-byte frame header first.
package memcached

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies memcached (nDPI "Memcached") on TCP and UDP.
var Dissector = &dissect.Dissector{
	Name:      "memcached",
	Transport: dissect.Both,
	Ports:     []uint16{11211},
	Probe:     probe,
}

var textCmds = [...]string{
	"get ", "gets ", "gat ", "gats ", "set ", "add ", "replace ", "append ", "prepend ", "cas ",
	"delete ", "incr ", "decr ", "touch ", "stats\r\n", "stats ", "version\r\n", "flush_all",
	"verbosity ", "quit\r\n", "mg ", "ms ", "md ", "ma ", "mn\r\n",
	"VALUE ", "END\r\n", "STORED\r\n", "NOT_STORED\r\n", "EXISTS\r\n", "NOT_FOUND\r\n",
	"DELETED\r\n", "TOUCHED\r\n", "STAT ", "VERSION ", "ERROR\r\n", "CLIENT_ERROR ", "SERVER_ERROR ",
}

// probe: UDP datagrams start with the frame header (request id, sequence,
// total datagrams ≥ 1, reserved 0). The binary header is checked for magic,
// zero data type, sane key/extras lengths within the body; text commands
// need port 11211 because they are plain words.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Proto == 17 {
		if len(b) < 8 || binary.BigEndian.Uint16(b[4:]) == 0 || binary.BigEndian.Uint16(b[6:]) != 0 ||
			binary.BigEndian.Uint16(b[2:]) >= binary.BigEndian.Uint16(b[4:]) {
			return dissect.NoMatch
		}
		b = b[8:]
	}
	if len(b) >= 1 && (b[0] == 0x80 || b[0] == 0x81) {
		if len(b) < 24 {
			return more(c, dir)
		}
		kl := int(binary.BigEndian.Uint16(b[2:]))
		el := int(b[4])
		body := int(binary.BigEndian.Uint32(b[8:]))
		if b[5] != 0 || kl+el > body || body > 1<<20 || b[1] > 0x48 {
			return dissect.NoMatch
		}
		// The body must fill the data exactly or be followed by another
		// header; a packet split over segments counts only on the port.
		end := 24 + body
		if end == len(b) || end < len(b) && (b[end] == 0x80 || b[end] == 0x81) {
			return dissect.Match
		}
		if end > len(b) && onPort(c) {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	if !onPort(c) {
		return dissect.NoMatch
	}
	for _, p := range textCmds {
		if len(b) >= len(p) && string(b[:len(p)]) == p {
			return dissect.Match
		}
	}
	if len(b) < 16 && c.Proto == 6 {
		return more(c, dir)
	}
	return dissect.NoMatch
}

func onPort(c *dissect.Ctx) bool { return c.Server.Port() == 11211 || c.Client.Port() == 11211 }

func more(c *dissect.Ctx, dir dissect.Dir) dissect.Verdict {
	if c.Proto == 17 || c.Pkts[dir] > 3 {
		return dissect.NoMatch
	}
	return dissect.NeedMore
}
