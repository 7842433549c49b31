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
	// before giving up on a direction whose hello never completed.
	maxPkts = 16
)

// side is one direction's handshake state.
type side struct {
	// stopped: this direction's hello was parsed (Suricata's hello_ts /
	// hello_tc: what follows is encrypted), or it cannot be.
	stopped bool
	pkts    int
	keys    *keys // Initial keys of packets sent in this direction
	largest int64 // largest packet number decrypted, -1 for none
	crypto  tlshello.Reassembler
}

func (s *side) reset() {
	s.stopped, s.pkts, s.keys, s.largest = false, 0, nil, -1
	s.crypto.Reset()
}

// parser is one QUIC flow. Like Suricata, it makes one transaction of
// every long-header packet a direction sends until that direction's TLS
// hello (or Google QUIC CHLO) is complete, and logs each at once: a
// packet that completes the ClientHello (or ServerHello) carries its
// facts, the others only their version.
type parser struct {
	sides   [2]side
	kdcid   [20]byte // DCID the Initial keys were derived from
	kdcidN  int
	haveKey bool
	retried bool
	version uint32 // first version seen, for the flow's metadata
	tx      uint64 // next transaction number
	pkt     []byte // decryption scratch, reused
	nonce   [12]byte
	mask    [16]byte
	rec     record
	ch      tlshello.ClientHello
	sh      tlshello.ServerHello
}

var _ dissect.Parser = (*parser)(nil)

func newParser() *parser {
	p := &parser{}
	for i := range p.sides {
		p.sides[i].largest = -1
		p.sides[i].crypto.Max = maxCrypto
	}
	return p
}

// Feed implements dissect.Parser: data is one datagram, which may hold
// several coalesced long-header packets.
func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	s := &p.sides[dir]
	if s.stopped {
		return p.status()
	}
	if s.pkts++; s.pkts > maxPkts {
		s.stopped = true
		return p.status()
	}
	if len(data) == 0 {
		return p.status()
	}
	if data[0]&0x80 == 0 {
		// Google QUIC ≤ Q043 public header with the version flag; any
		// other short header is 1-RTT, nothing for us.
		if len(data) >= 13 && data[0]&0x01 != 0 && data[0]&0x08 != 0 {
			if v := binary.BigEndian.Uint32(data[9:]); isGoogle(v) {
				p.gquicPlain(c, dir, v, false, data)
			}
		}
		return p.status()
	}
	for len(data) > 0 && !s.stopped {
		if data[0]&0x80 == 0 || len(data) < 5 {
			break // short header: 1-RTT, nothing more for us
		}
		v := binary.BigEndian.Uint32(data[1:])
		if isGoogle(v) && !isIETF(v) {
			p.gquicPlain(c, dir, v, true, data) // Q046: cleartext CHLO
			break
		}
		if v == 0 {
			p.header(c, dir, 0, true) // Version Negotiation
			break
		}
		if data[0]>>4&3 == retryType(v) {
			p.retry(c, dir, v)
			break // a Retry fills the rest of the datagram
		}
		var h header
		if !parseLong(data, &h) {
			c.Emit.Anomaly("quic.bad_long_header")
			break
		}
		if h.typ == initialType(h.version) && isIETF(h.version) {
			if !p.initial(c, dir, data[:h.end], &h) {
				break
			}
		} else {
			p.header(c, dir, h.version, true) // 0-RTT, Handshake: version only
		}
		data = data[h.end:]
	}
	return p.status()
}

func (p *parser) status() dissect.Status {
	if p.sides[0].stopped && p.sides[1].stopped {
		return dissect.Done
	}
	return dissect.Continue
}

// retryType returns the long-header packet type bits of a Retry for
// version v (RFC 9369 §3.2 swaps them in v2).
func retryType(v uint32) byte {
	if v == v2 {
		return 0
	}
	return 3
}

// retry handles a Retry packet. The server's first Retry (RFC 9000
// §17.2.5.2: later ones are discarded) makes the client start over with a
// new Destination Connection ID, hence new Initial keys and a new
// ClientHello, as Suricata does.
func (p *parser) retry(c *dissect.Ctx, dir dissect.Dir, v uint32) {
	if dir == dissect.ToClient && p.haveKey && !p.retried {
		p.retried, p.haveKey = true, false
		p.sides[dissect.ToServer].reset()
		p.sides[dissect.ToClient].keys = nil
		p.sides[dissect.ToClient].largest = -1
	}
	p.header(c, dir, v, true)
}

// initial decrypts one Initial packet and walks its frames; it reports
// false when the rest of the datagram should be skipped.
func (p *parser) initial(c *dissect.Ctx, dir dissect.Dir, pkt []byte, h *header) bool {
	s := &p.sides[dir]
	if !p.haveKey && dir == dissect.ToServer {
		if !p.setKeys(h.version, h.dcid) {
			return false
		}
	}
	if s.keys == nil {
		// A server Initial before any client Initial: its keys come
		// from a DCID we have not seen.
		p.header(c, dir, h.version, true)
		return true
	}
	pt, ok := p.decrypt(s, pkt, h.pnOff)
	if !ok && dir == dissect.ToServer && (p.kdcidN != len(h.dcid) || !bytes.Equal(p.kdcid[:p.kdcidN], h.dcid)) {
		// After a Retry we missed (or a client that changed its DCID)
		// the keys come from the new DCID.
		if p.setKeys(h.version, h.dcid) {
			pt, ok = p.decrypt(s, pkt, h.pnOff)
		}
	}
	if !ok {
		c.Emit.Anomaly("quic.decrypt_failed")
		p.header(c, dir, h.version, true)
		return false
	}
	if !p.frames(c, dir, h.version, pt) {
		s.stopped = true
	}
	p.tryHello(c, dir, h.version)
	return true
}

// setKeys derives both directions' Initial keys from the client's
// Destination Connection ID.
func (p *parser) setKeys(v uint32, dcid []byte) bool {
	ck, err := deriveKeys(v, dcid, false)
	if err != nil {
		return false
	}
	sk, err := deriveKeys(v, dcid, true)
	if err != nil {
		return false
	}
	p.sides[dissect.ToServer].keys, p.sides[dissect.ToClient].keys = ck, sk
	p.sides[dissect.ToServer].largest, p.sides[dissect.ToClient].largest = -1, -1
	p.haveKey = true
	p.kdcidN = copy(p.kdcid[:], dcid)
	return true
}

func (p *parser) decrypt(s *side, pkt []byte, pnOff int) ([]byte, bool) {
	p.pkt = append(p.pkt[:0], pkt...)
	pt, pn, ok := s.keys.open(p.pkt, pnOff, s.largest, &p.nonce, &p.mask)
	if ok && pn > s.largest {
		s.largest = pn
	}
	return pt, ok
}

// frames walks an Initial packet's frames, collecting CRYPTO data into
// dir's reassembler. It reports false when the direction's handshake
// cannot be followed further.
func (p *parser) frames(c *dissect.Ctx, dir dissect.Dir, v uint32, b []byte) bool {
	s := &p.sides[dir]
	for len(b) > 0 {
		ft, n := varint(b)
		if n == 0 {
			return true
		}
		b = b[n:]
		switch ft {
		case 0x00, 0x01: // PADDING, PING
		case 0x02, 0x03: // ACK, ACK_ECN
			var ok bool
			if b, ok = skipACK(b, ft == 0x03); !ok {
				c.Emit.Anomaly("quic.bad_frame")
				return true
			}
		case 0x06, 0x08: // CRYPTO (0x08: Google's Q050/T05x)
			if ft == 0x08 && !isGoogle(v) {
				c.Emit.Anomaly("quic.bad_frame")
				return true
			}
			off, n1 := varint(b)
			l, n2 := varint(b[min(n1, len(b)):])
			if n1 == 0 || n2 == 0 || uint64(len(b)-n1-n2) < l {
				c.Emit.Anomaly("quic.bad_frame")
				return true
			}
			d := b[n1+n2 : n1+n2+int(l)]
			b = b[n1+n2+int(l):]
			if !s.crypto.Add(off, d) {
				c.Emit.Anomaly("quic.crypto_too_long")
				return false
			}
		case 0x1c, 0x1d: // CONNECTION_CLOSE
			return false
		default:
			c.Emit.Anomaly("quic.bad_frame")
			return true
		}
	}
	return true
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

// tryHello logs the packet just walked as a transaction: with the hello
// when dir's CRYPTO stream now holds a whole ClientHello or ServerHello
// (the stream's first message, as Suricata parses it), else with its
// version only.
func (p *parser) tryHello(c *dissect.Ctx, dir dissect.Dir, v uint32) {
	s := &p.sides[dir]
	pre := s.crypto.Prefix()
	if s.stopped || len(pre) < 4 {
		p.header(c, dir, v, true)
		return
	}
	if bytes.HasPrefix(pre, []byte("CHLO")) {
		// Q050/T05x carry gQUIC's own handshake in CRYPTO frames.
		r := p.begin(v, dir, true)
		s.stopped = p.gquicCHLO(c, pre)
		p.commit(c, dir, r)
		return
	}
	typ := pre[0]
	l := int(pre[1])<<16 | int(pre[2])<<8 | int(pre[3])
	switch {
	case typ != tlshello.TypeClientHello && typ != tlshello.TypeServerHello:
		c.Emit.Anomaly("quic.not_hello")
		s.stopped = true
	case 4+l > maxCrypto:
		c.Emit.Anomaly("quic.crypto_too_long")
		s.stopped = true
	case len(pre) >= 4+l:
		s.stopped = true
		r := p.begin(v, dir, true)
		if typ == tlshello.TypeClientHello {
			if !tlshello.ParseClientHello(pre[4:4+l], false, &p.ch) {
				c.Emit.Anomaly("quic.bad_client_hello")
			}
			r.setClientHello(c, &p.ch)
		} else {
			if !tlshello.ParseServerHello(pre[4:4+l], &p.sh) {
				c.Emit.Anomaly("quic.bad_server_hello")
			}
			r.setServerHello(c, &p.sh)
		}
		p.commit(c, dir, r)
		return
	}
	p.header(c, dir, v, true)
}

// begin starts a transaction of a packet of version v; long says the
// packet had a long header (quic.version applies only to those).
func (p *parser) begin(v uint32, dir dissect.Dir, long bool) *record {
	if p.version == 0 {
		p.version = v
	}
	r := &p.rec
	r.reset(v, dir == dissect.ToServer, long)
	return r
}

// commit logs the transaction and offers it to the signature engine.
func (p *parser) commit(c *dissect.Ctx, dir dissect.Dir, r *record) {
	r.verStr = appendVersion(r.verStr[:0], r.version)
	if p.tx == 0 {
		c.Emit.Meta("quic_version", r.verStr)
	}
	c.Emit.Event(dir, "quic", r)
	c.Emit.Inspect(dir, p.tx, "quic", r)
	p.tx++
}

// header logs a transaction that carries only the packet's version.
func (p *parser) header(c *dissect.Ctx, dir dissect.Dir, v uint32, long bool) {
	p.commit(c, dir, p.begin(v, dir, long))
}

// Gap implements dissect.Parser (UDP has none).
func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}

// Close implements dissect.Parser: every transaction was logged when its
// packet arrived.
func (p *parser) Close(c *dissect.Ctx) {}
