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

// gquicPlain logs a Google QUIC ≤ Q046 packet of version v as a
// transaction, with the SNI, user agent and CYU fingerprint of the
// cleartext CHLO it carries, if any. long says the packet had a long
// header (Q046) rather than a public header with the version flag.
// Suricata keeps parsing such packets after the CHLO (only a TLS hello
// ends a direction), so this does too.
func (p *parser) gquicPlain(c *dissect.Ctx, dir dissect.Dir, v uint32, long bool, data []byte) {
	r := p.begin(v, dir, long)
	if i := bytes.Index(data[:min(len(data), maxCHLOScan)], []byte("CHLO")); i >= 0 {
		p.gquicCHLO(c, data[i:])
	}
	p.commit(c, dir, r)
}

// gquicCHLO parses a Google QUIC handshake message (tag "CHLO", entry
// count, padding, then (tag, end offset) pairs and the values) into the
// current transaction: SNI, UAID and the CYU fingerprint (version digits
// and the tag list). It reports true: the message was all there is to
// read in its stream.
func (p *parser) gquicCHLO(c *dissect.Ctx, m []byte) bool {
	if len(m) < 8 {
		return true
	}
	n := int(binary.LittleEndian.Uint16(m[4:]))
	if n == 0 || n > 128 || 8+8*n > len(m) {
		c.Emit.Anomaly("quic.bad_chlo")
		return true
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
	return true
}
