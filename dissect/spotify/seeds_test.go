package spotify

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"Spotify"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"discovery", 17, 57621, 57621, dissect.ToServer, append([]byte("SpotUdp0"), h("dc1574282e52624c000100044895c203")...), dissect.Match},
	{"clienthello", 6, 48628, 4070, dissect.ToServer, h("0004000000145208500210001800200128003000aabbccdd"[:40]), dissect.Match},
	{"partial", 6, 48628, 4070, dissect.ToServer, h("00040000014952"), dissect.NeedMore},
	{"tls", 6, 48628, 4070, dissect.ToServer, h("1603010200010001fc0303"), dissect.NoMatch},
}
