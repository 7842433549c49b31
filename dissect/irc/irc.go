// Package irc identifies IRC (RFC 1459/2812) by the registration a client
// sends first ("NICK ", "CAP LS", "PASS " then NICK/USER) or a server's
// prefixed NOTICE/numeric reply (":irc.example NOTICE …").
package irc

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is IRC over TCP (nDPI "IRC").
var Dissector = &dissect.Dissector{
	Name:      "irc",
	Transport: dissect.TCP,
	Ports:     []uint16{6667, 6697},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	line := data
	i := bytes.IndexByte(data, '\n')
	if i >= 0 {
		line = data[:i]
	}
	if dir == dissect.ToServer {
		for _, p := range [...]string{"NICK ", "CAP LS", "CAP REQ ", "PASS "} {
			if len(line) < len(p) {
				if bytes.HasPrefix([]byte(p), line) {
					return dissect.NeedMore
				}
				continue
			}
			if string(line[:len(p)]) != p {
				continue
			}
			if i < 0 {
				return dissect.NeedMore
			}
			if p == "PASS " {
				// PASS is shared with FTP-like protocols: need NICK/USER next.
				rest := data[i+1:]
				if bytes.HasPrefix(rest, []byte("NICK ")) || bytes.HasPrefix(rest, []byte("USER ")) {
					return dissect.Match
				}
				if len(rest) < 5 {
					return dissect.NeedMore
				}
				return dissect.NoMatch
			}
			return dissect.Match
		}
		return dissect.NoMatch
	}
	if len(line) > 0 && line[0] != ':' {
		return dissect.NoMatch
	}
	if i < 0 {
		if len(data) < 512 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	sp := bytes.IndexByte(line, ' ')
	if sp < 2 {
		return dissect.NoMatch
	}
	cmd := line[sp+1:]
	if bytes.HasPrefix(cmd, []byte("NOTICE ")) {
		return dissect.Match
	}
	if len(cmd) > 4 && cmd[3] == ' ' && cmd[0] >= '0' && cmd[0] <= '9' && cmd[1] >= '0' && cmd[1] <= '9' && cmd[2] >= '0' && cmd[2] <= '9' {
		return dissect.Match
	}
	return dissect.NoMatch
}
