package tocaboca

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"TocaBoca"}

const (
	// nDPI also names a few 13-byte "}}}…" keep-alives and mid-session
	// fragments by port; the probe needs a whole Photon datagram.
	floorPct    = 90
	maxFalsePos = 0
)

var seeds = []seed{
	{"connect", 17, 50173, 5055, dissect.ToServer, h("ffff00010000000422b6e6ba" + "02ff0104000000180000000100000000" + "0000000000000000"), dissect.Match},
	{"ack", 17, 50173, 5055, dissect.ToServer, h("47eb000100000d97161535be" + "01ff00000000001400000000000000008ad3d3fd"), dissect.Match},
	{"junk", 17, 50173, 5055, dissect.ToServer, h("7d7d7d7d7d7d7d7d7d7d7d7d12"), dissect.NoMatch},
}
