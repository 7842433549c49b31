// Package redis identifies the Redis serialization protocol (RESP). Clients
// send commands as arrays of bulk strings ("*2\r\n$3\r\nGET\r\n…"); servers
// answer with typed lines ('+', '-', ':', '$', '*', and RESP3 types).
package redis

import "github.com/netsift/netsift/dissect"

// Dissector identifies RESP (nDPI "RESP") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "redis",
	Transport: dissect.TCP,
	Ports:     []uint16{6379},
	Probe:     probe,
}

// number parses "<digits>\r\n" at b[i:]; it returns the index after it, or
// -1 when malformed, or 0 when b ends first.
func number(b []byte, i int) int {
	start := i
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if i-start > 10 {
			return -1
		}
	}
	if i == start && i < len(b) || i < len(b) && b[i] != '\r' || i+1 < len(b) && b[i+1] != '\n' {
		return -1
	}
	if i+2 > len(b) {
		return 0
	}
	return i + 2
}

// probe matches a client command array "*N\r\n$M\r\n" followed by an
// alphabetic command name. Server replies and inline commands are short
// text lines that other protocols share, so they count only on port 6379.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) == 0 {
		return dissect.NeedMore
	}
	if b[0] == '*' {
		i := number(b, 1)
		switch {
		case i < 0:
			return dissect.NoMatch
		case i == 0:
			return more(c, dir)
		}
		if i < len(b) && b[i] == '$' {
			j := number(b, i+1)
			switch {
			case j < 0:
				return dissect.NoMatch
			case j == 0 || j == len(b):
				return more(c, dir)
			}
			x := b[j] | 0x20
			if x >= 'a' && x <= 'z' {
				return dissect.Match
			}
			return dissect.NoMatch
		}
	}
	if c.Server.Port() != 6379 && c.Client.Port() != 6379 {
		return dissect.NoMatch
	}
	for _, p := range [...]string{"+OK\r\n", "+PONG\r\n", "-ERR ", "-NOAUTH ", "-WRONGPASS ", "PING\r\n", "AUTH ", "INFO\r\n", "HELLO ", "QUIT\r\n"} {
		if len(b) >= len(p) && string(b[:len(p)]) == p {
			return dissect.Match
		}
	}
	switch b[0] {
	case '$', ':', '*':
		if i := number(b, 1); i > 0 {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}

func more(c *dissect.Ctx, dir dissect.Dir) dissect.Verdict {
	if c.Pkts[dir] > 3 {
		return dissect.NoMatch
	}
	return dissect.NeedMore
}
