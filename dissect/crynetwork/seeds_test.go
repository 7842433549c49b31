package crynetwork

import (
	"encoding/hex"
	"strings"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"CryNetwork"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"connect", 17, 61837, 25383, dissect.ToServer, h("3c000008ed000000000000000000000001000000070000000307000000040000000000000004476623c462127df0492f"), dissect.Match},
	{"connect2", 17, 60751, 30098, dissect.ToServer, h("3c00000bf60000000000000000000000010000000700000003070000000900000000000000091d8e9dd133314f8e94be"), dissect.Match},
	{"answer", 17, 61837, 25383, dissect.ToClient, h("87" + strings.Repeat("00", 31) + "02e9401033b0e1d71979e76b97c0fbf3"), dissect.NoMatch},
	{"zeros", 17, 61837, 25383, dissect.ToServer, h(strings.Repeat("00", 48)), dissect.NoMatch},
}
