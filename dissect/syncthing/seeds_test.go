package syncthing

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"Syncthing"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"announce", 17, 33927, 21027, dissect.ToServer, append(h("2ea7d90b0a2092b76262996294825fc6cce6cf34794288282d73b5ecdf2dcb29bfd484c42d6f1219"), "tcp://192.168.2.100:22000"...), dissect.Match},
	{"announce-v6", 17, 42370, 21027, dissect.ToServer, append(h("2ea7d90b0a2092b76262996294825fc6cce6cf34794288282d73b5ecdf2dcb29bfd484c42d6f121a"), "quic://[fe80::1]:22000"...), dissect.Match},
	{"badmagic", 17, 33927, 21027, dissect.ToServer, h("2ea7d90c0a2092b76262996294825fc6cce6cf34794288282d73b5ecdf2dcb29bfd484c42d6f1219"), dissect.NoMatch},
}
