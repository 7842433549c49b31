package bittorrent

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"BitTorrent"}

const (
	// Of nDPI's BitTorrent flows this dissector (TCP + uTP) covers the
	// handshakes and uTP; DHT flows are DHT's (see dht_test.go), the MSE-
	// encrypted TCP flow and the TLS/DNS ones (named by host) are not
	// identifiable by payload.
	floorPct    = 30
	maxFalsePos = 0
)

var btHandshake = append(append([]byte(handshake), make([]byte, 8)...),
	h("aa3769c4530dde0624187"+"3dad43ab5ccec2ce622"+"2d5452323934302d6368686f3932636b6b6b6b6b")...)

var seeds = []seed{
	{"handshake", 6, 50000, 6881, dissect.ToServer, btHandshake, dissect.Match},
	{"partial", 6, 50000, 6881, dissect.ToServer, []byte("\x13BitTor"), dissect.NeedMore},
	{"announce", 6, 46882, 80, dissect.ToServer, []byte("GET /announce?info_hash=%aa7i%c4S&peer_id=-TR2940-chho92c HTTP/1.1\r\n\r\n"), dissect.Match},
	{"utp syn", 17, 49861, 33333, dissect.ToServer, h("41004567ed639296000000000010000023c60000"), dissect.Match},
	{"utp state", 17, 49861, 33333, dissect.ToClient, h("21004567ed6393410000000000100000456723c6"), dissect.Match},
	{"utp data", 17, 49861, 33333, dissect.ToServer, h("01004568ed7a591d000000a70010000023c74566626c610a"), dissect.NeedMore},
	{"http", 6, 50000, 80, dissect.ToServer, []byte("GET / HTTP/1.1\r\n\r\n"), dissect.NoMatch},
}
