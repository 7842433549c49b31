package genshin

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"GenshinImpact"}

const (
	// Agreement counts UDP flows only (the dissector's transport); nDPI's
	// three TCP "GenshinImpact" flows are opaque sessions it names by
	// address.
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"connect", 17, 58766, 22101, dissect.ToServer, h("000000ff0000000000000000499602d2ffffffff"), dissect.Match},
	{"accept", 17, 58766, 22101, dissect.ToClient, h("00000145000318323a0da215499602d214514545"), dissect.Match},
	{"other", 17, 58766, 22101, dissect.ToServer, h("000000ff0000000000000000499602d3ffffffff"), dissect.NoMatch},
}
