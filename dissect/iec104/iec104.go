// Package iec104 identifies IEC 60870-5-104 (telecontrol over TCP, port
// 2404). Every APDU starts with 0x68, a length (4..253) and a 4-byte control
// field whose low bits give the frame format: I (numbered information,
// carries an ASDU), S (supervisory) or U (unnumbered: STARTDT, STOPDT,
// TESTFR act/con).
package iec104

import "github.com/netsift/netsift/dissect"

// Dissector identifies IEC 60870-5-104 (nDPI "IEC60870") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "iec104",
	Transport: dissect.TCP,
	Ports:     []uint16{2404},
	Probe:     probe,
}

// apduOK validates one APDU at b's start and returns its size.
func apduOK(b []byte) (int, bool) {
	if len(b) < 6 || b[0] != 0x68 || b[1] < 4 || b[1] > 253 {
		return 0, false
	}
	n := int(b[1])
	c1, c3 := b[2], b[4]
	switch {
	case c1&0x01 == 0: // I format: needs an ASDU (type id, VSQ, COT, address)
		if n < 4+6 || c3&0x01 != 0 {
			return 0, false
		}
		if len(b) > 6 && (b[6] == 0 || b[6] > 127) {
			return 0, false
		}
	case c1&0x03 == 0x01: // S format
		if n != 4 || c1 != 0x01 || b[3] != 0 || c3&0x01 != 0 {
			return 0, false
		}
	default: // U format: exactly one function bit, rest zero
		f := c1 >> 2
		if n != 4 || f == 0 || f&(f-1) != 0 || b[3] != 0 || b[4] != 0 || b[5] != 0 {
			return 0, false
		}
	}
	return 2 + n, true
}

// probe validates the first APDU and, when more data follows, that the next
// one starts right after it. A lone APDU whose length runs past the data is
// accepted only when the control field and ASDU type are valid.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) >= 1 && b[0] != 0x68 {
		return dissect.NoMatch
	}
	if len(b) < 6 {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	n, ok := apduOK(b)
	if !ok {
		return dissect.NoMatch
	}
	if n < len(b) {
		if _, ok := apduOK(b[n:]); !ok && len(b)-n >= 6 {
			return dissect.NoMatch
		}
		if b[n] != 0x68 {
			return dissect.NoMatch
		}
	}
	return dissect.Match
}
