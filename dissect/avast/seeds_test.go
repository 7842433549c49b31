package avast

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"AVAST"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"request", 6, 62741, 80, dissect.ToServer, h("4e4f5341002001010000030108b25a294252451400000000f82eb3a6aec43143"), dissect.Match},
	{"reply", 6, 62741, 80, dissect.ToClient, h("4e4f53410010010200000000e8e67a0c"), dissect.Match},
	{"short", 6, 62741, 80, dissect.ToServer, []byte("NOS"), dissect.NeedMore},
	{"http", 6, 62741, 80, dissect.ToServer, []byte("GET / HTTP/1.1\r\n\r\n"), dissect.NoMatch},
}
