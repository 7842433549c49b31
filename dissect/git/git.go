// Package git identifies the Git protocol (git://, port 9418): the client's
// first pkt-line is four hex digits of length followed by
// "git-upload-pack ", "git-receive-pack " or "git-upload-archive ".
package git

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is the git:// protocol over TCP (nDPI "Git").
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "git",
	Transport: dissect.TCP,
	Ports:     []uint16{9418},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

var services = [...][]byte{[]byte("git-upload-pack "), []byte("git-receive-pack "), []byte("git-upload-archive ")}

func hexv(b byte) int {
	switch {
	case b >= '0' && b <= '9':
		return int(b - '0')
	case b >= 'a' && b <= 'f':
		return int(b-'a') + 10
	}
	return -1
}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if dir != dissect.ToServer {
		if c.Pkts[dissect.ToServer] == 0 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	for i := 0; i < 4 && i < len(data); i++ {
		if hexv(data[i]) < 0 {
			return dissect.NoMatch
		}
	}
	if len(data) < 4+len(services[0]) {
		return dissect.NeedMore
	}
	rest := data[4:]
	for _, s := range services {
		if bytes.HasPrefix(rest, s) {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}

// parser reports the repository host from the request's "host=" argument.
type parser struct{ done bool }

var _ dissect.Parser = (*parser)(nil)

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if dir != dissect.ToServer || len(data) < 4 {
		return dissect.Continue
	}
	n := 0
	for _, b := range data[:4] {
		v := hexv(b)
		if v < 0 {
			return dissect.Done
		}
		n = n<<4 | v
	}
	if n > len(data) || n < 4 {
		n = len(data)
	}
	line := data[4:n]
	if i := bytes.Index(line, []byte("\x00host=")); i >= 0 {
		h := line[i+6:]
		if j := bytes.IndexByte(h, 0); j >= 0 {
			h = h[:j]
		}
		if j := bytes.LastIndexByte(h, ':'); j >= 0 && bytes.IndexByte(h, ']') < j {
			h = h[:j]
		}
		if len(h) > 0 {
			c.Emit.Host(h)
		}
	}
	if sp := bytes.IndexByte(line, ' '); sp > 0 {
		c.Emit.Meta("git_service", line[:sp])
	}
	return dissect.Done
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}
