package oicq

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"OICQ"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"udp-login", 17, 60213, 8000, dissect.ToServer, h("023b0b00010017561f0c7b0000000000000000030c949fb3510c59cbd527d19e6953482ec8770801030e4703"), dissect.Match},
	{"tcp-login", 6, 50000, 8000, dissect.ToServer, h("002e023b0b00010017561f0c7b0000000000000000030c949fb3510c59cbd527d19e6953482ec8770801030e4703"), dissect.Match},
	{"udp-otherport", 17, 60213, 9000, dissect.ToServer, h("023b0b00010017561f0c7b0000000000000000030c949fb3510c59cbd527d19e6953482ec8770801030e4703"), dissect.NoMatch},
	{"udp-noend", 17, 60213, 8000, dissect.ToServer, h("023b0b00010017561f0c7b0000000000000000030c949fb3510c59cbd527d19e6953482ec8770801030e4704"), dissect.NoMatch},
}
