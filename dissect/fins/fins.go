// Package fins identifies Omron FINS (port 9600). Over TCP every message
// starts with "FINS", a big-endian length and a command (0..3) and error
// code; over UDP a datagram is a 10-byte FINS header (ICF, RSV, GCT,
// destination/source network/node/unit, SID) and a command code.
package fins

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies FINS (nDPI "FINS") on TCP and UDP.
var Dissector = &dissect.Dissector{
	Name:      "fins",
	Transport: dissect.Both,
	Ports:     []uint16{9600},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Proto == 6 {
		const magic = "FINS"
		for i := 0; i < len(magic) && i < len(b); i++ {
			if b[i] != magic[i] {
				return dissect.NoMatch
			}
		}
		if len(b) < 16 {
			if c.Pkts[dir] > 3 {
				return dissect.NoMatch
			}
			return dissect.NeedMore
		}
		n := binary.BigEndian.Uint32(b[4:])
		cmd := binary.BigEndian.Uint32(b[8:])
		if n < 8 || n > 4096 || cmd > 3 {
			return dissect.NoMatch
		}
		return dissect.Match
	}
	return probeUDP(c, b)
}

// probeUDP checks the FINS header: ICF with the gateway bit set and only
// the type (0x40) and no-response (0x01) bits besides, RSV 0, a gateway
// count of at most 7 and a main request code in the documented set. That
// is 12 weakly constrained bytes, so the FINS port is required too.
func probeUDP(c *dissect.Ctx, b []byte) dissect.Verdict {
	if c.Server.Port() != 9600 && c.Client.Port() != 9600 {
		return dissect.NoMatch
	}
	if len(b) < 12 || b[0]&0x80 == 0 || b[0]&0x3e != 0 || b[1] != 0 || b[2] > 7 {
		return dissect.NoMatch
	}
	switch b[10] { // MRC
	case 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x09, 0x0c, 0x21, 0x22, 0x23, 0x26, 0x28:
		return dissect.Match
	}
	return dissect.NoMatch
}
