package ssh

import (
	"os"
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

// TestRuleFieldsGo: Go's x/crypto/ssh client and server (testdata).
func TestRuleFieldsGo(t *testing.T) {
	c2s, err := os.ReadFile("testdata/go_c2s.bin")
	if err != nil {
		t.Fatal(err)
	}
	s2c, _ := os.ReadFile("testdata/go_s2c.bin")
	rec := feedBoth(t, c2s, s2c)
	hasBuf(t, rec.Buffers,
		"0 ssh ssh.proto=2.0",
		"0 ssh ssh.software=Go",
		"0 ssh ssh.hassh="+rec.MetaKV["hassh"],
		"0 ssh ssh.hassh.server="+rec.MetaKV["hassh_server"],
	)
	// Four inspections (two banners, two KEXINITs); the client's
	// hassh string starts with its key exchange list.
	n := 0
	for _, b := range rec.Buffers {
		if strings.HasPrefix(b, "0 ssh ssh.proto=") {
			n++
		}
		if v, ok := strings.CutPrefix(b, "0 ssh ssh.hassh.string="); ok && !strings.HasPrefix(v, "mlkem768x25519-sha256,") {
			t.Errorf("hassh.string %q", v)
		}
	}
	if n != 4 {
		t.Errorf("%d inspections, want 4", n)
	}
}

// TestRuleFieldsCorpus: OpenSSH 5.3 client to OpenSSH 5.6 server
// (nDPI's ssh.pcap); ssh.software follows the inspected side.
func TestRuleFieldsCorpus(t *testing.T) {
	dir := dissecttest.NDPICorpus(t)
	var got []string
	for _, f := range dissecttest.ReadFlows(t, filepath.Join(dir, "ssh.pcap")) {
		if r := dissecttest.Run(Dissector, f); r.Verdict == dissect.Match {
			got = append(got, r.Rec.Buffers...)
		}
	}
	want := []string{
		"0 ssh ssh.proto=2.0", "0 ssh ssh.software=OpenSSH_5.3", // client banner
		"0 ssh ssh.proto=2.0", "0 ssh ssh.software=OpenSSH_5.6", // server banner
	}
	if len(got) < 4 || !slices.Equal(got[:4], want) {
		t.Errorf("first inspections %q, want %q", got[:min(4, len(got))], want)
	}
	hasBuf(t, got,
		"0 ssh ssh.hassh=21b457a327ce7a2d4fce5ef2c42400bd",
		"0 ssh ssh.hassh.server=b1c6c0d56317555b85c7005a3de29325",
	)
}

// TestRuleFieldsAllocs: walking the buffers allocates nothing.
func TestRuleFieldsAllocs(t *testing.T) {
	c2s, _ := os.ReadFile("testdata/go_c2s.bin")
	s2c, _ := os.ReadFile("testdata/go_s2c.bin")
	c := &dissect.Ctx{Proto: 6, Emit: &nopEmitter{}}
	p := Dissector.New().(*parser)
	p.Feed(c, dissect.ToServer, c2s)
	p.Feed(c, dissect.ToClient, s2c)
	if n := testing.AllocsPerRun(100, func() {
		(*record)(p).RuleFields(func(string, []byte) {})
	}); n != 0 {
		t.Errorf("RuleFields allocates %v", n)
	}
}
