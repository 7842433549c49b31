// Package opcua identifies OPC UA's binary TCP transport (UA-TCP, port
// 4840): every message starts with a 3-byte type ("HEL", "ACK", "ERR",
// "RHE", "OPN", "MSG", "CLO"), a chunk type ('F', 'C', 'A') and a
// little-endian message size including the 8-byte header.
package opcua

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies OPC UA (nDPI "OPC-UA") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "opcua",
	Transport: dissect.TCP,
	Ports:     []uint16{4840},
	Probe:     probe,
}

func typeOK(b []byte) bool {
	switch string(b[:3]) {
	case "HEL", "ACK", "ERR", "RHE":
		return b[3] == 'F'
	case "OPN", "CLO":
		return b[3] == 'F'
	case "MSG":
		return b[3] == 'F' || b[3] == 'C' || b[3] == 'A'
	}
	return false
}

// probe checks the message type and chunk type and a size within 8..16 MiB
// that, for Hello/Acknowledge, is at least their fixed part and starts with
// protocol version 0.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 8 {
		if len(b) >= 1 && b[0] != 'H' && b[0] != 'A' && b[0] != 'E' && b[0] != 'R' && b[0] != 'O' && b[0] != 'M' && b[0] != 'C' || c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	if !typeOK(b) {
		return dissect.NoMatch
	}
	n := binary.LittleEndian.Uint32(b[4:])
	if n < 8 || n > 16<<20 {
		return dissect.NoMatch
	}
	switch string(b[:3]) {
	case "HEL":
		if n < 32 || len(b) >= 12 && binary.LittleEndian.Uint32(b[8:]) != 0 {
			return dissect.NoMatch
		}
	case "ACK":
		if n != 28 || len(b) >= 12 && binary.LittleEndian.Uint32(b[8:]) != 0 {
			return dissect.NoMatch
		}
	case "OPN", "MSG", "CLO":
		if n < 16 {
			return dissect.NoMatch
		}
	}
	return dissect.Match
}
