// Package mining identifies cryptocurrency mining pool protocols: the
// Stratum family of line-delimited JSON-RPC over TCP. The client's first
// request names a mining method: "mining.subscribe"/"mining.authorize"
// (Bitcoin Stratum v1), "eth_submitLogin" (Ethereum Stratum/EthProxy), or
// "login" with an "agent" (the Monero/CryptoNote Stratum used by XMRig).
package mining

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies mining pool traffic; identification only.
var Dissector = &dissect.Dissector{
	Name:      "mining",
	Transport: dissect.TCP,
	Ports:     []uint16{3333, 4444, 9999},
	Probe:     probe,
}

var (
	methods = [][]byte{
		[]byte(`"mining.subscribe"`),
		[]byte(`"mining.authorize"`),
		[]byte(`"mining.extranonce.subscribe"`),
		[]byte(`"eth_submitLogin"`),
	}
	loginMethod = []byte(`"login"`)
	agentKey    = []byte(`"agent"`)
	methodKey   = []byte(`"method"`)
)

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if dir != dissect.ToServer {
		return dissect.NoMatch
	}
	if len(b) == 0 || b[0] != '{' {
		return dissect.NoMatch
	}
	line := b
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		line = b[:i]
	} else if len(b) < 2048 && c.Pkts[dir] < 3 {
		return dissect.NeedMore
	}
	if !bytes.Contains(line, methodKey) {
		return dissect.NoMatch
	}
	for _, m := range methods {
		if bytes.Contains(line, m) {
			return dissect.Match
		}
	}
	if bytes.Contains(line, loginMethod) && bytes.Contains(line, agentKey) {
		return dissect.Match
	}
	return dissect.NoMatch
}
