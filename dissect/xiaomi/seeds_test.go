package xiaomi

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"Xiaomi"}

const (
	// Two of nDPI's eight "Xiaomi" flows are HTTP named by host (the
	// services table's job, not a probe's).
	floorPct = 75
	// telegram_videocall.pcapng has a MiPush keep-alive to an AWS address
	// that nDPI names by IP; it is Xiaomi push all the same.
	maxFalsePos = 1
)

var seeds = []seed{
	{"conn", 6, 45106, 5222, dissect.ToServer, h("c2fe00050000000c00020016" + "08001a0a7869616f6d692e63"), dissect.Match},
	{"partial", 6, 45106, 5222, dissect.ToServer, h("c2fe00050000003600020016"), dissect.NeedMore},
	{"ping", 6, 40710, 5222, dissect.ToServer, h("c2fe0005000000000d2301c6"), dissect.Match},
	{"xmpp", 6, 45106, 5222, dissect.ToServer, []byte("<stream:stream to='x'>"), dissect.NoMatch},
}
