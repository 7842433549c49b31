package quic

import (
	"bytes"
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/internal/tlshello"
)

// Reassembly bounds. A ClientHello is 300–2500 bytes (post-quantum key
// shares and ECH make it the larger); CRYPTO data beyond maxCrypto is
// dropped with an anomaly.
const (
	maxCrypto = 16 << 10
	// maxPkts is how many datagrams per direction the parser looks at
	// before giving up on an incomplete ClientHello.
	maxPkts = 16
)

// parser is one QUIC flow.
type parser struct {
	version uint32
	odcid   [20]byte
	odcidN  int
	haveKey bool
	ck      *keys // client Initial keys
	largest int64
	pkt     []byte // decryption scratch, reused
	nonce   [12]byte
	mask    [16]byte
	crypto  tlshello.Reassembler
	rec     record
	done    bool
}

var _ dissect.Parser = (*parser)(nil)

func newParser() *parser {
	p := &parser{largest: -1}
	p.crypto.Max = maxCrypto
	return p
}

// Feed implements dissect.Parser: data is one datagram.
func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if p.done {
		return dissect.Done
	}
	if dir != dissect.ToServer {
		// Server Initials are not parsed (the client's facts are what we
		// want); the version is taken from them when the client's
		// were missed.
		if p.rec.version == 0 && len(data) >= 5 && data[0]&0x80 != 0 {
			p.rec.version = binary.BigEndian.Uint32(data[1:])
		}
		return p.status(c)
	}
	if len(data) == 0 {
		return p.status(c)
	}
	if data[0]&0x80 == 0 {
		if len(data) >= 13 && data[0]&0x01 != 0 && isGoogle(binary.BigEndian.Uint32(data[9:])) {
			p.rec.version = binary.BigEndian.Uint32(data[9:])
			p.gquicPlain(c, data)
		}
		return p.status(c)
	}
	for len(data) > 0 && !p.done {
		if data[0]&0x80 == 0 {
			break // short header: 1-RTT, nothing more for us
		}
		if len(data) >= 5 {
			if v := binary.BigEndian.Uint32(data[1:]); isGoogle(v) && !isIETF(v) {
				p.rec.version = v
				p.gquicPlain(c, data) // Q046: cleartext CHLO
				break
			}
		}
		var h header
		if !parseLong(data, &h) {
			if len(data) >= 5 && binary.BigEndian.Uint32(data[1:]) != 0 {
				c.Emit.Anomaly("quic.bad_long_header")
			}
			break
		}
		if h.typ == initialType(h.version) && isIETF(h.version) {
			p.initial(c, data[:h.end], &h)
		} else if p.rec.version == 0 {
			p.rec.version = h.version
		}
		data = data[h.end:]
	}
	return p.status(c)
}

func (p *parser) status(c *dissect.Ctx) dissect.Status {
	if p.done {
		return dissect.Done
	}
	if c.Pkts[0] >= maxPkts {
		p.finish(c)
		return dissect.Done
	}
	return dissect.Continue
}

// initial decrypts one client Initial packet and feeds its frames.
func (p *parser) initial(c *dissect.Ctx, pkt []byte, h *header) {
	if p.rec.version == 0 || p.version == 0 {
		p.rec.version = h.version
		p.version = h.version
	}
	if !p.haveKey || h.version != p.version {
		if !p.setKeys(c, h.version, h.dcid) {
			return
		}
	}
	pt, ok := p.decrypt(pkt, h.pnOff)
	if !ok && (p.odcidN != len(h.dcid) || !bytes.Equal(p.odcid[:p.odcidN], h.dcid)) {
		// After a Retry (or a client that changed its DCID) the keys
		// come from the new DCID.
		if p.setKeys(c, h.version, h.dcid) {
			pt, ok = p.decrypt(pkt, h.pnOff)
		}
	}
	if !ok {
		c.Emit.Anomaly("quic.decrypt_failed")
		return
	}
	p.frames(c, pt)
}

func (p *parser) setKeys(c *dissect.Ctx, v uint32, dcid []byte) bool {
	k, err := deriveKeys(v, dcid, false)
	if err != nil {
		return false
	}
	p.ck, p.haveKey, p.version = k, true, v
	p.odcidN = copy(p.odcid[:], dcid)
	p.largest = -1
	return true
}

func (p *parser) decrypt(pkt []byte, pnOff int) ([]byte, bool) {
	p.pkt = append(p.pkt[:0], pkt...)
	pt, pn, ok := p.ck.open(p.pkt, pnOff, p.largest, &p.nonce, &p.mask)
	if ok && pn > p.largest {
		p.largest = pn
	}
	return pt, ok
}

// frames walks an Initial packet's frames, collecting CRYPTO data.
func (p *parser) frames(c *dissect.Ctx, b []byte) {
	for len(b) > 0 {
		ft, n := varint(b)
		if n == 0 {
			return
		}
		b = b[n:]
		switch ft {
		case 0x00, 0x01: // PADDING, PING
		case 0x02, 0x03: // ACK, ACK_ECN
			var ok bool
			if b, ok = skipACK(b, ft == 0x03); !ok {
				c.Emit.Anomaly("quic.bad_frame")
				return
			}
		case 0x06, 0x08: // CRYPTO (0x08: Google's Q050/T05x)
			if ft == 0x08 && !isGoogle(p.version) {
				c.Emit.Anomaly("quic.bad_frame")
				return
			}
			off, n1 := varint(b)
			l, n2 := varint(b[min(n1, len(b)):])
			if n1 == 0 || n2 == 0 || uint64(len(b)-n1-n2) < l {
				c.Emit.Anomaly("quic.bad_frame")
				return
			}
			d := b[n1+n2 : n1+n2+int(l)]
			b = b[n1+n2+int(l):]
			if !p.crypto.Add(off, d) {
				c.Emit.Anomaly("quic.crypto_too_long")
				return
			}
		case 0x1c, 0x1d: // CONNECTION_CLOSE
			p.finish(c)
			return
		default:
			c.Emit.Anomaly("quic.bad_frame")
			return
		}
	}
	p.tryHello(c)
}

// skipACK skips an ACK frame's fields.
func skipACK(b []byte, ecn bool) ([]byte, bool) {
	var vals [4]uint64
	for i := range vals {
		v, n := varint(b)
		if n == 0 {
			return nil, false
		}
		vals[i] = v
		b = b[n:]
	}
	count := vals[2]
	if count > uint64(len(b)) {
		return nil, false
	}
	skip := 2 * count
	if ecn {
		skip += 3
	}
	for i := uint64(0); i < skip; i++ {
		_, n := varint(b)
		if n == 0 {
			return nil, false
		}
		b = b[n:]
	}
	return b, true
}

// tryHello parses the ClientHello once the CRYPTO stream holds it whole.
func (p *parser) tryHello(c *dissect.Ctx) {
	pre := p.crypto.Prefix()
	if len(pre) < 4 {
		return
	}
	if pre[0] != tlshello.TypeClientHello {
		if bytes.HasPrefix(pre, []byte("CHLO")) {
			p.gquicCHLO(c, pre) // Q050 carries gQUIC's own handshake
			return
		}
		c.Emit.Anomaly("quic.not_client_hello")
		p.finish(c)
		return
	}
	l := int(pre[1])<<16 | int(pre[2])<<8 | int(pre[3])
	if 4+l > maxCrypto {
		c.Emit.Anomaly("quic.crypto_too_long")
		p.finish(c)
		return
	}
	if len(pre) < 4+l {
		return
	}
	var ch tlshello.ClientHello
	if !tlshello.ParseClientHello(pre[4:4+l], false, &ch) {
		c.Emit.Anomaly("quic.bad_client_hello")
	}
	p.rec.setHello(c, &ch)
	p.finish(c)
}

// finish writes the flow's event (once) and stops the parser.
func (p *parser) finish(c *dissect.Ctx) {
	if p.done {
		return
	}
	p.done = true
	if p.rec.version != 0 {
		p.scratchVersion(c)
		c.Emit.Event(dissect.ToServer, "quic", &p.rec)
		// The flow's one transaction, offered with the client's facts.
		c.Emit.Inspect(dissect.ToServer, 0, "quic", &p.rec)
	}
}

func (p *parser) scratchVersion(c *dissect.Ctx) {
	p.rec.verStr = appendVersion(p.rec.verStr[:0], p.rec.version)
	c.Emit.Meta("quic_version", p.rec.verStr)
}

// Gap implements dissect.Parser (UDP has none).
func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}

// Close implements dissect.Parser: a flow whose ClientHello never
// completed still gets its event.
func (p *parser) Close(c *dissect.Ctx) { p.finish(c) }
