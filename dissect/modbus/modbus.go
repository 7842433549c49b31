// Package modbus dissects Modbus/TCP: every ADU is a 7-byte MBAP header
// (transaction id, protocol id 0, length of unit id + PDU, unit id) and a
// PDU that starts with a function code.
package modbus

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector dissects Modbus/TCP (nDPI "Modbus", Suricata "modbus").
var Dissector = &dissect.Dissector{
	Name:      "modbus",
	EVE:       "modbus",
	Transport: dissect.TCP,
	Ports:     []uint16{502},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

const (
	mbapLen = 7
	maxADU  = 260
)

// funcOK reports whether fc is a public function code, or such a code's
// exception response (fc | 0x80).
func funcOK(fc byte) bool {
	switch fc &^ 0x80 {
	case 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 15, 16, 17, 20, 21, 22, 23, 24, 43:
		return true
	}
	return false
}

func onPort(c *dissect.Ctx) bool { return c.Server.Port() == 502 || c.Client.Port() == 502 }

// aduLen validates the MBAP header at b's start and returns the ADU size.
func aduLen(b []byte) (int, bool) {
	if len(b) < mbapLen+1 || binary.BigEndian.Uint16(b[2:]) != 0 {
		return 0, false
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	if n < 2 || n > maxADU-6 || !funcOK(b[7]) {
		return 0, false
	}
	return 6 + n, true
}

// probe requires port 502: an MBAP header (protocol id 0, length 2..254,
// public function code) is only a few constrained bytes. The ADU must fill
// the data or be followed by another valid one.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if !onPort(c) {
		return dissect.NoMatch
	}
	if len(b) < mbapLen+1 {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	n, ok := aduLen(b)
	if !ok {
		return dissect.NoMatch
	}
	if n < len(b) {
		if _, ok := aduLen(b[n:]); !ok {
			return dissect.NoMatch
		}
	}
	return dissect.Match
}

// funcNames names the public function codes for Meta.
var funcNames = func() (t [128][]byte) {
	for fc, s := range map[byte]string{
		1: "read_coils", 2: "read_discrete_inputs", 3: "read_holding_registers",
		4: "read_input_registers", 5: "write_single_coil", 6: "write_single_register",
		7: "read_exception_status", 8: "diagnostic", 11: "get_comm_event_counter",
		12: "get_comm_event_log", 15: "write_multiple_coils", 16: "write_multiple_registers",
		17: "report_server_id", 20: "read_file_record", 21: "write_file_record",
		22: "mask_write_register", 23: "read_write_multiple_registers",
		24: "read_fifo_queue", 43: "encapsulated_interface",
	} {
		t[fc] = []byte(s)
	}
	return
}()

type parser struct {
	buf  [2][]byte
	seen [128]bool
	adus int
}

var _ dissect.Parser = (*parser)(nil)

// Feed splits ADUs and reports each distinct request function code (the
// last one reported wins in the flow's meta) and exception responses.
func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	b := data
	if len(p.buf[dir]) > 0 {
		p.buf[dir] = append(p.buf[dir], data...)
		b = p.buf[dir]
	}
	for len(b) >= mbapLen+1 {
		n, ok := aduLen(b)
		if !ok {
			c.Emit.Anomaly("modbus.bad_mbap")
			p.buf[dir] = p.buf[dir][:0]
			return dissect.Fail
		}
		if n > len(b) {
			break
		}
		fc := b[7]
		if fc&0x80 != 0 {
			c.Emit.Anomaly("modbus.exception_response")
		} else if dir == dissect.ToServer && !p.seen[fc] {
			p.seen[fc] = true
			c.Emit.Meta("modbus.function", funcNames[fc])
		}
		b = b[n:]
		p.adus++
	}
	if len(b) > maxADU {
		c.Emit.Anomaly("modbus.adu_too_long")
		return dissect.Fail
	}
	p.buf[dir] = append(p.buf[dir][:0], b...)
	if p.adus > 1000 {
		return dissect.Done
	}
	return dissect.Continue
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) { p.buf[dir] = p.buf[dir][:0] }
func (p *parser) Close(c *dissect.Ctx)                       {}
