// Package nntp identifies NNTP (RFC 3977, port 119): a server greeting
// "200 " or "201 " naming NNTP/news, or client commands that only NNTP has
// ("MODE READER", "GROUP ", "ARTICLE ", "AUTHINFO USER", "LIST NEWSGROUPS").
package nntp

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is NNTP over TCP (nDPI "NNTP").
var Dissector = &dissect.Dissector{
	Name:      "nntp",
	Transport: dissect.TCP,
	Ports:     []uint16{119},
	Probe:     probe,
}

func upper(b byte) byte {
	if b >= 'a' && b <= 'z' {
		return b - 32
	}
	return b
}

// containsFold reports whether s contains sub (sub upper-case ASCII).
func containsFold(s []byte, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		j := 0
		for j < len(sub) && upper(s[i+j]) == sub[j] {
			j++
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	i := bytes.IndexByte(data, '\n')
	if i < 0 {
		if len(data) < 512 {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	line := data[:i]
	if dir == dissect.ToClient {
		if len(line) < 4 || line[0] != '2' || line[1] != '0' || (line[2] != '0' && line[2] != '1') || line[3] != ' ' {
			return dissect.NoMatch
		}
		if containsFold(line, "NNTP") || containsFold(line, "NEWS") || containsFold(line, "INN") || c.Server.Port() == 119 {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	for _, p := range [...]string{"MODE READER", "GROUP ", "ARTICLE ", "AUTHINFO USER ", "LIST NEWSGROUPS", "XOVER ", "NEWGROUPS "} {
		if len(line) >= len(p) && string(line[:len(p)]) == p {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}
