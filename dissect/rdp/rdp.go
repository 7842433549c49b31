// Package rdp identifies the Remote Desktop Protocol. Over TCP (port 3389)
// a connection opens with a TPKT header (version 3) carrying an X.224
// Connection Request (code 0xE0) or Confirm (0xD0), the request often with
// a "Cookie: mstshash=<user>" line. Over UDP (MS-RDPEUDP) the client's
// first datagram is a SYN: snSourceAck 0xFFFFFFFF, the SYN flag, and
// up/down-stream MTUs between 1132 and 1232.
package rdp

import (
	"bytes"
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
)

// Dissector is RDP over TCP and UDP (nDPI "RDP", Suricata "rdp").
var Dissector = &dissect.Dissector{
	Name:      "rdp",
	EVE:       "rdp",
	Transport: dissect.Both,
	Ports:     []uint16{3389},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if c.Proto == 17 {
		if len(data) < 16 || binary.BigEndian.Uint32(data) != 0xffffffff {
			return dissect.NoMatch
		}
		flags := binary.BigEndian.Uint16(data[6:])
		up, down := binary.BigEndian.Uint16(data[12:]), binary.BigEndian.Uint16(data[14:])
		if flags&1 != 0 && up >= 1132 && up <= 1232 && down >= 1132 && down <= 1232 {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	if len(data) >= 1 && data[0] != 3 {
		return dissect.NoMatch
	}
	if len(data) < 11 {
		return dissect.NeedMore
	}
	n := int(binary.BigEndian.Uint16(data[2:]))
	li := int(data[4])
	code := data[5] & 0xf0
	if data[1] != 0 || n < 11 || li != n-5 || (code != 0xe0 && code != 0xd0) {
		return dissect.NoMatch
	}
	// DST-REF is 0 in a request. ISO transports (S7comm, MMS on port 102)
	// use the same TPKT/X.224 opening, so RDP needs its own variable part:
	// a cookie or routing token, or an RDP_NEG_REQ/RSP/FAILURE (type 1/2/3,
	// length 8); a bare request is accepted on port 3389 only.
	if code == 0xe0 && (data[6] != 0 || data[7] != 0) {
		return dissect.NoMatch
	}
	if len(data) < n && len(data) < 64 {
		return dissect.NeedMore
	}
	rest := data[11:]
	if len(rest) > n-11 {
		rest = rest[:n-11]
	}
	switch {
	case code == 0xe0 && bytes.HasPrefix(rest, []byte("Cookie: ")):
		return dissect.Match
	case len(rest) >= 8 && rest[0] >= 1 && rest[0] <= 3 && rest[2] == 8 && rest[3] == 0:
		return dissect.Match
	case len(rest) == 0 && c.Server.Port() == 3389:
		return dissect.Match
	}
	return dissect.NoMatch
}

var cookie = []byte("Cookie: mstshash=")

// parser reports the connection request's cookie (user name hint) as
// Meta "rdp_cookie" and as Suricata's rdp initial_request event.
type parser struct{ cookie []byte }

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if c.Proto != 6 || dir != dissect.ToServer {
		return dissect.Continue
	}
	if len(data) > 11 && data[0] == 3 && data[5]&0xf0 == 0xe0 {
		rest := data[11:]
		if bytes.HasPrefix(rest, cookie) {
			v := rest[len(cookie):]
			if i := bytes.IndexByte(v, '\r'); i >= 0 {
				v = v[:i]
			}
			p.cookie = v
			c.Emit.Meta("rdp_cookie", v)
			c.Emit.Event(dir, "rdp", (*record)(p))
			p.cookie = nil
		}
	}
	return dissect.Done
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}

type record parser

// AppendEVE writes {"event_type":"initial_request","cookie":…}.
func (r *record) AppendEVE(w *event.Writer) {
	w.ObjStart()
	w.KString("event_type", "initial_request")
	w.KBytes("cookie", r.cookie)
	w.ObjEnd()
}
