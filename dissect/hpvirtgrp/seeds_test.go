package hpvirtgrp

import (
	"encoding/hex"
	"strings"

	"github.com/netsift/netsift/dissect"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"HP_VIRTGRP"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var seeds = []seed{
	{"client-hello", 6, 46570, 5223, dissect.ToServer, h("16008400aa884262dfab49b28b532ce441239bee9caa8552f9bc40ddbbce1c77391abd8f7387c290018e6a631f437b92" + strings.Repeat("00", 84)), dissect.NeedMore},
	{"server-answer", 6, 46570, 5223, dissect.ToClient, h("17003400b7815bba0a8be9354ed0b5ef0d86b43a958c9846caa217492358d8da2b71252cf1b8365ce099e969ae241484" + strings.Repeat("00", 4)), dissect.Match},
	{"server-answer2", 6, 59200, 5223, dissect.ToClient, h("0c001700055df7614b021629"), dissect.NoMatch},
	{"server-answer3", 6, 59200, 5223, dissect.ToClient, h("17000c00055df7614b021629"), dissect.Match},
	{"tls", 6, 46570, 5223, dissect.ToServer, h("16030100b3010000af03033dc548ba7b654771f47612dd65996472dc"), dissect.NoMatch},
	{"bad-length", 6, 46570, 5223, dissect.ToServer, h("16000400aa884262dfab49b2"), dissect.NoMatch},
}
