// Package mgcp identifies MGCP (RFC 3435): a four-letter verb, a transaction id and an endpoint, then "MGCP 1.0" (or 0.1); responses (three-digit code and transaction id) are left to the parser side and matched only on the MGCP ports.
package mgcp

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is the mgcp dissector; its parser reports the domain part of
// the first command's endpoint name ("aaln/1@gw.example.net" →
// "gw.example.net") as the flow's host.
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "mgcp",
	Transport: dissect.UDP,
	Ports:     []uint16{2427, 2727},
	Probe:     probe,
	New:       func() dissect.Parser { return &parser{} },
}

// maxParsePkts bounds how many datagrams the parser looks at for a command.
const maxParsePkts = 8

// endpointDomain returns the domain name of the endpoint in a command line
// "VERB txid local@domain MGCP 1.0" (RFC 3435 §3.2.1.3), or nil when b
// does not start with such a line.
func endpointDomain(b []byte) []byte {
	if len(b) < 5 || b[4] != ' ' {
		return nil
	}
	for _, ch := range b[:4] {
		if ch < 'A' || ch > 'Z' {
			return nil
		}
	}
	line := b
	if i := bytes.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	// Fields: verb, transaction id, endpoint, "MGCP", version.
	rest := line[5:]
	sp := bytes.IndexByte(rest, ' ')
	if sp <= 0 {
		return nil
	}
	ep := rest[sp+1:]
	if sp = bytes.IndexByte(ep, ' '); sp <= 0 || !bytes.HasPrefix(ep[sp:], []byte(" MGCP ")) {
		return nil
	}
	ep = ep[:sp]
	at := bytes.LastIndexByte(ep, '@')
	if at < 0 {
		return nil
	}
	d := ep[at+1:]
	if len(d) == 0 || len(d) > 255 {
		return nil
	}
	for _, ch := range d {
		if ch <= ' ' || ch >= 0x7f {
			return nil
		}
	}
	return d
}

// parser reports the endpoint domain of the first command it sees.
type parser struct{}

func (p *parser) Feed(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Status {
	if d := endpointDomain(data); d != nil {
		c.Emit.Host(d)
		return dissect.Done
	}
	if c.Pkts[0]+c.Pkts[1] >= maxParsePkts {
		return dissect.Done
	}
	return dissect.Continue
}

func (p *parser) Gap(c *dissect.Ctx, dir dissect.Dir, n int) {}
func (p *parser) Close(c *dissect.Ctx)                       {}

func be16(b []byte) int { return int(b[0])<<8 | int(b[1]) }

func port(c *dissect.Ctx, ps ...uint16) bool {
	for _, p := range ps {
		if c.Client.Port() == p || c.Server.Port() == p {
			return true
		}
	}
	return false
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 12 {
		return dissect.NoMatch
	}
	switch string(b[:5]) {
	case "AUEP ", "AUCX ", "CRCX ", "DLCX ", "EPCF ", "MDCX ", "NTFY ", "RQNT ", "RSIP ", "MESG ":
	default:
		if port(c, 2427, 2727) && b[0] >= 0x31 && b[0] <= 0x35 && b[1] >= 0x30 && b[1] <= 0x39 && b[2] >= 0x30 && b[2] <= 0x39 && b[3] == 0x20 {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	line := b
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		line = b[:i]
	}
	if bytes.HasSuffix(line, []byte(" MGCP 1.0")) || bytes.HasSuffix(line, []byte(" MGCP 0.1")) || bytes.Contains(line, []byte(" MGCP 1.0 ")) {
		return dissect.Match
	}
	return dissect.NoMatch
}
