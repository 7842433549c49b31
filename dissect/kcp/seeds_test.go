package kcp

import (
	"encoding/hex"
	"strings"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"KCP"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"push", 17, 47356, 8000, dissect.ToServer, h("0a000000510280001400000000000000000000000800000000010203040506070a0000005101800014000000010000000000000004000000a8a9aaab"), dissect.Match},
	{"push-ack", 17, 8000, 47356, dissect.ToClient, h("0a0000005200800014000000000000000100000000000000" + "0a00000051008000150000000200000001000000020000006869"), dissect.Match},
	{"ack", 17, 8000, 47356, dissect.ToClient, h("0a00000052007f0014000000000000000100000000000000"), dissect.NeedMore},
	{"short-data", 17, 47356, 8000, dissect.ToServer, h("0a00000051028000140000000000000000000000a8050000" + strings.Repeat("00", 16)), dissect.NoMatch},
	{"dns", 17, 47356, 53, dissect.ToServer, h("c94d01000001000000000000056d656469610363646e05766962657203636f6d0000010001"), dissect.NoMatch},
}
