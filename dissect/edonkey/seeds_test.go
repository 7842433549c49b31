package edonkey

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"eDonkey"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var hello = h("e31800000001101b42cd5b940ed779c20ab755fe256f977d4967e38a4d")

var seeds = []seed{
	{"hello", 6, 1754, 7551, dissect.ToServer, hello, dissect.Match},
	{"hello-answer", 6, 1754, 7551, dissect.ToClient, h("e3140000004c3a3544a8310e281d51ed5182f4cf6fd48c71f4"), dissect.Match},
	{"partial", 6, 1754, 7551, dissect.ToServer, hello[:20], dissect.NeedMore},
	{"other-op", 6, 1754, 7551, dissect.ToServer, h("e31800000058101b42cd5b940ed779c20ab755fe256f977d4967e38a4d"), dissect.NoMatch},
	{"tls", 6, 1754, 4662, dissect.ToServer, h("16030100b3010000af0303"), dissect.NoMatch},
}
