// Package knxnet identifies KNXnet/IP (UDP/TCP 3671): a 6-byte header
// (header length 6, protocol version 0x10, big-endian service type and total
// length) before the service body.
package knxnet

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies KNXnet/IP (nDPI "KNXnet_IP") on UDP and TCP.
var Dissector = &dissect.Dissector{
	Name:      "knxnet",
	Transport: dissect.Both,
	Ports:     []uint16{3671},
	Probe:     probe,
}

// serviceOK reports whether t is in a defined service family: core 0x02,
// device management 0x03, tunnelling 0x04, routing 0x05, remote logging
// 0x06, remote configuration 0x07, object server 0x08, security 0x09.
func serviceOK(t uint16) bool {
	fam, svc := t>>8, t&0xff
	return fam >= 0x02 && fam <= 0x09 && svc <= 0x3f
}

// probe checks header length, version, service family, and a total length
// equal to the datagram (UDP) or, over TCP, covering at least the header
// and followed by another header when the data holds more.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 1 && b[0] != 0x06 || len(b) >= 2 && b[1] != 0x10 {
		return dissect.NoMatch
	}
	if len(b) < 6 {
		if c.Proto == 17 || c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	if !serviceOK(binary.BigEndian.Uint16(b[2:])) || n < 6 {
		return dissect.NoMatch
	}
	switch {
	case n == len(b):
		return dissect.Match
	case c.Proto == 17:
		return dissect.NoMatch
	case n > len(b):
		return dissect.Match
	case len(b)-n >= 2 && b[n] == 0x06 && b[n+1] == 0x10:
		return dissect.Match
	}
	return dissect.NoMatch
}
