package zug

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"ZUG"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"hello", 17, 37556, 19000, dissect.ToServer, h("007a5547101b4eb80008" + "0000" + "0102030405060708"), dissect.Match},
	{"other port", 17, 37556, 1234, dissect.ToServer, h("007a5547101b4eb80009" + "0000" + "0102030405060708"), dissect.NoMatch},
	{"not", 17, 37556, 19000, dissect.ToServer, h("017a5547101b4eb80008" + "0000" + "0102030405060708"), dissect.NoMatch},
}
