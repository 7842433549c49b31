package mumble

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

// ndpiNames: mumble.pcapng also holds a TLS flow nDPI names by host name;
// it is TCP and not counted here.
var ndpiNames = []string{"Mumble"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"ping", 17, 50085, 64738, dissect.ToServer, h("0000000003d72000fa76287e"), dissect.NeedMore},
	{"pong", 17, 50085, 64738, dissect.ToClient, h("0001030403d72000fa76287e000000000000006400011940"), dissect.Match},
	{"pong2", 17, 50085, 64738, dissect.ToClient, h("0001030051792100e2eb5351000000000000004b00011940"), dissect.Match},
	{"ping-otherport", 17, 50085, 5000, dissect.ToServer, h("0000000003d72000fa76287e"), dissect.NoMatch},
	{"pong-bad", 17, 50085, 64738, dissect.ToClient, h("0001030403d72000fa76287e000000ff0000006400011940"), dissect.NoMatch},
}
