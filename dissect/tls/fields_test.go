package tls

import (
	gotls "crypto/tls"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func hasBuf(t *testing.T, got []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing buffer %q; got:\n%s", w, strings.Join(got, "\n"))
		}
	}
}

// inspections splits the recorded buffers into one list per Inspect call
// (each starts with tls.sni or ja3.hash, the first buffers offered).
func inspections(bufs []string) [][]string {
	var out [][]string
	for _, b := range bufs {
		if len(out) == 0 || strings.HasPrefix(b, "0 tls tls.sni=") ||
			strings.HasPrefix(b, "0 tls ja3.hash=") && !strings.HasPrefix(out[len(out)-1][len(out[len(out)-1])-1], "0 tls tls.sni=") {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], b)
	}
	return out
}

func TestRuleFieldsGoTLS12(t *testing.T) {
	f := handshake(t, "rules.example.com", []string{"h2"}, gotls.VersionTLS12)
	r := dissecttest.Run(Dissector, f)
	der := serverCert(t).Certificate[0]
	hasBuf(t, r.Rec.Buffers,
		"0 tls tls.sni=rules.example.com",
		"0 tls tls.cert_subject=C=US, O=Netsift Test, CN=example.com",
		"0 tls tls.cert_issuer=C=US, O=Netsift Test, CN=example.com",
		"0 tls tls.cert_serial=0C:9A:5E",
		"0 tls tls.cert_fingerprint="+fingerprint(der),
		"0 tls tls.certs="+string(der),
		"0 tls ja3.hash="+r.Rec.MetaKV["ja3"],
		"0 tls ja3s.hash="+r.Rec.MetaKV["ja3s"],
		"0 tls ja4.hash="+r.Rec.MetaKV["ja4"],
	)
	// Three inspections: ClientHello (client fields only), ServerHello,
	// Certificate (everything).
	ins := inspections(r.Rec.Buffers)
	if len(ins) != 3 {
		t.Fatalf("%d inspections:\n%s", len(ins), strings.Join(r.Rec.Buffers, "\n"))
	}
	for _, b := range ins[0] {
		if strings.Contains(b, "ja3s.") || strings.Contains(b, "tls.cert") {
			t.Errorf("server field at the ClientHello: %q", b)
		}
	}
	if !slices.ContainsFunc(ins[1], func(s string) bool { return strings.HasPrefix(s, "0 tls ja3s.hash=") }) {
		t.Error("no ja3s.hash at the ServerHello")
	}
	// tls.random is the client's Random at the ClientHello, the
	// server's afterwards (32 bytes each, different).
	rnd := func(in []string) string {
		for _, b := range in {
			if v, ok := strings.CutPrefix(b, "0 tls tls.random="); ok {
				return v
			}
		}
		return ""
	}
	if c, s := rnd(ins[0]), rnd(ins[2]); len(c) != 32 || len(s) != 32 || c == s {
		t.Errorf("tls.random client %d bytes, server %d bytes, equal %v", len(c), len(s), c == s)
	}
}

func TestRuleFieldsGoTLS13(t *testing.T) {
	f := handshake(t, "", nil, gotls.VersionTLS13)
	r := dissecttest.Run(Dissector, f)
	for _, b := range r.Rec.Buffers {
		if strings.HasPrefix(b, "0 tls tls.sni=") || strings.HasPrefix(b, "0 tls tls.cert") {
			t.Errorf("unexpected %q (no SNI; TLS 1.3 certificates are encrypted)", b)
		}
	}
	if n := len(inspections(r.Rec.Buffers)); n != 2 {
		t.Errorf("%d inspections, want 2 (ClientHello, ServerHello)", n)
	}
}

// TestRuleFieldsCorpus: curl to www.ntop.org, TLS 1.2, Let's Encrypt
// chain of two.
func TestRuleFieldsCorpus(t *testing.T) {
	dir := dissecttest.NDPICorpus(t)
	var got []string
	for _, f := range dissecttest.ReadFlows(t, filepath.Join(dir, "443-curl.pcap")) {
		if r := dissecttest.Run(Dissector, f); r.Verdict == dissect.Match {
			got = append(got, r.Rec.Buffers...)
		}
	}
	hasBuf(t, got,
		"0 tls tls.sni=www.ntop.org",
		"0 tls ja3.hash=2a26b1a62e40d25d4de3babc9d532f30",
		"0 tls ja3s.hash=ae53107a2e47ea20c72ac44821a728bf",
		"0 tls ja3s.string=771,49199,65281-0-11-16",
		"0 tls ja4.hash=t12d6707h2_2955a3196ffa_c83f907a73d3",
		"0 tls tls.cert_subject=CN=www.ntop.org",
		"0 tls tls.cert_issuer=C=US, O=Let's Encrypt, CN=Let's Encrypt Authority X3",
		"0 tls tls.cert_serial=03:C5:6F:66:36:ED:A7:2F:7F:4C:56:65:FA:05:5D:93:32:55",
		"0 tls tls.cert_fingerprint=db:a7:e4:3e:6d:bb:21:ab:68:47:35:e8:0b:8f:15:df:db:c7:c9:6f",
	)
	n := 0
	for _, b := range got {
		if strings.HasPrefix(b, "0 tls tls.certs=0\x82") {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d tls.certs values, want the chain of 2", n)
	}
}
