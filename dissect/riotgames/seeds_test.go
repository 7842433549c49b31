package riotgames

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

// ndpiNames: riot.pcapng's "TLS.RiotGames" flows are named by certificate
// / host name and belong to the TLS dissector (TCP, not counted here).
var ndpiNames = []string{"RiotGames"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"probe36", 17, 62854, 8181, dissect.ToServer, h("7374f60c72324204ab597f811fcc00876bbc000016e37c4014000000aaaaaaaabbbbbbbb"), dissect.Match},
	{"echo36", 17, 62854, 8181, dissect.ToClient, h("7232420400000000ab597f811fcc00876bbc000016e37c4014000000aaaaaaaabbbbbbbb"), dissect.Match},
	{"connect53", 17, 59956, 7194, dissect.ToServer, h("a49f9c31a03242040100000000000000000000000000000000000000000000000000000098b99eebc2e012d8953cb11f0011223344"), dissect.Match},
	{"zeros53", 17, 59956, 7194, dissect.ToServer, make([]byte, 53), dissect.NoMatch},
}
