package raknet

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"RakNet"}

const (
	// nDPI's remaining RakNet flows start mid-session (connected datagrams
	// and ACKs only) or are Roblox's variant without the offline magic.
	floorPct    = 45
	maxFalsePos = 0
)

var seeds = []seed{
	{"open req 1", 17, 32951, 60021, dissect.ToServer, h("0500ffff00fefefefefdfdfdfd1234567806000000000000"), dissect.Match},
	{"open reply 1", 17, 32951, 60021, dissect.ToClient, h("0600ffff00fefefefefdfdfdfd12345678000591a5360522200005d4"), dissect.Match},
	{"ping", 17, 40000, 19132, dissect.ToServer, h("010000000000001234" + "00ffff00fefefefefdfdfdfd12345678" + "0000000000000001"), dissect.Match},
	{"connected", 17, 40000, 19132, dissect.ToServer, h("8400000040009000"), dissect.NeedMore},
	{"other", 17, 40000, 19132, dissect.ToServer, h("0500ffff00fefefefefdfdfdfd12345679"), dissect.NoMatch},
}
