// Package enip identifies EtherNet/IP (CIP encapsulation, TCP/UDP 44818):
// every message has a 24-byte little-endian encapsulation header (command,
// length of the data after the header, session handle, status, sender
// context, options).
package enip

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies EtherNet/IP (nDPI "EthernetIP", Suricata "enip").
var Dissector = &dissect.Dissector{
	Name:      "enip",
	EVE:       "enip",
	Transport: dissect.Both,
	Ports:     []uint16{44818},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

const hdrLen = 24

func cmdName(cmd uint16) string {
	switch cmd {
	case 0x0000:
		return "nop"
	case 0x0004:
		return "list_services"
	case 0x0063:
		return "list_identity"
	case 0x0064:
		return "list_interfaces"
	case 0x0065:
		return "register_session"
	case 0x0066:
		return "unregister_session"
	case 0x006f:
		return "send_rr_data"
	case 0x0070:
		return "send_unit_data"
	case 0x0072:
		return "indicate_status"
	case 0x0073:
		return "cancel"
	}
	return ""
}

// probe checks a known command, zero options, and a length that fills the
// data exactly or (TCP) is followed by another valid header. A
// header split over segments waits for more.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	// NOP is skipped: it is rare and a run of zero bytes would pass as one.
	if len(b) >= 2 && (cmdName(binary.LittleEndian.Uint16(b)) == "" || b[0] == 0 && b[1] == 0) {
		return dissect.NoMatch
	}
	if len(b) < hdrLen {
		if c.Proto == 17 || c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	if binary.LittleEndian.Uint32(b[20:]) != 0 {
		return dissect.NoMatch
	}
	n := hdrLen + int(binary.LittleEndian.Uint16(b[2:]))
	switch {
	case n == len(b):
		return dissect.Match
	case n > len(b):
		if c.Proto == 17 || c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	case c.Proto == 6 && len(b)-n >= hdrLen && b[n] != 0 && cmdName(binary.LittleEndian.Uint16(b[n:])) != "" &&
		binary.LittleEndian.Uint32(b[n+20:]) == 0:
		return dissect.Match
	}
	return dissect.NoMatch
}

// commands holds cmdName as bytes for Meta, so Feed does not allocate.
var commands = func() map[uint16][]byte {
	m := map[uint16][]byte{}
	for _, c := range []uint16{0, 4, 0x63, 0x64, 0x65, 0x66, 0x6f, 0x70, 0x72, 0x73} {
		m[c] = []byte(cmdName(c))
	}
	return m
}()

// parser reports the first encapsulation command of the session.
type parser struct{}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if len(data) < hdrLen {
		return dissect.Continue
	}
	if name, ok := commands[binary.LittleEndian.Uint16(data)]; ok {
		c.Emit.Meta("enip.command", name)
	} else {
		c.Emit.Anomaly("enip.unknown_command")
		return dissect.Fail
	}
	return dissect.Done
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
