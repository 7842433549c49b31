package monero

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"Monero"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"handshake", 6, 48882, 18080, dissect.ToServer, h("0121010101010101060100000000000001e903000000000000010000000100000001110101010102010108096e6f6465"), dissect.Match},
	{"response", 6, 48882, 18080, dissect.ToClient, h("01210101010101016c4200000000000000e90300000100000002000000010000000111010101010201010c126c6f6361"), dissect.Match},
	{"partial", 6, 48882, 18080, dissect.ToServer, h("01210101010101"), dissect.NeedMore},
	{"other", 6, 48882, 18080, dissect.ToServer, h("01210101010101020601000000000000"), dissect.NoMatch},
}
