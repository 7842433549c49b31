package gnutella

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"Gnutella"}

const (
	floorPct = 95
	// gnutella.pcap has a Gnutella DHT datagram from the client's Gnutella
	// port to UDP 47808, which nDPI names BACnet by port.
	maxFalsePos = 1
)

var seeds = []seed{
	{"connect", 6, 50196, 6346, dissect.ToServer, []byte("GNUTELLA CONNECT/0.6\r\nUser-Agent: gtk-gnutella/1.2.2\r\nX-Ultrapeer: False\r\n\r\n"), dissect.Match},
	{"reply", 6, 50196, 6346, dissect.ToClient, []byte("GNUTELLA/0.6 503 Shielded leaf node\r\nUser-Agent: Shareaza 2.7.7.0\r\n\r\n"), dissect.Match},
	{"download", 6, 50328, 26108, dissect.ToServer, []byte("GET /uri-res/N2R?urn:sha1:PLSTHIPQGSSZTS5FJUPAKUZWUGYQYPFB HTTP/1.1\r\nHost: 192.0.2.1:6346\r\n\r\n"), dissect.Match},
	{"partial", 6, 50196, 6346, dissect.ToServer, []byte("GNUTEL"), dissect.NeedMore},
	{"g2 udp", 17, 28681, 6346, dissect.ToServer, h("474e44103e8f0101540b514b525006524e415d2fe2350970"), dissect.Match},
	{"ping udp", 17, 28681, 6346, dissect.ToServer, h("e3dd3102df1dd6fcff29bc7d26977b0300010005000000c382514b40"), dissect.Match},
	{"pong udp", 17, 6346, 28681, dissect.ToClient, h("e3dd3102df1dd6fcff29bc7d26977b0301010016000000245bcbde0eaa570000003457f904c38255504300201f"), dissect.Match},
	{"dht udp", 17, 28681, 35481, dissect.ToServer, h("a7b3310229b72ec630df77c5724a36ce4400000500000047544b4700"), dissect.Match},
	{"http", 6, 50000, 80, dissect.ToServer, []byte("GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n"), dissect.NoMatch},
}
