// Package hl7 identifies HL7 version 2 messages, usually framed with the
// Minimal Lower Layer Protocol (MLLP: 0x0B … 0x1C 0x0D). Every message
// starts with an MSH segment whose field separator and encoding characters
// follow the name ("MSH|^~\&").
package hl7

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies HL7 v2 (nDPI "HL7") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "hl7",
	Transport: dissect.TCP,
	Ports:     []uint16{2575},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// probe matches an optional MLLP start byte, "MSH", a field separator and
// four encoding characters, then the separator again.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) > 0 && b[0] == 0x0b {
		b = b[1:]
	}
	const msh = "MSH"
	for i := 0; i < len(msh) && i < len(b); i++ {
		if b[i] != msh[i] {
			return dissect.NoMatch
		}
	}
	if len(b) < 9 {
		return dissect.NeedMore
	}
	sep := b[3]
	if sep < 0x21 || sep > 0x7e || sep >= '0' && sep <= '9' || sep >= 'A' && sep <= 'Z' || sep >= 'a' && sep <= 'z' {
		return dissect.NoMatch
	}
	// MSH-2: usually 4 encoding characters ("^~\&"), 5 in v2.7+ ("^~\&#").
	for i := 4; i < 9; i++ {
		if b[i] == sep {
			if i >= 7 {
				return dissect.Match
			}
			return dissect.NoMatch
		}
		if b[i] < 0x21 || b[i] > 0x7e {
			return dissect.NoMatch
		}
	}
	return dissect.NoMatch
}

// parser reports the message type (MSH-9) of the first message each way.
type parser struct{ seen [2]bool }

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if p.seen[dir] {
		return dissect.Continue
	}
	b := data
	if len(b) > 0 && b[0] == 0x0b {
		b = b[1:]
	}
	if len(b) < 9 || string(b[:3]) != "MSH" {
		return dissect.Continue
	}
	p.seen[dir] = true
	sep := b[3]
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		b = b[:i]
	}
	if len(b) < 5 {
		return dissect.Continue
	}
	// MSH-1 is the separator itself, so MSH-9 is the 8th field after it.
	f := b[4:]
	for k := 2; k < 9; k++ {
		i := bytes.IndexByte(f, sep)
		if i < 0 {
			return dissect.Continue
		}
		f = f[i+1:]
	}
	if i := bytes.IndexByte(f, sep); i >= 0 {
		f = f[:i]
	}
	key := "hl7.message_type"
	if dir == dissect.ToClient {
		key = "hl7.response_type"
	}
	if len(f) > 0 && len(f) < 64 {
		c.Emit.Meta(key, f)
	}
	if p.seen[0] && p.seen[1] {
		return dissect.Done
	}
	return dissect.Continue
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
