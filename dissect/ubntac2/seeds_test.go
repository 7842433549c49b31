package ubntac2

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"UBNTAC2"}

const (
	floorPct = 95
	// custom_rules_ipv6.pcapng carries three genuine Ubiquiti discovery
	// packets (version 2, TLV 0x35) on odd ports that nDPI's test config
	// relabels with custom port rules.
	maxFalsePos = 3
)

var seeds = []seed{
	// hwaddr (0x01, 6 bytes) + hwaddr/ip (0x02, 10 bytes) + name (0x0b, 4).
	{"announce ok", 17, 42838, 10001, dissect.ToServer, h("02060016" + "010006802aa88d692b" + "02000a802aa88d692bc0a80215"), dissect.Match},
	{"truncated tlv", 17, 42838, 10001, dissect.ToServer, h("02060005" + "0100060102"), dissect.NoMatch},
	{"request", 17, 42838, 10001, dissect.ToServer, h("01000000"), dissect.Match},
	{"dns", 17, 42838, 53, dissect.ToServer, h("1234010000010000000000000377777703636f6d0000010001"), dissect.NoMatch},
}
