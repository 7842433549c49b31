package decode

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fuzzLinks are the link types FuzzDecode chooses from; the fuzzer mutates
// an index so that every input exercises a supported link type.
var fuzzLinks = []int{LinkEthernet, LinkSLL, LinkSLL2, LinkRaw, LinkRaw12, LinkRaw14, LinkIPv4, LinkIPv6,
	LinkNull, LinkLoop, LinkPPP, LinkPPPHDLC, LinkIEEE80211}

func fuzzLinkIndex(link int) byte {
	for i, l := range fuzzLinks {
		if l == link {
			return byte(i)
		}
	}
	panic(fmt.Sprintf("link %d not in fuzzLinks", link))
}

// FuzzDecode feeds arbitrary frames of every link type to the decoder:
// no panic, and a packet without anomaly always has an IP layer. Each
// input is decoded twice so duplicate fragments and reassembly run too.
func FuzzDecode(f *testing.F) {
	d := NewDecoder(Config{MaxFragDatagrams: 8, FragTimeout: time.Second})
	var p Packet
	f.Fuzz(func(t *testing.T, sel byte, data []byte) {
		link := fuzzLinks[int(sel)%len(fuzzLinks)]
		for i := 0; i < 2; i++ {
			d.Decode(link, data, t0.Add(time.Duration(i)*time.Millisecond), &p)
			if p.Anomaly == AnomalyNone && p.IPVersion != 4 && p.IPVersion != 6 {
				t.Fatalf("no anomaly but IP version %d", p.IPVersion)
			}
			if !p.Fragmented && len(p.Payload) > len(data) {
				t.Fatalf("payload of %d bytes from a %d-byte frame", len(p.Payload), len(data))
			}
			if p.Tunnel > TunnelCAPWAP || int(p.Anomaly) >= NumAnomalies || int(p.InnerAnomaly) >= NumAnomalies {
				t.Fatalf("out-of-range tunnel %d / anomaly %d / inner %d", p.Tunnel, p.Anomaly, p.InnerAnomaly)
			}
		}
	})
}

var updateSeeds = flag.Bool("update-seeds", false, "rewrite testdata/fuzz/FuzzDecode from the decode test frames")

// TestWriteFuzzSeeds writes FuzzDecode's seed corpus: frames built by the
// unit tests (a few per link type, every tunnel) and fragments, all
// generated here; no capture file is copied.
func TestWriteFuzzSeeds(t *testing.T) {
	if !*updateSeeds {
		t.Skip("run with -update-seeds to rewrite the seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, link int, b []byte) {
		name = strings.NewReplacer("/", "_", "+", "_").Replace(name)
		s := fmt.Sprintf("go test fuzz v1\nbyte(%q)\n[]byte(%q)\n", fuzzLinkIndex(link), b)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range decodeCases(t) {
		if c.link == 147 || strings.Contains(c.name, "truncated") || strings.Contains(c.name, "too-many") {
			continue
		}
		write(c.name, c.link, c.frame)
	}
	dg := udp4Datagram(t, 3, bigPayload[:100])
	for i, f := range frag4(dg, piece{lo: 0, hi: 64}, piece{lo: 64, hi: len(dg) - 20}) {
		write(fmt.Sprintf("frag4-%d", i), LinkEthernet, f)
	}
	body := udp6Body(t, bigPayload[:100])
	for i, f := range frag6(body, 17, 3, piece{lo: 0, hi: 64}, piece{lo: 64, hi: len(body)}) {
		write(fmt.Sprintf("frag6-%d", i), LinkEthernet, f)
	}
}
