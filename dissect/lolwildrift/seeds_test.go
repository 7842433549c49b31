package lolwildrift

import (
	"encoding/hex"
	"strings"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

// ndpiNames: two lol_wild_rift_udp.pcap flows to port 18001 (22-byte
// datagrams, one per flow, no answer) are not recognised: expected misses.
var ndpiNames = []string{"LoLWildRift"}

const (
	floorPct    = 60
	maxFalsePos = 0
)

var seeds = []seed{
	{"hello", 17, 47462, 15004, dissect.ToServer, h("04000000a1f57415bf29e6de395315ecdf659ab27d9a17c99b130868cc2f28ecf98ded0801147de15cbd3ff2296a92b1" + strings.Repeat("5a", 21)), dissect.NeedMore},
	{"answer", 17, 47462, 15004, dissect.ToClient, h("10000000d3287b425bcb515dc91555090ba53fda" + strings.Repeat("a5", 339)), dissect.Match},
	{"answer2", 17, 43686, 15007, dissect.ToClient, h("100000002398297dcdb4b1653d8b84aff490bb34" + strings.Repeat("3c", 339)), dissect.Match},
	{"otherport", 17, 47462, 5000, dissect.ToClient, h("10000000d3287b425bcb515dc91555090ba53fda" + strings.Repeat("a5", 339)), dissect.NoMatch},
}
