// Package lustre identifies Lustre's LNet traffic over TCP (socklnd, port
// 988). A connection opens with the acceptor request (magic 0xacce7100) or
// the socklnd hello (magic 0x45726963), both little endian, carrying the
// destination NID's IPv4 address; messages seen mid-stream are socklnd
// LNet messages (type 0xC1) whose header names the destination address and
// the payload length.
package lustre

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Lustre (nDPI "Lustre") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "lustre",
	Transport: dissect.TCP,
	Ports:     []uint16{988},
	Probe:     probe,
}

const (
	magicAcceptor = 0xacce7100
	magicHello    = 0x45726963
	msgLNet       = 0xc1
)

// dst returns the IPv4 address the data is sent to, as LNet writes it
// (a little-endian host-order number), and whether there is one.
func dst(c *dissect.Ctx, dir dissect.Dir) (uint32, bool) {
	a := c.Server.Addr()
	if dir == dissect.ToClient {
		a = c.Client.Addr()
	}
	if !a.Is4() {
		return 0, false
	}
	v := a.As4()
	return binary.BigEndian.Uint32(v[:]), true
}

// probe requires the magic or message type and the destination address in
// the message to be the packet's destination, which pins the match to this
// very connection.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 16 {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	ip, ok := dst(c, dir)
	if !ok {
		return dissect.NoMatch
	}
	switch binary.LittleEndian.Uint32(b) {
	case magicAcceptor, magicHello:
		if binary.LittleEndian.Uint32(b[8:]) == ip {
			return dissect.Match
		}
	case msgLNet:
		if len(b) < 96 {
			if c.Pkts[dir] > 3 {
				return dissect.NoMatch
			}
			return dissect.NeedMore
		}
		if binary.LittleEndian.Uint32(b[24:]) == ip && int(binary.LittleEndian.Uint32(b[52:])) <= len(b)-96 {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}
