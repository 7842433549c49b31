package quic

import (
	"bytes"
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// maxCHLOScan bounds where a cleartext CHLO may start in a Google QUIC
// datagram (after the public header, packet number, hash and frame
// header).
const maxCHLOScan = 96

// gquicPlain finds the cleartext CHLO of a Google QUIC ≤ Q046 datagram.
func (p *parser) gquicPlain(c *dissect.Ctx, data []byte) {
	i := bytes.Index(data[:min(len(data), maxCHLOScan)], []byte("CHLO"))
	if i < 0 {
		return
	}
	p.gquicCHLO(c, data[i:])
}

// gquicCHLO parses a Google QUIC handshake message (tag "CHLO", entry
// count, padding, then (tag, end offset) pairs and the values) for SNI
// and UAID, and builds the CYU fingerprint: version digits and the tag
// list.
func (p *parser) gquicCHLO(c *dissect.Ctx, m []byte) {
	if len(m) < 8 {
		return
	}
	n := int(binary.LittleEndian.Uint16(m[4:]))
	if n == 0 || n > 128 || 8+8*n > len(m) {
		c.Emit.Anomaly("quic.bad_chlo")
		return
	}
	vals := m[8+8*n:]
	r := &p.rec
	r.cyu = r.cyu[:0]
	if v := r.version; isGoogle(v) {
		r.cyu = append(r.cyu, byte(v>>8), byte(v))
		if r.cyu[0] == '0' {
			r.cyu = r.cyu[1:]
		}
	}
	r.cyu = append(r.cyu, ',')
	prev := 0
	for i := 0; i < n; i++ {
		e := m[8+8*i:]
		tag := e[:4]
		end := int(binary.LittleEndian.Uint32(e[4:]))
		if end < prev || end > len(vals) {
			c.Emit.Anomaly("quic.bad_chlo")
			break
		}
		val := vals[prev:end]
		prev = end
		if i > 0 {
			r.cyu = append(r.cyu, '-')
		}
		r.cyu = append(r.cyu, bytes.TrimRight(tag, "\x00")...)
		switch string(tag) {
		case "SNI\x00":
			r.sni = append(r.sni[:0], val...)
			c.Emit.Host(val)
		case "UAID":
			r.ua = append(r.ua[:0], val...)
			c.Emit.Meta("user_agent", val)
		}
	}
	r.cyuHash = appendMD5(r.cyuHash[:0], r.cyu)
	p.finish(c)
}
