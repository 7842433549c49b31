package nestlogsink

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"NestLogSink"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"hello", 6, 63340, 11095, dissect.ToServer, h("3c00101306000000369e27000030b418030000000230b418da2d68c8aafd6dc2601c4c70de5cc782cd0dc556dbd8e15900112233445566778899aabbccddeeff"), dissect.Match},
	{"server", 6, 63340, 11095, dissect.ToClient, h("10000013e8a78665040000000230b418369e2700"), dissect.Match},
	{"short", 6, 63342, 11095, dissect.ToServer, h("3200001309030000369e27000030b418040000000230b418110c890604000000520e13da824f5799006e0b8652433587"), dissect.NeedMore},
	{"otherport", 6, 63340, 443, dissect.ToServer, h("3c00101306000000369e27000030b418030000000230b418da2d68c8aafd6dc2601c4c70de5cc782cd0dc556dbd8e15900112233445566778899aabbccddeeff"), dissect.NoMatch},
	{"tls", 6, 63340, 11095, dissect.ToServer, h("16030100b3010000af03033dc548ba7b654771f47612dd65996472dc"), dissect.NoMatch},
}
