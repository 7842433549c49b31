package teamspeak

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

// ndpiNames: teamspeak3.pcap also holds a flow between ports 2011 and 2010
// that nDPI names by port (TeamSpeak 3 server query / weblist ports) with
// no TS3INIT1 handshake; it is an expected miss.
var ndpiNames = []string{"TeamSpeak"}

const (
	floorPct    = 50
	maxFalsePos = 0
)

var seeds = []seed{
	{"init1", 17, 53187, 9987, dissect.ToServer, h("545333494e49543100650000880dd05766005f5916e0ade76b610000000000000000"), dissect.Match},
	{"init1-reply", 17, 53187, 9987, dissect.ToClient, h("545333494e4954310065880100000000000000000000000000000000005f5916e0"), dissect.Match},
	{"other", 17, 53187, 9987, dissect.ToServer, h("797463e893ba7e6000000000229d748b45aa7befb99efead0819bacf41e016a2"), dissect.NoMatch},
}
