package ssh

import (
	"crypto/md5"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func feedBoth(t testing.TB, c2s, s2c []byte) *dissecttest.Recorder {
	rec := &dissecttest.Recorder{}
	c := &dissect.Ctx{Proto: 6, Emit: rec}
	p := Dissector.New()
	// Interleave in small chunks to exercise buffering.
	for i := 0; i < len(c2s) || i < len(s2c); i += 100 {
		if i < len(c2s) {
			p.Feed(c, dissect.ToServer, c2s[i:min(i+100, len(c2s))])
		}
		if i < len(s2c) {
			p.Feed(c, dissect.ToClient, s2c[i:min(i+100, len(s2c))])
		}
	}
	p.Close(c)
	return rec
}

// TestGoSSH uses the banner and KEXINIT of golang.org/x/crypto/ssh's client
// and server, captured over loopback by testdata/gen.go.txt.
func TestGoSSH(t *testing.T) {
	c2s, err := os.ReadFile("testdata/go_c2s.bin")
	if err != nil {
		t.Fatal(err)
	}
	s2c, _ := os.ReadFile("testdata/go_s2c.bin")
	c := &dissect.Ctx{Proto: 6}
	if Dissector.Probe(c, dissect.ToServer, c2s) != dissect.Match || Dissector.Probe(c, dissect.ToServer, c2s[:3]) != dissect.NeedMore {
		t.Fatal("probe")
	}
	rec := feedBoth(t, c2s, s2c)
	if len(rec.Events) != 1 {
		t.Fatalf("events %v", rec.Events)
	}
	ev := rec.Events[0]
	t.Log(ev)
	for _, want := range []string{`"client":{"proto_version":"2.0","software_version":"Go"`, `"server":{"proto_version":"2.0"`, `"string":"mlkem768x25519-sha256,`} {
		if !strings.Contains(ev, want) {
			t.Errorf("missing %s", want)
		}
	}
	// The hash must be the MD5 of the string it reports.
	m := regexp.MustCompile(`"hash":"([0-9a-f]{32})","string":"([^"]*)"`).FindAllStringSubmatch(ev, -1)
	if len(m) != 2 {
		t.Fatalf("hassh objects: %d", len(m))
	}
	for _, x := range m {
		sum := md5.Sum([]byte(x[2]))
		if hex.EncodeToString(sum[:]) != x[1] {
			t.Errorf("hash %s != md5(%q)", x[1], x[2])
		}
	}
	if rec.MetaKV["hassh"] != m[0][1] || rec.MetaKV["hassh_server"] != m[1][1] {
		t.Errorf("meta %v", rec.MetaKV)
	}
}

func TestNotSSH(t *testing.T) {
	c := &dissect.Ctx{Proto: 6}
	for _, s := range []string{"GET / HTTP/1.1\r\n", "SSH-x", "SSX", "\x16\x03\x01"} {
		if Dissector.Probe(c, dissect.ToServer, []byte(s)) != dissect.NoMatch {
			t.Errorf("%q matched", s)
		}
	}
}

// TestHASSHvsNDPI compares our client/server HASSH with nDPI's on the
// corpus flows that carry [HASSH-C: …][HASSH-S: …].
func TestHASSHvsNDPI(t *testing.T) {
	dir := dissecttest.NDPICorpus(t)
	hre := regexp.MustCompile(`(\S+) <-> (\S+) .*\[HASSH-C: ([0-9A-F]+)\].*\[HASSH-S: ([0-9A-F]+)\]`)
	checked := 0
	for _, name := range []string{"ssh.pcap", "custom_categories.pcapng", "ssh_unidirectional.pcap"} {
		out, err := os.ReadFile(filepath.Join(dir, "..", "result", name+".out"))
		if err != nil {
			continue
		}
		want := map[string][2]string{}
		for _, m := range hre.FindAllStringSubmatch(string(out), -1) {
			want[m[1]+" "+m[2]] = [2]string{strings.ToLower(m[3]), strings.ToLower(m[4])}
			want[m[2]+" "+m[1]] = want[m[1]+" "+m[2]]
		}
		for _, f := range dissecttest.ReadFlows(t, filepath.Join(dir, name)) {
			w, ok := want[f.Client.String()+" "+f.Server.String()]
			if !ok {
				continue
			}
			r := dissecttest.Run(Dissector, f)
			checked++
			if r.Rec.MetaKV["hassh"] != w[0] || r.Rec.MetaKV["hassh_server"] != w[1] {
				t.Errorf("%s %v: got %q/%q want %v", name, f.Client, r.Rec.MetaKV["hassh"], r.Rec.MetaKV["hassh_server"], w)
			}
		}
	}
	t.Logf("HASSH checked on %d flows", checked)
	if checked == 0 {
		t.Error("no HASSH flows found")
	}
}

func TestAgreement(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "SSH")
	t.Logf("SSH %d/%d, false positives %d", hits, total, len(fp))
	for _, m := range missed {
		t.Log("missed ", m)
	}
	for _, m := range fp {
		t.Log("falsepos ", m)
	}
	if hits < total || len(fp) > 0 {
		t.Errorf("agreement %d/%d fp %d", hits, total, len(fp))
	}
}

func FuzzSSH(f *testing.F) {
	f.Add([]byte("SSH-2.0-OpenSSH_8.2p1\r\n"), []byte("SSH-2.0-Go\r\n\x00\x00\x00\x0c\x0a\x14"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		c := &dissect.Ctx{Proto: 6, Emit: &dissecttest.Recorder{}}
		Dissector.Probe(c, dissect.ToServer, a)
		Dissector.Probe(c, dissect.ToClient, b)
		p := Dissector.New()
		p.Feed(c, dissect.ToServer, a)
		p.Feed(c, dissect.ToClient, b)
		p.Feed(c, dissect.ToServer, b)
		p.Close(c)
	})
}

func BenchmarkParse(b *testing.B) {
	c2s, _ := os.ReadFile("testdata/go_c2s.bin")
	s2c, _ := os.ReadFile("testdata/go_s2c.bin")
	c := &dissect.Ctx{Proto: 6, Emit: &nopEmitter{}}
	b.SetBytes(int64(len(c2s) + len(s2c)))
	b.ReportAllocs()
	for b.Loop() {
		p := Dissector.New()
		p.Feed(c, dissect.ToServer, c2s)
		p.Feed(c, dissect.ToClient, s2c)
		p.Close(c)
	}
}

func BenchmarkProbe(b *testing.B) {
	c2s, _ := os.ReadFile("testdata/go_c2s.bin")
	c := &dissect.Ctx{Proto: 6}
	b.ReportAllocs()
	for b.Loop() {
		Dissector.Probe(c, dissect.ToServer, c2s)
	}
}

type nopEmitter struct{ dissecttest.Recorder }

func (nopEmitter) Host([]byte)                               {}
func (nopEmitter) Event(dissect.Dir, string, dissect.Record) {}
func (nopEmitter) Anomaly(string)                            {}
func (nopEmitter) Meta(string, []byte)                       {}

// Inspect walks the rule buffers as the engine does with rules loaded.
func (nopEmitter) Inspect(d dissect.Dir, tx uint64, typ string, r dissect.Record) {
	dissecttest.Nop{}.Inspect(d, tx, typ, r)
}

// TestProbeAllocs checks that probing allocates nothing (STYLE.md §4).
func TestProbeAllocs(t *testing.T) {
	c2s, _ := os.ReadFile("testdata/go_c2s.bin")
	c := &dissect.Ctx{Proto: 6}
	if n := testing.AllocsPerRun(50, func() {
		Dissector.Probe(c, dissect.ToServer, c2s)
		Dissector.Probe(c, dissect.ToClient, c2s[:3])
	}); n != 0 {
		t.Fatalf("%v allocs", n)
	}
}
