// Package netbios identifies NetBIOS over TCP/IP (RFC 1001/1002): the Name
// Service on UDP 137, the Datagram Service on UDP 138 and the Session
// Service's session request on TCP 139. It reports the first-level-decoded
// NetBIOS name (query/registration name, datagram source name, called
// name) as the flow's host name.
package netbios

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector is NetBIOS NS/DGM over UDP and the session setup over TCP
// (nDPI "NetBIOS").
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "netbios",
	Transport: dissect.Both,
	Ports:     []uint16{137, 138, 139},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// encodedName checks a first-level-encoded name at b: length byte 32,
// then 32 letters 'A'–'P', then a zero byte (or a scope label).
func encodedName(b []byte) bool {
	if len(b) < 34 || b[0] != 32 {
		return false
	}
	for _, x := range b[1:33] {
		if x < 'A' || x > 'P' {
			return false
		}
	}
	return b[33] < 64
}

// decodeName turns the 32 encoded letters into up to 16 bytes and trims
// the suffix byte and padding spaces, as nDPI and Wireshark display it.
func decodeName(dst []byte, enc []byte) []byte {
	var raw [16]byte
	for i := 0; i < 16; i++ {
		raw[i] = (enc[2*i]-'A')<<4 | (enc[2*i+1] - 'A')
	}
	n := 15
	for n > 0 && (raw[n-1] == ' ' || raw[n-1] == 0) {
		n--
	}
	for _, x := range raw[:n] {
		if x >= 'A' && x <= 'Z' {
			x += 32 // host names compare lower-case, as nDPI prints them
		} else if x < 0x20 || x > 0x7e {
			x = '.'
		}
		dst = append(dst, x)
	}
	return dst
}

// nsName returns the offset of the question or resource name in a Name
// Service packet, or -1 when b is not one.
func nsName(b []byte) int {
	if len(b) < 12+34 {
		return -1
	}
	flags := binary.BigEndian.Uint16(b[2:])
	op := flags >> 11 & 0xf
	switch op {
	case 0, 5, 6, 7, 8, 9:
	default:
		return -1
	}
	qd, an, ns, ar := binary.BigEndian.Uint16(b[4:]), binary.BigEndian.Uint16(b[6:]), binary.BigEndian.Uint16(b[8:]), binary.BigEndian.Uint16(b[10:])
	if qd > 1 || an > 1 || ns > 1 || ar > 1 || qd+an == 0 {
		return -1
	}
	if !encodedName(b[12:]) {
		return -1
	}
	return 12
}

// dgmName returns the offset of the source name in a Datagram Service
// packet (direct unique/group or broadcast), or -1.
func dgmName(b []byte) int {
	if len(b) < 14+34 {
		return -1
	}
	switch b[0] {
	case 0x10, 0x11, 0x12:
	default:
		return -1
	}
	if b[1]&0xf0 != 0 {
		return -1
	}
	if !encodedName(b[14:]) {
		return -1
	}
	return 14
}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if c.Proto == 17 {
		// NS packets share DNS's layout (a DNS query for an encoded name
		// is byte-identical), so each service needs its own port.
		ns := c.Server.Port() == 137 || c.Client.Port() == 137
		dgm := c.Server.Port() == 138 || c.Client.Port() == 138
		if ns && nsName(data) >= 0 || dgm && dgmName(data) >= 0 {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	// Session Service: session request (0x81) with called and calling
	// names; the answers 0x82/0x83 are too short to trust alone.
	if len(data) == 0 {
		return dissect.NeedMore
	}
	if data[0] != 0x81 {
		return dissect.NoMatch
	}
	if len(data) < 4+68 {
		return dissect.NeedMore
	}
	n := int(binary.BigEndian.Uint16(data[2:]))
	if data[1] != 0 || n < 68 || !encodedName(data[4:]) || !encodedName(data[4+34:]) {
		return dissect.NoMatch
	}
	return dissect.Match
}

// parser emits the name once per flow.
type parser struct {
	done bool
	name [64]byte
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	off := -1
	if c.Proto == 17 {
		if off = nsName(data); off < 0 {
			off = dgmName(data)
		}
	} else if len(data) >= 4+68 && data[0] == 0x81 && encodedName(data[4:]) {
		off = 4
	}
	if off < 0 {
		if c.Proto != 17 {
			return dissect.Done
		}
		return dissect.Continue
	}
	if name := decodeName(p.name[:0], data[off+1:off+33]); len(name) > 0 {
		c.Emit.Host(name)
	}
	return dissect.Done
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
