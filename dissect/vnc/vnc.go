// Package vnc identifies the Remote Framebuffer protocol (RFC 6143) by its
// 12-byte ProtocolVersion message "RFB xxx.yyy\n", sent by the server first
// and echoed by the client, and logs both versions as Suricata's rfb event.
package vnc

import (
	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/event"
)

// Dissector is VNC/RFB over TCP (nDPI "VNC", Suricata "rfb").
var Dissector = &dissect.Dissector{
	Name:      "vnc",
	EVE:       "rfb",
	Transport: dissect.TCP,
	Ports:     []uint16{5900, 5901, 5800},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

const pattern = "RFB ddd.ddd\n"

// version checks data against the ProtocolVersion pattern: -1 mismatch,
// 0 need more, 1 match.
func version(data []byte) int {
	for i := 0; i < len(data) && i < len(pattern); i++ {
		p := pattern[i]
		if p == 'd' {
			if data[i] < '0' || data[i] > '9' {
				return -1
			}
		} else if data[i] != p {
			return -1
		}
	}
	if len(data) < len(pattern) {
		return 0
	}
	return 1
}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	switch version(data) {
	case 0:
		return dissect.NeedMore
	case 1:
		return dissect.Match
	}
	return dissect.NoMatch
}

// parser collects each side's ProtocolVersion (12 bytes, possibly split).
type parser struct {
	v       [2][12]byte
	n       [2]int
	emitted bool
}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if p.n[dir] >= 0 && p.n[dir] < 12 {
		p.n[dir] += copy(p.v[dir][p.n[dir]:], data)
		if p.n[dir] == 12 && version(p.v[dir][:]) != 1 {
			c.Emit.Anomaly("rfb.invalid_version")
			p.n[dir] = -1
		}
	}
	if !p.sideDone(0) || !p.sideDone(1) {
		return dissect.Continue
	}
	p.emit(c)
	return dissect.Done
}

// sideDone: the direction's version is complete or given up on.
func (p *parser) sideDone(d int) bool { return p.n[d] == 12 || p.n[d] < 0 }

func (p *parser) emit(c *dissect.Ctx) {
	if p.emitted || (p.n[0] != 12 && p.n[1] != 12) {
		return
	}
	p.emitted = true
	c.Emit.Event(dissect.ToServer, "rfb", (*record)(p))
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {
	if p.n[dir] >= 0 && p.n[dir] < 12 {
		p.n[dir] = -1
	}
}

func (p *parser) Close(c *dissect.Ctx) { p.emit(c) }

type record parser

// AppendEVE writes Suricata's rfb {server,client}_protocol_version objects.
func (r *record) AppendEVE(w *event.Writer) {
	w.ObjStart()
	for i, key := range [2]string{"client_protocol_version", "server_protocol_version"} {
		if r.n[i] != 12 {
			continue
		}
		w.Key(key)
		w.ObjStart()
		w.KBytes("major", r.v[i][4:7])
		w.KBytes("minor", r.v[i][8:11])
		w.ObjEnd()
	}
	w.ObjEnd()
}
