package viber

import (
	"encoding/hex"
	"strings"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

// ndpiNames: viber.pcap's other "Viber" flows are DNS look-ups and TLS
// sessions nDPI names by host name, and one TCP flow nDPI names by port
// only; they are expected misses, hence the floor.
var ndpiNames = []string{"Viber"}

const (
	floorPct    = 55
	maxFalsePos = 0
)

var seeds = []seed{
	{"tcp-hello", 6, 41184, 5242, dissect.ToServer, h("180000000000fcff05800900000000000000000033000000"), dissect.Match},
	{"tcp-partial", 6, 41184, 5242, dissect.ToServer, h("180000000000fcff0580"), dissect.NeedMore},
	{"udp-relay", 17, 47171, 7987, dissect.ToServer, h("edf61900ac19358c8f64e44725df4d4ee1cd371b5c9abc26d9d30b4b01bb39b30000"), dissect.Match},
	{"udp-otherport", 17, 47171, 5000, dissect.ToServer, h("edf61900ac19358c8f64e44725df4d4ee1cd371b5c9abc26d9d30b4b01bb39b30000"), dissect.NoMatch},
	{"tls", 6, 33208, 4244, dissect.ToServer, h("16030100b3010000af0303" + strings.Repeat("00", 10)), dissect.NoMatch},
}
