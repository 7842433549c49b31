// Package ssh identifies SSH (RFC 4253) by its identification banner and
// parses both sides' banners and first KEXINIT to compute HASSH (client) and
// HASSH-server fingerprints (github.com/salesforce/hassh: MD5 of
// "kex;encryption;mac;compression" as sent by that side). The handshake
// is offered to the signature engine as transaction 0 after each banner
// and each KEXINIT (ssh.proto, ssh.software, ssh.hassh*).
package ssh

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
)

// Dissector is SSH over TCP (nDPI "SSH", Suricata "ssh").
var Dissector = &dissect.Dissector{
	Name:      "ssh",
	EVE:       "ssh",
	Transport: dissect.TCP,
	Ports:     []uint16{22},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

var _ dissect.Parser = (*parser)(nil)

// probe matches "SSH-<digit>" at the start of either direction. A server
// may send other text lines before its banner (RFC 4253 §4.2) but nobody
// does in practice, so we do not look past the first line.
func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	const magic = "SSH-"
	n := len(data)
	if n > 5 {
		n = 5
	}
	for i := 0; i < n; i++ {
		if i < 4 {
			if data[i] != magic[i] {
				return dissect.NoMatch
			}
		} else if data[i] != '1' && data[i] != '2' {
			return dissect.NoMatch
		}
	}
	if len(data) < 5 {
		return dissect.NeedMore
	}
	return dissect.Match
}

// maxBuf bounds what one direction buffers: a banner (≤255 bytes per RFC)
// plus the first binary packet, whose KEXINIT is normally under 2 KiB.
const maxBuf = 32 << 10

// side is one direction's state. Slices point into buf.
type side struct {
	buf      []byte
	banner   bool // banner line parsed
	kex      bool // KEXINIT parsed (or given up)
	proto    []byte
	software []byte
	pktOff   int    // start of the binary packets in buf
	hstr     []byte // HASSH input string (own buffer)
	hash     [md5.Size]byte
	hex      [2 * md5.Size]byte // hash in lower-case hex
}

type parser struct {
	s       [2]side
	emitted bool
	failed  bool
	// side is the direction being offered to the signature engine
	// (RuleFields' ssh.proto and ssh.software are that side's).
	side dissect.Dir
}

// Feed buffers each direction until its banner and first KEXINIT are seen.
func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	s := &p.s[dir]
	if s.kex || p.emitted {
		return p.status()
	}
	if len(s.buf)+len(data) > maxBuf {
		c.Emit.Anomaly("ssh.handshake_too_long")
		s.kex = true
		s.buf = s.buf[:0]
		return p.check(c)
	}
	s.buf = append(s.buf, data...)
	if !s.banner {
		i := bytes.IndexByte(s.buf, '\n')
		if i < 0 {
			return dissect.Continue
		}
		line := bytes.TrimRight(s.buf[:i], "\r")
		if !bytes.HasPrefix(line, []byte("SSH-")) {
			c.Emit.Anomaly("ssh.invalid_banner")
			p.failed = true
			return dissect.Fail
		}
		rest := line[4:]
		j := bytes.IndexByte(rest, '-')
		if j < 0 {
			c.Emit.Anomaly("ssh.invalid_banner")
			s.proto = rest
		} else {
			s.proto = rest[:j]
			sw := rest[j+1:]
			if k := bytes.IndexByte(sw, ' '); k >= 0 {
				sw = sw[:k] // comments follow the software version
			}
			s.software = sw
		}
		s.banner = true
		if dir == dissect.ToServer {
			c.Emit.Meta("ssh_client_banner", line)
		} else {
			c.Emit.Meta("ssh_server_banner", line)
		}
		s.pktOff = i + 1
		p.inspect(c, dir)
		if len(s.proto) > 0 && s.proto[0] == '1' && !bytes.Equal(s.proto, []byte("1.99")) {
			s.kex = true // SSH-1 has no KEXINIT
			return p.check(c)
		}
	}
	pkt := s.buf[s.pktOff:]
	if len(pkt) < 6 {
		return dissect.Continue
	}
	plen := binary.BigEndian.Uint32(pkt)
	if plen < 2 || plen > 35000 {
		c.Emit.Anomaly("ssh.invalid_packet_length")
		s.kex = true
		return p.check(c)
	}
	if len(pkt) < 4+int(plen) {
		return dissect.Continue
	}
	pad := int(pkt[4])
	if pad+1 > int(plen) || pkt[5] != 20 {
		c.Emit.Anomaly("ssh.no_kexinit")
		s.kex = true
		return p.check(c)
	}
	payload := pkt[6 : 4+int(plen)-pad]
	str, ok := hasshString(s.hstr[:0], payload, dir)
	s.kex = true
	if !ok {
		c.Emit.Anomaly("ssh.invalid_kexinit")
		s.hstr = nil
		return p.check(c)
	}
	s.hstr = str
	s.hash = md5.Sum(str)
	event.AppendHex(s.hex[:0], s.hash[:], 0)
	if dir == dissect.ToServer {
		c.Emit.Meta("hassh", s.hex[:])
	} else {
		c.Emit.Meta("hassh_server", s.hex[:])
	}
	p.inspect(c, dir)
	return p.check(c)
}

// inspect offers the handshake so far to the signature engine: an SSH
// flow is one transaction (0), offered after each banner and each
// KEXINIT, from the side that sent it.
func (p *parser) inspect(c *dissect.Ctx, dir dissect.Dir) {
	p.side = dir
	c.Emit.Inspect(dir, 0, "ssh", (*record)(p))
}

var _ dissect.Fields = (*record)(nil)

// RuleFields implements dissect.Fields with Suricata's SSH buffers:
// ssh.proto ("2.0") and ssh.software ("OpenSSH_8.9p1", comments after a
// space left out) of the side being inspected, ssh.hassh and
// ssh.hassh.string of the client, ssh.hassh.server and
// ssh.hassh.server.string of the server (hashes in lower-case hex).
func (r *record) RuleFields(add func(buffer string, value []byte)) {
	if s := &r.s[r.side&1]; s.banner {
		if s.proto != nil {
			add("ssh.proto", s.proto)
		}
		if s.software != nil {
			add("ssh.software", s.software)
		}
	}
	if s := &r.s[dissect.ToServer]; len(s.hstr) > 0 {
		add("ssh.hassh", s.hex[:])
		add("ssh.hassh.string", s.hstr)
	}
	if s := &r.s[dissect.ToClient]; len(s.hstr) > 0 {
		add("ssh.hassh.server", s.hex[:])
		add("ssh.hassh.server.string", s.hstr)
	}
}

// hasshString appends the HASSH input for a KEXINIT payload (after the
// message type byte): fields kex(0), enc(2|3), mac(4|5), cmp(6|7) by
// direction, joined with ';'.
func hasshString(dst, payload []byte, dir dissect.Dir) ([]byte, bool) {
	if len(payload) < 16 {
		return dst, false
	}
	b := payload[16:]
	var lists [8][]byte
	for i := range lists {
		if len(b) < 4 {
			return dst, false
		}
		n := binary.BigEndian.Uint32(b)
		if uint64(n) > uint64(len(b)-4) {
			return dst, false
		}
		lists[i] = b[4 : 4+n]
		b = b[4+n:]
	}
	o := 0
	if dir == dissect.ToClient {
		o = 1
	}
	dst = append(dst, lists[0]...)
	dst = append(dst, ';')
	dst = append(dst, lists[2+o]...)
	dst = append(dst, ';')
	dst = append(dst, lists[4+o]...)
	dst = append(dst, ';')
	dst = append(dst, lists[6+o]...)
	return dst, true
}

func (p *parser) status() dissect.Status {
	if p.emitted {
		return dissect.Done
	}
	return dissect.Continue
}

// check emits the event once both directions are finished.
func (p *parser) check(c *dissect.Ctx) dissect.Status {
	if p.s[0].kex && p.s[1].kex && !p.emitted {
		p.emit(c)
	}
	return p.status()
}

func (p *parser) emit(c *dissect.Ctx) {
	if p.emitted || (!p.s[0].banner && !p.s[1].banner) {
		return
	}
	p.emitted = true
	c.Emit.Event(dissect.ToServer, "ssh", (*record)(p))
}

// Gap stops parsing of that direction; what was seen is still reported.
func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {
	p.s[dir].kex = true
	p.s[dir].banner = true
}

// Close emits the event if it is still pending.
func (p *parser) Close(c *dissect.Ctx) {
	if !p.failed {
		p.emit(c)
	}
}

type record parser

// AppendEVE writes Suricata's ssh object: client and server, each with
// proto_version, software_version and hassh {hash, string}.
func (r *record) AppendEVE(w *event.Writer) {
	w.ObjStart()
	for i, name := range [2]string{"client", "server"} {
		s := &r.s[i]
		if s.proto == nil && s.software == nil {
			continue
		}
		w.Key(name)
		w.ObjStart()
		w.KBytes("proto_version", s.proto)
		w.KBytes("software_version", s.software)
		if len(s.hstr) > 0 {
			w.Key("hassh")
			w.ObjStart()
			w.KHex("hash", s.hash[:])
			w.KBytes("string", s.hstr)
			w.ObjEnd()
		}
		w.ObjEnd()
	}
	w.ObjEnd()
}
