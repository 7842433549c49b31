package starcraft

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

// ndpiNames: nDPI names port-1119 traffic Starcraft by port; one encrypted
// TCP flow without the logon prefix is an expected miss, and synscan.pcap's
// SYN-only flows carry no payload and are not counted.
var ndpiNames = []string{"Starcraft"}

const (
	floorPct    = 80
	maxFalsePos = 0
)

var seeds = []seed{
	{"logon", 6, 3517, 1119, dissect.ToServer, h("4a00000a66020aed2d66adc8e80a0000299964b723a1000046dc433732ba002bb4b7000067250c0617006d617474656f"), dissect.Match},
	{"pong", 17, 53146, 1119, dissect.ToClient, h("0a01"), dissect.Match},
	{"pong7", 17, 6113, 1119, dissect.ToClient, h("025d39fc690480"), dissect.Match},
	{"ping", 17, 53146, 1119, dissect.ToServer, h("0901"), dissect.NeedMore},
	{"otherport", 6, 3517, 443, dissect.ToServer, h("4a00000a66020aed2d66adc8e80a0000"), dissect.NoMatch},
}
