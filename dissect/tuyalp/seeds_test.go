package tuyalp

import (
	"encoding/hex"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"TuyaLP"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	// Discovery broadcast: cmd 0x13, len 0x1c (8 payload + crc + suffix… here 20+8).
	{"broadcast", 17, 49154, 6667, dissect.ToServer, h("000055aa00000000000000130000001c00000000" + "00112233445566778899aabbccddeeff" + "deadbeef0000aa55"), dissect.Match},
	{"v35", 6, 50000, 6668, dissect.ToServer, h("00006699" + "0000" + "00000001" + "00000003" + "00000010" + "0102030405060708090a0b0c" + "00009966"), dissect.Match},
	{"bad suffix", 17, 49154, 6667, dissect.ToServer, h("000055aa00000000000000130000001c00000000" + "00112233445566778899aabbccddeeff" + "deadbeef0000aa56"), dissect.NoMatch},
	{"other", 17, 1, 2, dissect.ToServer, []byte("hello world, this is not tuya"), dissect.NoMatch},
}
