package dissecttest

import (
	"bufio"
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/netsift/netsift/dissect"
)

// Expect is one flow line of an nDPI .out file.
type Expect struct {
	Pcap     string // capture file name
	L4       string // "TCP", "UDP", …
	A, B     netip.AddrPort
	Master   string // nDPI master protocol name ("TLS", "DNS", …)
	App      string // nDPI app name (same as Master when there is only one)
	Host     string // [Hostname/SNI: …]
	Tunneled bool
}

var (
	lineRE  = regexp.MustCompile(`^\t(\d+)\t(\S+) (\[[0-9A-Fa-f:.]+\]|[0-9.]+):(\d+) (<->|->) (\[[0-9A-Fa-f:.]+\]|[0-9.]+):(\d+) (.*)$`)
	protoRE = regexp.MustCompile(`\[proto: (?:([A-Za-z0-9_]+):)?(\d+)(?:\.(\d+))?/([^\]]*)\]`)
	hostRE  = regexp.MustCompile(`\[Hostname/SNI: (.*?)\](\[|$)`)
)

func parseAddr(s, port string) netip.AddrPort {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	a, _ := netip.ParseAddr(s)
	p, _ := strconv.Atoi(port)
	return netip.AddrPortFrom(a, uint16(p))
}

// ParseOut parses one nDPI .out file's flow lines.
func ParseOut(pcap string, data []byte) []Expect {
	var out []Expect
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := lineRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		e := Expect{Pcap: pcap, L4: m[2], A: parseAddr(m[3], m[4]), B: parseAddr(m[6], m[7])}
		if pm := protoRE.FindStringSubmatch(m[8]); pm != nil {
			e.Tunneled = pm[1] != ""
			name := pm[4]
			if pm[3] != "" {
				e.Master, e.App, _ = strings.Cut(name, ".")
			} else {
				e.Master, e.App = name, name
			}
		}
		if hm := hostRE.FindStringSubmatch(m[8]); hm != nil {
			e.Host = hm[1]
		}
		out = append(out, e)
	}
	return out
}

// CorpusFlow pairs a captured flow with nDPI's verdict on it.
type CorpusFlow struct {
	*Flow
	Pcap   string
	Expect Expect
}

var (
	corpusOnce  sync.Once
	corpusFlows []CorpusFlow
)

// Corpus returns every TCP/UDP flow of the nDPI corpus (not tunnelled)
// that nDPI also reported, with nDPI's verdict. It is read once per test
// binary (a few seconds). The test is skipped when the corpus is absent.
func Corpus(t testing.TB) []CorpusFlow {
	t.Helper()
	dir := NDPICorpus(t)
	corpusOnce.Do(func() {
		names, _ := filepath.Glob(filepath.Join(dir, "*"))
		sort.Strings(names)
		for _, pcap := range names {
			base := filepath.Base(pcap)
			out, err := os.ReadFile(filepath.Join(dir, "..", "result", base+".out"))
			if err != nil {
				continue
			}
			exp := map[[2]netip.AddrPort]Expect{}
			for _, e := range ParseOut(base, out) {
				if e.Tunneled {
					continue
				}
				exp[[2]netip.AddrPort{e.A, e.B}] = e
				exp[[2]netip.AddrPort{e.B, e.A}] = e
			}
			for _, f := range readFlowsQuiet(pcap) {
				e, ok := exp[[2]netip.AddrPort{f.Client, f.Server}]
				if !ok {
					continue
				}
				l4 := map[uint8]string{6: "TCP", 17: "UDP"}[f.Proto]
				if e.L4 != l4 {
					continue
				}
				corpusFlows = append(corpusFlows, CorpusFlow{Flow: f, Pcap: base, Expect: e})
			}
		}
	})
	return corpusFlows
}

func readFlowsQuiet(path string) (flows []*Flow) {
	defer func() {
		if recover() != nil {
			flows = nil
		}
	}()
	return ReadFlows(quietTB{}, path)
}

type quietTB struct{ testing.TB }

func (quietTB) Helper()               {}
func (quietTB) Fatalf(string, ...any) { panic("skip") }
func (quietTB) Skipf(string, ...any)  { panic("skip") }
func (quietTB) Logf(string, ...any)   {}
func (quietTB) Errorf(string, ...any) { panic("skip") }
func (quietTB) Name() string          { return "quiet" }
func (quietTB) Cleanup(func())        {}
func (quietTB) Setenv(string, string) {}
func (quietTB) TempDir() string       { return os.TempDir() }
func (quietTB) Skip(...any)           { panic("skip") }
func (quietTB) Fatal(...any)          { panic("skip") }
func (quietTB) Error(...any)          { panic("skip") }
func (quietTB) Log(...any)            {}
func (quietTB) Failed() bool          { return false }
func (quietTB) Skipped() bool         { return false }
func (quietTB) FailNow()              { panic("skip") }
func (quietTB) SkipNow()              { panic("skip") }
func (quietTB) Fail()                 {}
func (quietTB) Attr(string, string)   {}
func (quietTB) Chdir(string)          {}

// Agreement runs d's probe over the whole corpus and compares with nDPI:
// hits = flows nDPI calls one of names (master) that d matched; total = all
// flows nDPI calls one of names (with payload of d's transport); falsePos =
// flows d matched that nDPI identified as something else (not Unknown).
// The lists hold "pcap client→server nDPI-name" lines for inspection.
func Agreement(t testing.TB, d *dissect.Dissector, names ...string) (hits, total int, missed, falsePos []string) {
	t.Helper()
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	for _, cf := range Corpus(t) {
		if (cf.Proto == 6 && d.Transport&dissect.TCP == 0) || (cf.Proto == 17 && d.Transport&dissect.UDP == 0) {
			continue
		}
		if len(cf.Segs) == 0 {
			continue
		}
		isX := want[cf.Expect.Master] || want[cf.Expect.App]
		r := Run(d, cf.Flow)
		line := cf.Pcap + " " + cf.Client.String() + "→" + cf.Server.String() + " " + cf.Expect.Master + "." + cf.Expect.App
		switch {
		case isX:
			total++
			if r.Verdict == dissect.Match {
				hits++
			} else {
				missed = append(missed, line)
			}
		case r.Verdict == dissect.Match && cf.Expect.Master != "Unknown":
			falsePos = append(falsePos, line)
		}
	}
	return
}
