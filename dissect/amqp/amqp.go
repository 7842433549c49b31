// Package amqp identifies AMQP: the protocol header "AMQP" + protocol id
// and version that opens a connection (0-9-1, 0-10, 1.0 and its SASL/TLS
// layers), and AMQP 0-9-1 frames seen mid-connection (type, channel,
// big-endian size, payload, frame-end octet 0xCE).
package amqp

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies AMQP (nDPI "AMQP") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "amqp",
	Transport: dissect.TCP,
	Ports:     []uint16{5672},
	Probe:     probe,
}

const maxFrame = 1 << 24

// probe matches the protocol header, or one or more complete 0-9-1 frames
// whose frame-end octets are in place; a method frame must name a known
// class. A frame that runs past the data waits for more, a few packets at
// most.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 1 && b[0] == 'A' {
		const pre = "AMQP"
		for i := 1; i < len(pre) && i < len(b); i++ {
			if b[i] != pre[i] {
				return dissect.NoMatch
			}
		}
		if len(b) < 8 {
			return more(c, dir)
		}
		if b[4] <= 3 && b[5] <= 1 && b[6] <= 10 {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	whole, nonHeartbeat := 0, false
	for i := 0; i < len(b) && whole < 8; {
		r := b[i:]
		if r[0] != 1 && r[0] != 2 && r[0] != 3 && r[0] != 8 {
			return dissect.NoMatch
		}
		if len(r) < 7 {
			break
		}
		n := int(binary.BigEndian.Uint32(r[3:]))
		if n > maxFrame {
			return dissect.NoMatch
		}
		if r[0] == 1 && len(r) >= 9 && !classOK(binary.BigEndian.Uint16(r[7:])) {
			return dissect.NoMatch
		}
		if r[0] == 8 && (n != 0 || r[1] != 0 || r[2] != 0) {
			return dissect.NoMatch
		}
		if len(r) < 8+n {
			break
		}
		if r[7+n] != 0xce {
			return dissect.NoMatch
		}
		whole++
		nonHeartbeat = nonHeartbeat || r[0] != 8
		i += 8 + n
	}
	// A lone heartbeat (8 bytes) is too little to count.
	if nonHeartbeat {
		return dissect.Match
	}
	return more(c, dir)
}

// classOK reports whether id is an AMQP 0-9-1 class (connection, channel,
// access, exchange, queue, basic, confirm, tx).
func classOK(id uint16) bool {
	switch id {
	case 10, 20, 30, 40, 50, 60, 85, 90:
		return true
	}
	return false
}

func more(c *dissect.Ctx, dir dissect.Dir) dissect.Verdict {
	if c.Pkts[dir] > 4 {
		return dissect.NoMatch
	}
	return dissect.NeedMore
}
