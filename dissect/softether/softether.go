// Package softether identifies SoftEther VPN's UDP control traffic: its
// NAT-traversal and DDNS exchanges, which are SoftEther "PACK" messages
// sent in clear over UDP (port 5004 for the NAT-T servers), and the
// public-address probe ("A" answered by "IP=<addr>,PORT=<port>").
//
// A PACK is a big-endian element count, then elements: a name length that
// counts a terminating NUL which is not sent, the name, a value type
// (0 int, 1 data, 2 string, 3 unicode string, 4 int64) and a value count.
// The probe checks the count, the first element's name (printable
// identifier characters) and its type and value count. SoftEther's TCP
// sessions are TLS (or HTTP to its DDNS servers) and belong to those
// dissectors.
package softether

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is the SoftEther dissector (no Suricata app_proto).
var Dissector = &dissect.Dissector{
	Name:      "softether",
	Transport: dissect.UDP,
	Ports:     []uint16{5004},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// firstElement checks a PACK's header and first element and returns the
// element's name.
func firstElement(b []byte) (name []byte, ok bool) {
	if len(b) < 4+4+1+8 {
		return nil, false
	}
	if n := be32(b); n < 1 || n > 256 {
		return nil, false
	}
	nl := be32(b[4:])
	if nl < 2 || nl > 64 || int(nl)-1+8+8 > len(b) {
		return nil, false
	}
	name = b[8 : 8+nl-1]
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return nil, false
		}
	}
	v := b[8+nl-1:]
	if typ := be32(v); typ > 4 {
		return nil, false
	}
	if cnt := be32(v[4:]); cnt < 1 || cnt > 4096 {
		return nil, false
	}
	return name, true
}

// isAddrReply reports whether b is the "IP=…,PORT=…" answer.
func isAddrReply(b []byte) bool {
	return len(b) < 64 && bytes.HasPrefix(b, []byte("IP=")) && bytes.Contains(b, []byte(",PORT="))
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) == 1 && b[0] == 'A' {
		if c.Pkts[0]+c.Pkts[1] < 6 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	if isAddrReply(b) {
		return dissect.Match
	}
	if _, ok := firstElement(b); ok {
		return dissect.Match
	}
	return dissect.NoMatch
}

// parser reports the "opcode" string of the first PACK that carries one
// (get_token, nat_t_connect…), which says what the exchange is for.
type parser struct{ done bool }

var _ dissect.Parser = (*parser)(nil)

var opcodeName = []byte("opcode")

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Status {
	if p.done {
		return dissect.Done
	}
	name, ok := firstElement(b)
	if !ok {
		return dissect.Continue
	}
	if !bytes.Equal(name, opcodeName) {
		return dissect.Continue
	}
	// opcode is a string: type 2, count 1, length, bytes.
	v := b[8+len(name):]
	if len(v) < 12 || be32(v) != 2 {
		c.Emit.Anomaly("softether.bad_opcode")
		return dissect.Continue
	}
	l := be32(v[8:])
	if l > 64 || int(l) > len(v)-12 {
		c.Emit.Anomaly("softether.bad_opcode")
		return dissect.Continue
	}
	c.Emit.Meta("softether_opcode", v[12:12+l])
	p.done = true
	return dissect.Done
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
