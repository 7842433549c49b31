package ethereum

import (
	"bytes"
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"ETHEREUM"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

// discv4 builds a discovery packet: zero hash and signature (recovery id
// 0), the type, and an RLP list of the given body.
func discv4(typ byte, body []byte) []byte {
	b := make([]byte, 97, 98+2+len(body))
	b = append(b, typ, 0xc0+byte(len(body)))
	return append(b, body...)
}

func auth(n int) []byte {
	b := []byte{byte(n >> 8), byte(n), 0x04}
	return append(b, bytes.Repeat([]byte{0x5a}, n-1)...)
}

var seeds = []seed{
	{"ping", 17, 30303, 30303, dissect.ToServer, discv4(1, h("04cb847f000001820765820765c9847f00000182076582076584604a2c1d")), dissect.Match},
	{"pong", 17, 30303, 30303, dissect.ToClient, discv4(2, h("cb847f00000182076582076584604a2c1d")), dissect.Match},
	{"auth", 6, 56644, 30303, dissect.ToServer, auth(0x180), dissect.Match},
	{"auth partial", 6, 56644, 30303, dissect.ToServer, auth(0x180)[:100], dissect.NeedMore},
	{"bad type", 17, 30303, 30303, dissect.ToServer, discv4(9, h("c0")), dissect.NoMatch},
	{"tls", 6, 56644, 30303, dissect.ToServer, h("160301020001"), dissect.NoMatch},
}
