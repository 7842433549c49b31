package bitcoin

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"BITCOIN"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"version", 6, 55487, 8333, dissect.ToServer, h("f9beb4d976657273696f6e000000000066000000aabbccdd7f1101000d04000000000000"), dissect.Match},
	{"verack", 6, 55487, 8333, dissect.ToClient, h("f9beb4d976657261636b000000000000000000005df6e0e2"), dissect.Match},
	{"testnet ping", 6, 1, 18333, dissect.ToServer, h("0b11090770696e670000000000000000080000000102030411223344aabbccdd"), dissect.Match},
	{"bad command", 6, 1, 8333, dissect.ToServer, h("f9beb4d9564552534f4e00000000000066000000aabbccdd"), dissect.NoMatch},
	{"short", 6, 1, 8333, dissect.ToServer, h("f9beb4d9"), dissect.NeedMore},
}
