// Package cnpip identifies CNP/IP, the Control Network Protocol (LonWorks)
// tunnelled over IP (ISO/IEC 14908-4, UDP 1628/1629): a common header with
// the big-endian datagram length, version, packet type, extended header
// size, protocol flags, vendor code, session id and sequence number.
package cnpip

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies CNP/IP (nDPI "CNP-IP") on UDP and TCP.
var Dissector = &dissect.Dissector{
	Name:      "cnpip",
	Transport: dissect.Both,
	Ports:     []uint16{1628, 1629},
	Probe:     probe,
}

// probe checks that the length field equals the datagram, version 1, a
// data packet type (low 5 bits of byte 3 = 1) and a protocol field (low 5
// bits of the flags) below 3.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 20 {
		if c.Proto == 17 || c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	if int(binary.BigEndian.Uint16(b)) != len(b) || b[2] != 0x01 || b[3]&0x1f != 0x01 || b[5]&0x1f >= 3 {
		return dissect.NoMatch
	}
	return dissect.Match
}
