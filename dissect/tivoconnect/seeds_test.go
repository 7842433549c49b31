package tivoconnect

import (
	"github.com/netsift/netsift/dissect"
)

// ndpiNames: synscan.pcap has SYN-only flows to 2190 named by port; they
// carry no payload and are not counted.
var ndpiNames = []string{"TiVoConnect"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

const beaconMsg = "TiVoConnect=1\nswversion=1.0\nmethod=broadcast\nidentity=0000000000000000\nmachine=Living Room\nplatform=tcd/Series3\nservices=TiVoMediaServer:80/http\n"

var seeds = []seed{
	{"udp-beacon", 17, 2190, 2190, dissect.ToServer, []byte(beaconMsg), dissect.Match},
	{"tcp-beacon", 6, 50000, 2190, dissect.ToServer, append([]byte{0, 0, 0, byte(len(beaconMsg))}, beaconMsg...), dissect.Match},
	{"tcp-partial", 6, 50000, 2190, dissect.ToServer, []byte{0, 0, 0, 0x80, 'T', 'i'}, dissect.NeedMore},
	{"http", 6, 50000, 2190, dissect.ToServer, []byte("GET / HTTP/1.1\r\n"), dissect.NoMatch},
}
