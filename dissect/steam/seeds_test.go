package steam

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

// ndpiNames: nDPI also names HTTP/TLS flows to Valve hosts "Steam"; those
// are TCP, belong to the HTTP/TLS dissectors and are not counted here.
var ndpiNames = []string{"Steam"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"discovery", 17, 27036, 27036, dissect.ToServer, h("ffffffff214c5fa01600000008fcd3f1e3b7bcbfcf76100018afca9baaa080d9e402020000000801"), dissect.Match},
	{"discovery-status", 17, 27036, 27036, dissect.ToServer, h("ffffffff214c5fa01600000008fcd3f1e3b7bcbfcf76100118afca9baaa080d9e4029200000008081006189cd3012209"), dissect.Match},
	{"a2s", 17, 50000, 27015, dissect.ToServer, []byte("\xff\xff\xff\xffTSource Engine Query\x00"), dissect.NoMatch},
}
