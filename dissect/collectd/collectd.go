// Package collectd identifies collectd's binary network protocol (UDP
// 25826): a datagram is a sequence of parts, each a big-endian type and
// length (including the 4-byte part header) and a value.
package collectd

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies collectd (nDPI "collectd") on UDP and reports the
// sending host's name (the "host" part).
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "collectd",
	Transport: dissect.UDP,
	Ports:     []uint16{25826},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// partHost is the part type of the host name: a NUL-terminated string.
const partHost = 0x0000

// maxParsePkts bounds how many datagrams the parser looks at for a host part.
const maxParsePkts = 8

// hostName returns the value of the first "host" part of datagram b
// without its terminating NUL, or nil when there is none or it is not a
// plausible host name.
func hostName(b []byte) []byte {
	for i, parts := 0, 0; i+4 <= len(b) && parts < 256; parts++ {
		t := binary.BigEndian.Uint16(b[i:])
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 4 || i+n > len(b) {
			return nil
		}
		if t == partHost {
			v := b[i+4 : i+n]
			if len(v) > 0 && v[len(v)-1] == 0 {
				v = v[:len(v)-1]
			}
			if len(v) == 0 || len(v) > 255 {
				return nil
			}
			for _, ch := range v {
				if ch <= ' ' || ch >= 0x7f {
					return nil
				}
			}
			return v
		}
		i += n
	}
	return nil
}

// parser reports the host name of the first datagram that carries one.
type parser struct{}

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if h := hostName(data); h != nil {
		c.Emit.Host(h)
		return dissect.Done
	}
	if c.Pkts[0]+c.Pkts[1] >= maxParsePkts {
		return dissect.Done
	}
	return dissect.Continue
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}

func knownPart(t uint16) bool {
	return t <= 0x0009 || t == 0x0100 || t == 0x0101 || t == 0x0200 || t == 0x0210
}

// probe walks the parts: every part must have a known type and fit, and the
// parts must end exactly at the datagram's end. On the collectd port a
// datagram that starts with one well-formed known part header is enough,
// since senders are known to emit truncated or oversized parts.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 4 {
		return dissect.NoMatch
	}
	if !knownPart(binary.BigEndian.Uint16(b)) || binary.BigEndian.Uint16(b[2:]) < 4 {
		return dissect.NoMatch
	}
	if c.Server.Port() == 25826 || c.Client.Port() == 25826 {
		return dissect.Match
	}
	parts := 0
	for i := 0; i < len(b); parts++ {
		if i+4 > len(b) || parts > 256 {
			return dissect.NoMatch
		}
		t := binary.BigEndian.Uint16(b[i:])
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if !knownPart(t) || n < 4 || i+n > len(b) {
			return dissect.NoMatch
		}
		if t == 0x0006 && (n < 6 || n != 6+9*int(binary.BigEndian.Uint16(b[i+4:]))) {
			return dissect.NoMatch
		}
		i += n
	}
	if parts < 2 {
		return dissect.NoMatch
	}
	return dissect.Match
}
