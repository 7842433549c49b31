// Package rtmp identifies RTMP (port 1935) by its handshake: C0 is the
// version byte 3 (6 for RTMPE) followed by C1, 1536 bytes of time, zero or
// Flash-version field and random data; the server answers S0 S1 the same
// way. The probe waits for the whole 1537 bytes so that a single 0x03 byte
// is never enough.
package rtmp

import "github.com/netsift/netsift/dissect"

// Dissector is RTMP over TCP (nDPI "RTMP").
var Dissector = &dissect.Dissector{
	Name:      "rtmp",
	Transport: dissect.TCP,
	Ports:     []uint16{1935},
	Probe:     probe,
}

const handshake = 1 + 1536

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if len(data) == 0 {
		return dissect.NeedMore
	}
	if data[0] != 3 && data[0] != 6 {
		return dissect.NoMatch
	}
	onPort := c.Server.Port() == 1935
	if len(data) >= 9 && !onPort && (data[5] != 0 || data[6] != 0 || data[7] != 0 || data[8] != 0) {
		// Off the port, require the plain (zero) C1 field.
		return dissect.NoMatch
	}
	if len(data) < handshake {
		if c.Pkts[dir] > 4 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	// Client: C0+C1 exactly, or followed only later by C2. Server: S0+S1
	// may be sent together with S2 (3073 bytes).
	if dir == dissect.ToServer && c.Pkts[dir] <= 2 && len(data) != handshake && !onPort {
		return dissect.NoMatch
	}
	return dissect.Match
}
