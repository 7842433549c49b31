package tls

import (
	"encoding/binary"
	"strings"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/internal/tlshello"
)

// Buffer bounds per direction. A handshake message larger than maxHandshake
// (a huge certificate chain) is skipped, not buffered.
const (
	maxPending   = 5 + maxRecord
	maxHandshake = 64 << 10
)

// dirState is one direction's reassembly state. pend holds an incomplete
// record (header included); hs holds incomplete handshake messages.
type dirState struct {
	pend []byte
	hs   []byte
	// skip is how many bytes of an oversized handshake message are still
	// to be dropped.
	skip int
	// encrypted is set after ChangeCipherSpec: later handshake records
	// are ciphertext.
	encrypted bool
	// dead is set after a gap or an unparseable record: nothing more is
	// read in this direction.
	dead    bool
	appData bool
	sslv2   bool // first bytes were an SSLv2 CLIENT-HELLO
	started bool
}

// parser is one TLS flow. Buffers grow to the flow's largest record and are
// then reused; the only other allocation is the certificate parse.
type parser struct {
	d       [2]dirState
	rec     record
	emitted bool
	scratch []byte
	v2buf   []byte // TLS suites converted from an SSLv2 hello
	insp    inspectRec
}

var _ dissect.Parser = (*parser)(nil)

func newParser() *parser { return &parser{} }

// Feed implements dissect.Parser.
func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if dir > 1 || p.emitted {
		return dissect.Done
	}
	s := &p.d[dir]
	if s.dead {
		return p.status(c)
	}
	if !s.started {
		s.started = true
		if len(data) > 0 && data[0]&0x80 != 0 && dir == dissect.ToServer {
			s.sslv2 = true
		}
	}
	if s.sslv2 {
		p.feedSSLv2(c, s, data)
		return p.status(c)
	}
	buf := data
	if len(s.pend) > 0 {
		// pend holds less than one record (≤ maxPending bytes); the
		// loop below consumes every whole record of pend+data.
		s.pend = append(s.pend, data...)
		buf = s.pend
	}
	for len(buf) >= 5 && !s.dead && !p.emitted {
		typ := buf[0]
		n := int(binary.BigEndian.Uint16(buf[3:]))
		if typ < ctChangeCipherSpec || typ > ctHeartbeat || buf[1] != 3 {
			c.Emit.Anomaly("tls.bad_record")
			s.dead = true
			break
		}
		if n > maxRecord {
			c.Emit.Anomaly("tls.record_too_long")
			s.dead = true
			break
		}
		if len(buf) < 5+n {
			break
		}
		body := buf[5 : 5+n]
		buf = buf[5+n:]
		switch typ {
		case ctHandshake:
			if !s.encrypted {
				p.handshake(c, dir, s, body)
			}
		case ctChangeCipherSpec:
			s.encrypted = true
			p.serverFinished(c, dir)
		case ctApplicationData:
			s.appData = true
			s.encrypted = true
			p.serverFinished(c, dir)
		}
	}
	if s.dead || p.emitted {
		s.pend = s.pend[:0]
		return p.status(c)
	}
	// Keep the incomplete record (copy handles the overlap when buf
	// already lives in pend).
	if len(s.pend) > 0 {
		s.pend = s.pend[:copy(s.pend, buf)]
	} else {
		s.pend = append(s.pend, buf...)
	}
	return p.status(c)
}

// serverFinished ends the flow's cleartext part when the server starts
// encrypting (session resumption sends no Certificate).
func (p *parser) serverFinished(c *dissect.Ctx, dir dissect.Dir) {
	if dir == dissect.ToClient && p.rec.shSeen {
		p.emit(c)
	}
}

// maxPlainPkts bounds how long a flow that shows no hello (a capture
// that starts mid-session) is fed.
const maxPlainPkts = 32

func (p *parser) status(c *dissect.Ctx) dissect.Status {
	if p.emitted {
		return dissect.Done
	}
	over := func(s *dirState) bool { return s.dead || s.encrypted }
	if over(&p.d[0]) && over(&p.d[1]) {
		// Both sides are past their cleartext: nothing more to learn.
		p.emit(c)
		return dissect.Done
	}
	if !p.rec.chSeen && !p.rec.shSeen && (p.d[0].encrypted || p.d[1].encrypted) && c.Pkts[0]+c.Pkts[1] > maxPlainPkts {
		return dissect.Done
	}
	return dissect.Continue
}

// handshake appends a handshake record's body to the direction's message
// stream and processes every complete message.
func (p *parser) handshake(c *dissect.Ctx, dir dissect.Dir, s *dirState, body []byte) {
	if s.skip > 0 {
		k := min(s.skip, len(body))
		s.skip -= k
		body = body[k:]
	}
	src := body
	if len(s.hs) > 0 {
		if len(s.hs)+len(body) > maxHandshake {
			c.Emit.Anomaly("tls.handshake_too_long")
			s.dead = true
			return
		}
		s.hs = append(s.hs, body...)
		src = s.hs
	}
	for len(src) >= 4 && !p.emitted {
		typ := src[0]
		l := int(src[1])<<16 | int(src[2])<<8 | int(src[3])
		if 4+l > len(src) {
			if 4+l > maxHandshake {
				// Too big to buffer: drop it as it streams by.
				c.Emit.Anomaly("tls.handshake_too_long")
				s.skip = 4 + l - len(src)
				src = src[len(src):]
			}
			break
		}
		p.message(c, dir, typ, src[4:4+l])
		src = src[4+l:]
	}
	if len(s.hs) > 0 {
		s.hs = s.hs[:copy(s.hs, src)]
	} else {
		s.hs = append(s.hs, src...)
	}
}

// feedSSLv2 handles a client that opened with an SSLv2-compatible
// CLIENT-HELLO: only that first record is parsed.
func (p *parser) feedSSLv2(c *dissect.Ctx, s *dirState, data []byte) {
	if len(s.pend)+len(data) > maxPending {
		s.dead = true
		return
	}
	s.pend = append(s.pend, data...)
	if len(s.pend) < 2 {
		return
	}
	n := int(s.pend[0]&0x7f)<<8 | int(s.pend[1])
	if len(s.pend) < 2+n {
		return
	}
	if cap(p.v2buf) < n {
		p.v2buf = make([]byte, 0, n)
	}
	var ch tlshello.ClientHello
	if tlshello.ParseSSLv2ClientHello(s.pend, p.v2buf, &ch) {
		p.clientHello(c, &ch)
	} else {
		c.Emit.Anomaly("tls.bad_sslv2_hello")
	}
	// The server answers with SSLv3/TLS records; this direction is done.
	s.dead = true
	s.pend = s.pend[:0]
}

// message handles one complete handshake message.
func (p *parser) message(c *dissect.Ctx, dir dissect.Dir, typ byte, body []byte) {
	r := &p.rec
	switch typ {
	case tlshello.TypeClientHello:
		if r.chSeen {
			return // a second hello (after HelloRetryRequest) keeps the first fingerprint
		}
		var ch tlshello.ClientHello
		if !tlshello.ParseClientHello(body, false, &ch) {
			c.Emit.Anomaly("tls.bad_client_hello")
			if ch.CipherSuites == nil {
				return
			}
		}
		p.clientHello(c, &ch)
	case tlshello.TypeServerHello:
		var sh tlshello.ServerHello
		if !tlshello.ParseServerHello(body, &sh) {
			c.Emit.Anomaly("tls.bad_server_hello")
			return
		}
		if sh.RetryRequest {
			return
		}
		p.serverHello(c, &sh)
	case tlshello.TypeCertificate:
		if dir != dissect.ToClient || r.certSeen || r.version == 0x0304 {
			return
		}
		r.certSeen = true
		if c.Inspecting { // the chain is kept only for tls.certs
			r.certs = append(r.certs[:0], body...)
		}
		der, n, ok := tlshello.FirstCertificate(body)
		if !ok {
			c.Emit.Anomaly("tls.bad_certificate_list")
		}
		r.chainLen = n
		if der != nil {
			ci, ok := tlshello.ParseCertificate(der)
			if !ok {
				c.Emit.Anomaly("tls.bad_certificate")
			}
			r.cert = ci
			// Certificate names name the service of a flow without SNI.
			if cn := commonName(ci.Subject); cn != "" {
				c.Emit.ServerName([]byte(cn))
			}
			for i, n := range ci.DNSNames {
				if i == 8 {
					break
				}
				c.Emit.ServerName([]byte(n))
			}
		}
		p.inspect(c, dissect.ToClient)
	case tlshello.TypeServerHelloDone:
		if dir == dissect.ToClient {
			p.emit(c)
		}
	}
}

func (p *parser) clientHello(c *dissect.Ctx, ch *tlshello.ClientHello) {
	r := &p.rec
	r.chSeen = true
	r.clientVersion = ch.Version
	r.sni = append(r.sni[:0], ch.SNI...)
	if len(ch.SNI) > 0 {
		c.Emit.Host(ch.SNI)
	}
	r.ja3 = ch.AppendJA3(r.ja3[:0])
	r.ja3Hash = tlshello.AppendMD5Hex(r.ja3Hash[:0], r.ja3)
	c.Emit.Meta("ja3", r.ja3Hash)
	if !ch.SSLv2 {
		r.ja4 = ch.AppendJA4(r.ja4[:0], tlshello.JA4TCP)
		c.Emit.Meta("ja4", r.ja4)
	}
	r.alpn = append(r.alpn[:0], ch.ALPN...)
	if len(ch.ALPN) > 0 {
		p.scratch = appendALPNList(p.scratch[:0], ch.ALPN)
		c.Emit.Meta("alpn", p.scratch)
	}
	if ch.ECH {
		r.ech = true
		c.Emit.Meta("ech", one)
	}
	r.ciphers = append(r.ciphers[:0], ch.CipherSuites...)
	r.sigAlgs = append(r.sigAlgs[:0], ch.SigAlgs...)
	r.exts = r.exts[:0]
	tlshello.ForEachExtension(ch.Extensions, func(typ uint16, _ []byte) {
		r.exts = binary.BigEndian.AppendUint16(r.exts, typ)
	})
	if !p.rec.shSeen {
		p.scratch = append(p.scratch[:0], tlshello.VersionName(ch.MaxVersion())...)
		c.Emit.Meta("tls_version", p.scratch)
	}
	r.clientRandom = append(r.clientRandom[:0], ch.Random...)
	p.inspect(c, dissect.ToServer)
}

// inspect offers the handshake so far to the signature engine: a TLS
// flow is one transaction (0), inspected at the ClientHello, the
// ServerHello and the server's Certificate.
func (p *parser) inspect(c *dissect.Ctx, side dissect.Dir) {
	p.insp = inspectRec{r: &p.rec, side: side}
	c.Emit.Inspect(side, 0, "tls", &p.insp)
}

func (p *parser) serverHello(c *dissect.Ctx, sh *tlshello.ServerHello) {
	r := &p.rec
	if r.shSeen {
		return
	}
	r.shSeen = true
	r.version = sh.NegotiatedVersion()
	r.cipher = sh.Cipher
	r.ja3s = sh.AppendJA3S(r.ja3s[:0])
	r.ja3sHash = tlshello.AppendMD5Hex(r.ja3sHash[:0], r.ja3s)
	r.serverALPN = append(r.serverALPN[:0], sh.ALPN...)
	r.serverExts = r.serverExts[:0]
	tlshello.ForEachExtension(sh.Extensions, func(typ uint16, _ []byte) {
		r.serverExts = binary.BigEndian.AppendUint16(r.serverExts, typ)
	})
	c.Emit.Meta("ja3s", r.ja3sHash)
	p.scratch = append(p.scratch[:0], tlshello.VersionName(r.version)...)
	c.Emit.Meta("tls_version", p.scratch)
	if len(sh.ALPN) > 0 {
		c.Emit.Meta("alpn", sh.ALPN)
	}
	r.serverRandom = append(r.serverRandom[:0], sh.Random...)
	p.inspect(c, dissect.ToClient)
	if r.version == 0x0304 {
		// Everything after the ServerHello is encrypted.
		p.emit(c)
	}
}

// one is the Meta value of a flag that is set.
var one = []byte("1")

// appendALPNList writes an ALPN ProtocolNameList as "h2,http/1.1".
func appendALPNList(dst, list []byte) []byte {
	for first := true; ; first = false {
		name, rest, ok := tlshello.NextALPN(list)
		if !ok {
			return dst
		}
		if !first {
			dst = append(dst, ',')
		}
		dst = append(dst, name...)
		list = rest
	}
}

// emit writes the flow's tls event once.
func (p *parser) emit(c *dissect.Ctx) {
	if p.emitted {
		return
	}
	p.emitted = true
	if !p.rec.chSeen && !p.rec.shSeen {
		return
	}
	c.Emit.Event(dissect.ToServer, "tls", &p.rec)
}

// Gap implements dissect.Parser: a direction with lost bytes cannot be
// resynchronised, so it is abandoned.
func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {
	if dir > 1 {
		return
	}
	s := &p.d[dir]
	if !s.dead {
		s.dead = true
		c.Emit.Anomaly("tls.gap")
	}
}

// Close implements dissect.Parser: a flow that ended before the handshake
// completed still gets its event.
func (p *parser) Close(c *dissect.Ctx) { p.emit(c) }

// commonName returns the CN of a "C=US, O=…, CN=name" subject.
func commonName(subject string) string {
	for _, part := range strings.Split(subject, ", ") {
		if v, ok := strings.CutPrefix(part, "CN="); ok {
			return v
		}
	}
	return ""
}
