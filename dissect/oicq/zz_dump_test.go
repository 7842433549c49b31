package oicq

import (
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestZZDump(t *testing.T) {
	names := os.Getenv("DUMP")
	if names == "" {
		t.Skip()
	}
	for _, n := range strings.Split(names, ",") {
		_ = n
		k := 0
		for _, cf := range dissecttest.Corpus(t) {
			if cf.Expect.Master != n && cf.Expect.App != n {
				continue
			}
			k++
			if k > 40 {
				continue
			}
			fmt.Printf("== %s %s %d %s→%s %s.%s segs=%d\n", n, cf.Pcap, cf.Proto, cf.Client, cf.Server, cf.Expect.Master, cf.Expect.App, len(cf.Segs))
			for i, s := range cf.Segs {
				if i >= 3 {
					break
				}
				d := s.Data
				if len(d) > 40 {
					d = d[:48]
				}
				fmt.Printf("  %d len=%d %s %q\n", s.Dir, len(s.Data), hex.EncodeToString(d), d)
			}
		}
	}
}
