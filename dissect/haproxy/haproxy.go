// Package haproxy identifies the PROXY protocol (HAProxy) header that a
// proxy prepends to a forwarded connection: the text form "PROXY TCP4 …\r\n"
// (v1) or the binary 12-byte signature (v2).
package haproxy

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies the PROXY protocol (nDPI "HAProxy") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "haproxy",
	Transport: dissect.TCP,
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

const (
	sigV2 = "\r\n\r\n\x00\r\nQUIT\n"
	v1    = "PROXY "
)

// probe matches "PROXY TCP4 ", "PROXY TCP6 ", "PROXY UNKNOWN", or the v2
// signature followed by version 2 and a command 0 (LOCAL) or 1 (PROXY).
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if dir != dissect.ToServer {
		return dissect.NoMatch
	}
	if len(b) > 0 && b[0] == '\r' {
		k := min(len(b), len(sigV2))
		if string(b[:k]) != sigV2[:k] {
			return dissect.NoMatch
		}
		if len(b) < len(sigV2)+1 {
			return dissect.NeedMore
		}
		if v := b[len(sigV2)]; v>>4 == 2 && v&0x0f <= 1 {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	for _, p := range [...]string{"PROXY TCP4 ", "PROXY TCP6 ", "PROXY UNKNOWN"} {
		k := min(len(b), len(p))
		if string(b[:k]) == p[:k] {
			if k == len(p) {
				return dissect.Match
			}
			return dissect.NeedMore
		}
	}
	return dissect.NoMatch
}

// parser reports the original client address of a v1 header.
type parser struct{}

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if dir != dissect.ToServer || !bytes.HasPrefix(data, []byte(v1)) {
		return dissect.Done
	}
	line := data
	if i := bytes.Index(line, []byte("\r\n")); i >= 0 && i <= 107 {
		line = line[:i]
	} else {
		c.Emit.Anomaly("haproxy.bad_v1_header")
		return dissect.Fail
	}
	// PROXY TCP4 src dst sport dport
	f := line[len(v1):]
	if i := bytes.IndexByte(f, ' '); i >= 0 {
		f = f[i+1:]
		if j := bytes.IndexByte(f, ' '); j > 0 {
			c.Emit.Meta("proxy.src_ip", f[:j])
		}
	}
	return dissect.Done
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
