package ripeatlas

import "github.com/netsift/netsift/dissect"

var ndpiNames = []string{"RipeAtlas"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"v4", 17, 15422, 5081, dissect.ToServer, []byte("MGLNDD_192.0.2.10_5081"), dissect.Match},
	{"v6", 17, 15422, 5081, dissect.ToServer, []byte("MGLNDD_2001:db8::1_33434"), dissect.Match},
	{"other", 17, 15422, 5081, dissect.ToServer, []byte("MGLNXX_1.2.3.4_1"), dissect.NoMatch},
}
