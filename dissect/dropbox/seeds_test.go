package dropbox

import (
	"github.com/netsift/netsift/dissect"
)

// ndpiNames: nDPI also names CoAP traffic to UDP 17500 "Dropbox" by port
// alone (coap_mqtt.pcap, dropbox.pcap) and DNS look-ups of Dropbox names
// "DNS.Dropbox"; those flows are not LAN Sync and are expected
// misses, hence the floor (18/32 measured, all 18 LAN Sync flows found).
var ndpiNames = []string{"Dropbox"}

const (
	floorPct    = 55
	maxFalsePos = 0
)

var seeds = []seed{
	{"lansync", 17, 17500, 17500, dissect.ToServer, []byte(`{"version": [2, 0], "port": 17500, "host_int": 33582436853453253453, "displayname": "", "namespaces": [1234, 5678]}`), dissect.Match},
	{"lansync-v1", 17, 17500, 17500, dissect.ToServer, []byte(`{"host_int": 1234567, "version": [1, 8], "displayname": "1234567", "port": 17500, "namespaces": []}`), dissect.Match},
	{"coap", 17, 50311, 17500, dissect.ToServer, []byte("C\x035\x01oRMrD\\Ar\bBus17Cmd\x112\xff{\"messageType\":\"UPDATE\"}"), dissect.NoMatch},
	{"json-other", 17, 5000, 5000, dissect.ToServer, []byte(`{"id":1,"method":"mining.subscribe","params":[]}`), dissect.NoMatch},
}
