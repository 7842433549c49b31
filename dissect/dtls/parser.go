package dtls

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/internal/tlshello"
)

// Bounds: a hello message larger than maxMsg is not reassembled, and the
// parser gives up after maxPkts datagrams per direction.
const (
	maxMsg  = 16 << 10
	maxPkts = 12
)

// msgBuf reassembles one direction's handshake message of interest.
type msgBuf struct {
	seq    int // message_seq being assembled (-1: none)
	typ    byte
	length int
	r      tlshello.Reassembler
}

type parser struct {
	bufs     [2]msgBuf
	chDone   bool
	shDone   bool
	ja3, ja4 []byte
	hash     []byte
	scratch  []byte
	done     bool
}

var _ dissect.Parser = (*parser)(nil)

func newParser() *parser {
	p := &parser{}
	for i := range p.bufs {
		p.bufs[i].seq = -1
		p.bufs[i].r.Max = maxMsg
	}
	return p
}

// Feed implements dissect.Parser: data is one datagram of records.
func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if p.done || dir > 1 {
		return dissect.Done
	}
	for len(data) > 0 {
		n, ok := recordOK(data)
		if !ok {
			if len(data) >= recHdr {
				c.Emit.Anomaly("dtls.bad_record")
			}
			break
		}
		rec := data[:n]
		data = data[n:]
		// Epoch 0 handshake records are cleartext.
		if rec[0] == ctHandshake && rec[3] == 0 && rec[4] == 0 {
			p.handshake(c, dir, rec[recHdr:])
		}
	}
	if p.shDone || (p.chDone && c.Pkts[1] > 0 && c.Pkts[0]+c.Pkts[1] >= maxPkts) || c.Pkts[dir] >= maxPkts {
		p.done = true
		return dissect.Done
	}
	return dissect.Continue
}

// handshake walks the handshake fragments of one record.
func (p *parser) handshake(c *dissect.Ctx, dir dissect.Dir, b []byte) {
	for len(b) >= hsHdr {
		typ := b[0]
		msgLen := u24(b[1:])
		seq := int(binary.BigEndian.Uint16(b[4:]))
		off, flen := u24(b[6:]), u24(b[9:])
		if hsHdr+flen > len(b) || off+flen > msgLen {
			c.Emit.Anomaly("dtls.bad_fragment")
			return
		}
		frag := b[hsHdr : hsHdr+flen]
		b = b[hsHdr+flen:]
		if typ != tlshello.TypeClientHello && typ != tlshello.TypeServerHello {
			continue
		}
		if (typ == tlshello.TypeClientHello && p.chDone) || (typ == tlshello.TypeServerHello && p.shDone) {
			continue
		}
		if msgLen > maxMsg {
			c.Emit.Anomaly("dtls.message_too_long")
			continue
		}
		m := &p.bufs[dir]
		if m.seq != seq || m.typ != typ || m.length != msgLen {
			m.seq, m.typ, m.length = seq, typ, msgLen
			m.r.Reset()
		}
		if off == 0 && flen == msgLen {
			p.message(c, typ, frag) // unfragmented: no copy
			continue
		}
		if !m.r.Add(uint64(off), frag) {
			c.Emit.Anomaly("dtls.bad_fragment")
			continue
		}
		if pre := m.r.Prefix(); len(pre) >= msgLen {
			p.message(c, typ, pre[:msgLen])
		}
	}
}

var one = []byte("1")

func (p *parser) message(c *dissect.Ctx, typ byte, body []byte) {
	switch typ {
	case tlshello.TypeClientHello:
		var ch tlshello.ClientHello
		if !tlshello.ParseClientHello(body, true, &ch) {
			c.Emit.Anomaly("dtls.bad_client_hello")
			if ch.CipherSuites == nil {
				return
			}
		}
		// A client answering a HelloVerifyRequest repeats its hello with
		// a cookie: the first one is kept.
		p.chDone = true
		if len(ch.SNI) > 0 {
			c.Emit.Host(ch.SNI)
		}
		p.ja3 = ch.AppendJA3(p.ja3[:0])
		p.hash = tlshello.AppendMD5Hex(p.hash[:0], p.ja3)
		c.Emit.Meta("ja3", p.hash)
		p.ja4 = ch.AppendJA4(p.ja4[:0], tlshello.JA4DTLS)
		c.Emit.Meta("ja4", p.ja4)
		if name, _, ok := tlshello.NextALPN(ch.ALPN); ok {
			c.Emit.Meta("alpn", name)
		}
		if ch.ECH {
			c.Emit.Meta("ech", one)
		}
	case tlshello.TypeServerHello:
		var sh tlshello.ServerHello
		if !tlshello.ParseServerHello(body, &sh) {
			c.Emit.Anomaly("dtls.bad_server_hello")
			return
		}
		p.shDone = true
		p.scratch = append(p.scratch[:0], tlshello.VersionName(sh.NegotiatedVersion())...)
		c.Emit.Meta("tls_version", p.scratch)
		p.ja3 = sh.AppendJA3S(p.ja3[:0])
		p.hash = tlshello.AppendMD5Hex(p.hash[:0], p.ja3)
		c.Emit.Meta("ja3s", p.hash)
		if len(sh.ALPN) > 0 {
			c.Emit.Meta("alpn", sh.ALPN)
		}
	}
}

// Gap implements dissect.Parser (UDP has none).
func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}

// Close implements dissect.Parser.
func (p *parser) Close(c *dissect.Ctx) {}
