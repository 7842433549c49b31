package quic

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func corpusBuffers(t *testing.T, name string) []string {
	t.Helper()
	dir := dissecttest.NDPICorpus(t)
	var got []string
	for _, f := range dissecttest.ReadFlows(t, filepath.Join(dir, name)) {
		if r := dissecttest.Run(Dissector, f); r.Verdict == dissect.Match {
			got = append(got, r.Rec.Buffers...)
		}
	}
	return got
}

func hasBuf(t *testing.T, got []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing buffer %q; got:\n%s", w, strings.Join(got, "\n"))
		}
	}
}

// TestRuleFieldsCorpus: Google QUIC Q046 (cleartext CHLO with SNI and
// UAID) and an IETF QUIC v2 ClientHello (JA3/JA4, raw version bytes).
func TestRuleFieldsCorpus(t *testing.T) {
	hasBuf(t, corpusBuffers(t, "quic046.pcap"),
		"0 quic quic.version=Q046",
		"0 quic quic.sni=i.ytimg.com",
		"0 quic quic.ua=Chrome/80.0.3987.132 Windows NT 6.3; Win64; x64",
	)
	v2 := corpusBuffers(t, "quic-v2.pcapng")
	hasBuf(t, v2,
		"0 quic quic.version=\x6b\x33\x43\xcf",
		"0 quic quic.sni=test",
		"0 quic ja3.hash=5e685944fc983af5eabcc813add3dca1",
		"0 quic ja4.hash=q13d0310h3_55b375c5d22e_0a3b52e28cea",
	)
	for _, b := range v2 {
		if strings.Contains(b, " tls.sni=") {
			t.Errorf("tls.sni offered for QUIC: %q", b)
		}
	}
}

// TestRuleFieldsAllocs: walking the buffers allocates nothing.
func TestRuleFieldsAllocs(t *testing.T) {
	r := &record{version: 1, hello: true, sni: []byte("a.test"), ja3Hash: []byte("x"), ja3: []byte("y"), ja4: []byte("z")}
	if n := testing.AllocsPerRun(100, func() { r.RuleFields(func(string, []byte) {}) }); n != 0 {
		t.Errorf("RuleFields allocates %v", n)
	}
}
