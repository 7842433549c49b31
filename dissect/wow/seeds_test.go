package wow

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

// ndpiNames: nDPI also names HTTP requests to Blizzard hosts
// "HTTP.WorldOfWarcraft"; those belong to the HTTP dissector and are
// expected misses, hence the floor.
var ndpiNames = []string{"WorldOfWarcraft"}

const (
	floorPct    = 50
	maxFalsePos = 0
)

var seeds = []seed{
	{"server-banner", 6, 39329, 3724, dissect.ToClient, append([]byte("0\x00WORLD OF WARCRAFT CONNECTION - SERVER TO CLIENT"), 0), dissect.Match},
	{"client-banner", 6, 39329, 3724, dissect.ToServer, append([]byte("0\x00WORLD OF WARCRAFT CONNECTION - CLIENT TO SERVER"), 0), dissect.Match},
	{"logon-challenge", 6, 50000, 3724, dissect.ToServer, append(h("00082200"), append([]byte("WoW\x00"), h("030305342e3638783836006e69570053556e65003c0000007f00000104544553")...)...), dissect.Match},
	{"http", 6, 39312, 80, dissect.ToServer, []byte("GET /alert HTTP/1.1\r\n"), dissect.NoMatch},
}
