package amongus

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"AmongUs"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"hello", 17, 64260, 22023, dissect.ToServer, h("0800010080d9020306414141414141"), dissect.Match},
	{"hello-long", 17, 64260, 22023, dissect.ToServer, h("0800010080d90203064141414141410000000001"), dissect.Match},
	{"otherport", 17, 64260, 5000, dissect.ToServer, h("0800010080d9020306414141414141"), dissect.NoMatch},
	{"badname", 17, 64260, 22023, dissect.ToServer, h("0800010080d9020320414141414141"), dissect.NoMatch},
}
