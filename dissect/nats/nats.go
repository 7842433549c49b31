// Package nats identifies the NATS client protocol (TCP 4222): the server
// opens with "INFO {json}\r\n" and the client answers "CONNECT {json}\r\n".
package nats

import "github.com/netsift/netsift/dissect"

// Dissector identifies NATS (nDPI "Nats") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "nats",
	Transport: dissect.TCP,
	Ports:     []uint16{4222},
	Probe:     probe,
}

// probe matches "INFO {" or "CONNECT {" (upper or lower case verbs are
// legal; servers send upper case). Operations seen mid-session ("PUB ",
// "SUB ", "MSG ", "PING\r\n", "+OK\r\n") are accepted only on port 4222.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	for _, p := range [...]string{"INFO {", "CONNECT {"} {
		k := min(len(b), len(p))
		if string(b[:k]) == p[:k] {
			if k == len(p) {
				return dissect.Match
			}
			return dissect.NeedMore
		}
	}
	if c.Server.Port() != 4222 && c.Client.Port() != 4222 {
		return dissect.NoMatch
	}
	for _, p := range [...]string{"PUB ", "SUB ", "MSG ", "HPUB ", "HMSG ", "UNSUB ", "PING\r\n", "PONG\r\n", "+OK\r\n", "-ERR "} {
		if len(b) >= len(p) && string(b[:len(p)]) == p {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}
