// Package pfcp identifies the Packet Forwarding Control Protocol (3GPP TS
// 29.244, UDP 8805) between 5G/4G control and user planes: a header with
// version 1, flags (MP, S), a message type, a big-endian length of the rest
// of the message and, when S is set, a 64-bit SEID.
package pfcp

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies PFCP (nDPI "PFCP") on UDP.
var Dissector = &dissect.Dissector{
	Name:      "pfcp",
	Transport: dissect.UDP,
	Ports:     []uint16{8805},
	Probe:     probe,
}

// typeOK reports whether t is a defined message type: node messages 1..15,
// session messages 50..57.
func typeOK(t byte) bool { return t >= 1 && t <= 15 || t >= 50 && t <= 57 }

// probe checks version 1 with spare bits clear, a defined type whose S flag
// agrees with its kind (session messages carry a SEID, node messages do
// not), and length = datagram size - 4.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 8 || b[0]>>5 != 1 || b[0]&0x1c != 0 || !typeOK(b[1]) {
		return dissect.NoMatch
	}
	s := b[0]&0x01 != 0
	if s != (b[1] >= 50) {
		return dissect.NoMatch
	}
	if int(binary.BigEndian.Uint16(b[2:]))+4 != len(b) {
		return dissect.NoMatch
	}
	return dissect.Match
}
