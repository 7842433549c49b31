// Package munin identifies the munin-node protocol (TCP 4949): the node
// greets with "# munin node at <host>\n" and the master sends line
// commands ("cap", "list", "nodes", "config", "fetch", "version", "quit").
package munin

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies munin (nDPI "Munin") on TCP.
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "munin",
	Transport: dissect.TCP,
	Ports:     []uint16{4949},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

const banner = "# munin node at "

// probe matches the node's banner anywhere; a master's command line is
// accepted only on port 4949, since words like "list" are common.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	n := min(len(b), len(banner))
	if string(b[:n]) == banner[:n] {
		if n == len(banner) {
			return dissect.Match
		}
		return dissect.NeedMore
	}
	if c.Server.Port() != 4949 && c.Client.Port() != 4949 {
		return dissect.NoMatch
	}
	for _, cmd := range [...]string{"cap ", "list", "nodes", "config ", "fetch ", "version", "quit"} {
		if len(b) >= len(cmd) && string(b[:len(cmd)]) == cmd {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}

// parser reports the node name from the banner.
type parser struct{ done bool }

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if !bytes.HasPrefix(data, []byte(banner)) {
		return dissect.Continue
	}
	name := data[len(banner):]
	if i := bytes.IndexByte(name, '\n'); i >= 0 {
		name = bytes.TrimRight(name[:i], "\r")
		if len(name) > 0 && len(name) <= 253 {
			c.Emit.Host(name)
		}
	}
	return dissect.Done
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
