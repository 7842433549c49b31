package respond

import (
	"bytes"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"golang.org/x/net/dns/dnsmessage"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/fuzz seed corpora")

// seeds are the seed inputs of every fuzz target: well-formed TCP and UDP
// packets of both families and a few damaged ones.
func seeds(t testing.TB) map[string][]byte {
	req := []byte("GET / HTTP/1.1\r\nHost: gambling.example\r\n\r\n")
	s := map[string][]byte{
		"tcp4_request": tcpIn(t, client4, server4, 2000, 9000, false, true, req),
		"tcp6_request": tcpIn(t, client6, server6, 2000, 9000, false, true, req),
		"tcp4_syn":     tcpIn(t, client4, server4, 7, 0, true, false, nil),
		"tcp6_syn":     tcpIn(t, client6, server6, 7, 0, true, false, nil),
		"udp4_dns_a":   udpIn(t, client4, server4, 53, dnsQuery(t, "blocked.example.", dnsmessage.TypeA)),
		"udp6_dns_aaa": udpIn(t, client6, server6, 53, dnsQuery(t, "blocked.example.", dnsmessage.TypeAAAA)),
		"udp4_dns_txt": udpIn(t, client4, server4, 53, dnsQuery(t, "x.example.", dnsmessage.TypeTXT)),
		"udp4_quic":    udpIn(t, client4, server4, 443, bytes.Repeat([]byte{0xc3}, 1200)),
		"udp6_quic":    udpIn(t, client6, server6, 443, bytes.Repeat([]byte{0xc3}, 1200)),
	}
	trunc := append([]byte(nil), s["tcp4_request"][:45]...)
	s["tcp4_truncated"] = trunc
	ext := append([]byte(nil), s["udp6_dns_aaa"]...)
	ext[6] = 60 // destination options header in place of UDP: parsed as one
	s["udp6_bad_ext"] = ext
	return s
}

// TestSeedCorpus writes the seed corpora with -update-corpus, and checks
// they exist otherwise.
func TestSeedCorpus(t *testing.T) {
	for _, name := range []string{"FuzzBuildReset", "FuzzBuildUnreachable", "FuzzBuildDNSAnswer", "FuzzBuildHTTPNotice"} {
		dir := filepath.Join("testdata", "fuzz", name)
		if !*updateCorpus {
			if ents, err := os.ReadDir(dir); err != nil || len(ents) == 0 {
				t.Errorf("%s: no seed corpus (%v): run go test ./action/respond -run TestSeedCorpus -args -update-corpus", dir, err)
			}
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for seed, b := range seeds(t) {
			if err := os.WriteFile(filepath.Join(dir, seed), fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", b), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func FuzzBuildReset(f *testing.F) {
	f.Fuzz(func(t *testing.T, pkt []byte) {
		in := append([]byte(nil), pkt...)
		toC, toS, err := BuildReset(pkt)
		if !bytes.Equal(in, pkt) {
			t.Fatal("input modified")
		}
		if err != nil {
			return
		}
		p, err := parseIP(pkt)
		if err != nil {
			t.Fatalf("BuildReset accepted a packet parseIP rejects: %v", err)
		}
		for _, b := range [][]byte{toC, toS} {
			decoded(t, b)
		}
		if s, d := addrsOf(decoded(t, toC)); s != p.dst.Unmap() || d != p.src.Unmap() {
			t.Fatalf("toClient %v→%v for input %v→%v", s, d, p.src, p.dst)
		}
	})
}

func FuzzBuildUnreachable(f *testing.F) {
	f.Fuzz(func(t *testing.T, pkt []byte) {
		out, err := BuildUnreachable(pkt)
		if err != nil {
			return
		}
		if len(out) > 1280 {
			t.Fatalf("ICMP error of %d bytes", len(out))
		}
		decoded(t, out)
	})
}

func FuzzBuildDNSAnswer(f *testing.F) {
	a, aaaa := netip.MustParseAddr("203.0.113.1"), netip.MustParseAddr("2001:db8::1")
	f.Fuzz(func(t *testing.T, pkt []byte) {
		out, err := BuildDNSAnswer(pkt, a, aaaa, 60)
		if err != nil {
			return
		}
		p := decoded(t, out)
		var m dnsmessage.Message
		if err := m.Unpack(p.Layer(layers.LayerTypeUDP).(*layers.UDP).Payload); err != nil {
			t.Fatalf("answer does not parse: %v", err)
		}
		if !m.Response || len(m.Questions) != 1 {
			t.Fatalf("answer header %+v, %d questions", m.Header, len(m.Questions))
		}
	})
}

func FuzzBuildHTTPNotice(f *testing.F) {
	f.Fuzz(func(t *testing.T, pkt []byte) {
		toC, toS, err := BuildHTTPNotice(pkt, "rule-1", "Blocked <by> policy.")
		if err != nil {
			return
		}
		decoded(t, toC)
		decoded(t, toS)
	})
}
