package raknet

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"RakNet"}

const (
	// The one flow missed is a lone unconnected pong without the offline
	// magic on a non-RakNet port.
	floorPct    = 90
	maxFalsePos = 0
)

var seeds = []seed{
	{"open req 1", 17, 32951, 60021, dissect.ToServer, h("0500ffff00fefefefefdfdfdfd1234567806000000000000"), dissect.Match},
	{"open reply 1", 17, 32951, 60021, dissect.ToClient, h("0600ffff00fefefefefdfdfdfd12345678000591a5360522200005d4"), dissect.Match},
	{"ping", 17, 40000, 19132, dissect.ToServer, h("010000000000001234" + "00ffff00fefefefefdfdfdfd12345678" + "0000000000000001"), dissect.Match},
	{"connected", 17, 40000, 19132, dissect.ToServer, h("8400000040009000"), dissect.NeedMore},
	{"frame set reliable", 17, 32953, 60021, dissect.ToServer, h("840000004000900000000900000000490f027c000000000015e93b00"), dissect.NeedMore},
	{"frame set on port", 17, 40000, 19132, dissect.ToServer, h("840000004000900000000900000000490f027c000000000015e93b00"), dissect.Match},
	{"ack range", 17, 60005, 32951, dissect.ToServer, h("c0000100010000020000"), dissect.Match},
	{"ack singles", 17, 44501, 60031, dissect.ToServer, h("c000050100000001000000010000000100000001000000"), dissect.Match},
	{"ack bad range", 17, 60005, 32951, dissect.ToServer, h("c0000100050000020000"), dissect.NeedMore},
	{"other", 17, 40000, 19132, dissect.ToServer, h("0500ffff00fefefefefdfdfdfd12345679"), dissect.NoMatch},
}
