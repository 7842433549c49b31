package tplinkshp

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

// ndpiNames: synscan.pcap has two SYN-only flows to 9999 that nDPI names
// by port; they carry no payload and are not counted.
var ndpiNames = []string{"TPLINK_SHP"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

// getSysinfo is {"system":{"get_sysinfo":{}}} under the autokey cipher.
var getSysinfo = h("d0f281f88bff9af7d5ef94b6d1b4c09fec95e68fe187e8caf08bf68bf6")

var seeds = []seed{
	{"udp-discovery", 17, 9999, 9999, dissect.ToServer, getSysinfo, dissect.Match},
	{"tcp-query", 6, 50000, 9999, dissect.ToServer, append(h("0000001d"), getSysinfo...), dissect.Match},
	{"tcp-partial", 6, 50000, 9999, dissect.ToServer, h("0000001dd0f2"), dissect.NeedMore},
	{"plain-json", 17, 9999, 9999, dissect.ToServer, []byte(`{"system":{"get_sysinfo":{}}}`), dissect.NoMatch},
}
