package sdrtn

import (
	"encoding/hex"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

var ndpiNames = []string{"SD-RTN"}

const (
	floorPct    = 95
	maxFalsePos = 0
)

var sniMsg = append(h("005a384c000021000000000004534e49001c00"), "23-248-186-179.edge.agora.io"...)

var seeds = []seed{
	{"sni", 17, 35778, 8130, dissect.ToServer, append(append([]byte(nil), sniMsg...), h("50444d44000000")...), dissect.Match},
	{"peid", 17, 35778, 8130, dissect.ToClient, h("006a2e07000023005a384c000450454944040001001c0050524f460001"), dissect.Match},
	{"short-host", 17, 35778, 8130, dissect.ToServer, h("005a384c000021000000000004534e49001c0032332d"), dissect.NoMatch},
	{"dns", 17, 35778, 53, dissect.ToServer, h("c94d01000001000000000000056d656469610363646e05766962657203636f6d0000010001"), dissect.NoMatch},
}

func TestHost(t *testing.T) {
	rec := &dissecttest.Recorder{}
	c := seedCtx(seeds[0])
	c.Emit = rec
	p := Dissector.New()
	if p.Feed(c, dissect.ToServer, seeds[0].data) != dissect.Done {
		t.Fatal("parser did not finish on the SNI datagram")
	}
	if len(rec.Hosts) != 1 || rec.Hosts[0] != "23-248-186-179.edge.agora.io" {
		t.Fatalf("hosts = %q", rec.Hosts)
	}
}
