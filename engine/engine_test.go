package engine_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/netsift/netsift/capture/pcapfile"
	"github.com/netsift/netsift/dissect/all"
	"github.com/netsift/netsift/engine"
	"github.com/netsift/netsift/services"
)

const sample = "../testdata/sample.pcap"

func corpusDir(t testing.TB, sub string) string {
	d := filepath.Join("..", "..", "shared", "corpus", sub)
	if _, err := os.Stat(d); err != nil {
		t.Skipf("corpus %s not found at %s (needs ../shared next to the repository)", sub, d)
	}
	return d
}

// run reads captures through a fresh engine and returns the EVE lines.
func run(t testing.TB, workers int, paths ...string) ([]map[string]any, *engine.Stats) {
	return runConfig(t, engine.Config{Workers: workers, Services: services.ForEngine(services.Default())}, paths...)
}

// runConfig is run with an engine configuration (Registry and Output are
// set here).
func runConfig(t testing.TB, cfg engine.Config, paths ...string) ([]map[string]any, *engine.Stats) {
	t.Helper()
	var buf bytes.Buffer
	cfg.Registry, cfg.Output = all.Registry(), &buf
	eng, err := engine.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		src, err := pcapfile.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := eng.Run(src); err != nil && !pcapfile.IsDamage(err) {
			t.Fatalf("%s: %v", p, err)
		}
		src.Close()
	}
	eng.Close()
	var evs []map[string]any
	sc := bufio.NewScanner(&buf)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("invalid JSON line %q: %v", sc.Bytes(), err)
		}
		evs = append(evs, m)
	}
	return evs, eng.Stats()
}

func byType(evs []map[string]any, typ string) []map[string]any {
	var out []map[string]any
	for _, e := range evs {
		if e["event_type"] == typ {
			out = append(out, e)
		}
	}
	return out
}

// TestSample checks the stable facts of the shipped sample (made by
// tools/mksample from Go's own clients and servers).
func TestSample(t *testing.T) {
	evs, st := run(t, 1, sample)
	flows := byType(evs, "flow")
	apps := map[string]int{}
	hosts := map[string]string{}
	for _, f := range flows {
		ns := f["netsift"].(map[string]any)
		apps[ns["app"].(string)]++
		if h, ok := ns["host"].(string); ok {
			hosts[h], _ = ns["service"].(string)
		}
	}
	want := map[string]int{"dns": 4, "http": 1, "tls": 2, "ssh": 1, "icmp": 1}
	for k, v := range want {
		if apps[k] != v {
			t.Errorf("app %s: %d flows, want %d (all: %v)", k, apps[k], v, apps)
		}
	}
	if hosts["www.youtube.com"] != "YouTube" {
		t.Errorf("www.youtube.com service = %q, want YouTube (hosts %v)", hosts["www.youtube.com"], hosts)
	}
	for _, h := range []string{"www.example.org", "www.example.com", "login.example.net"} {
		if _, ok := hosts[h]; !ok {
			t.Errorf("no flow named %s (hosts %v)", h, hosts)
		}
	}
	if n := len(byType(evs, "http")); n != 2 {
		t.Errorf("http events: %d, want 2", n)
	}
	if n := len(byType(evs, "dns")); n != 8 {
		t.Errorf("dns events: %d, want 8", n)
	}
	tlsEv := byType(evs, "tls")
	snis := []string{}
	for _, e := range tlsEv {
		snis = append(snis, e["tls"].(map[string]any)["sni"].(string))
	}
	sort.Strings(snis)
	if strings.Join(snis, ",") != "www.example.com,www.youtube.com" {
		t.Errorf("tls snis %v", snis)
	}
	if len(byType(evs, "ssh")) != 1 || len(byType(evs, "stats")) != 1 {
		t.Errorf("want one ssh and one stats event")
	}
	// flow_id links a flow's events.
	ids := map[any]bool{}
	for _, f := range flows {
		ids[f["flow_id"]] = true
	}
	for _, e := range append(tlsEv, byType(evs, "http")...) {
		if !ids[e["flow_id"]] {
			t.Errorf("%s event flow_id %v has no flow event", e["event_type"], e["flow_id"])
		}
	}
	if st.Flows() != 9 {
		t.Errorf("flows %d, want 9", st.Flows())
	}
}

// TestWorkersAgree: two workers find the same flows as one.
func TestWorkersAgree(t *testing.T) {
	one, _ := run(t, 1, sample)
	two, _ := run(t, 2, sample)
	count := func(evs []map[string]any) map[string]int {
		m := map[string]int{}
		for _, e := range evs {
			if e["event_type"] == "flow" {
				m[e["netsift"].(map[string]any)["app"].(string)]++
			} else {
				m[e["event_type"].(string)]++
			}
		}
		return m
	}
	a, b := count(one), count(two)
	aj, _ := json.Marshal(a)
	bj, _ := json.Marshal(b)
	if string(aj) != string(bj) {
		t.Errorf("1 worker %s, 2 workers %s", aj, bj)
	}
}

func loadSchema(t *testing.T) *jsonschema.Schema {
	dir := corpusDir(t, "eve-schema")
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(filepath.Join(dir, "schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// TestEVESchema validates every event netsift writes, over the sample and
// the whole nDPI corpus, against Suricata's schema once the netsift key is
// removed.
func TestEVESchema(t *testing.T) {
	sch := loadSchema(t)
	paths := []string{sample}
	if d := filepath.Join("..", "..", "shared", "corpus", "ndpi", "pcap"); dirExists(d) {
		more, _ := filepath.Glob(filepath.Join(d, "*"))
		paths = append(paths, more...)
	}
	seen := map[string]int{}
	bad := map[string]int{}
	for _, p := range paths {
		evs, _ := run(t, 1, p)
		for _, e := range evs {
			delete(e, "netsift")
			typ := e["event_type"].(string)
			seen[typ]++
			if err := sch.Validate(e); err != nil {
				bad[typ]++
				if bad[typ] <= 3 {
					j, _ := json.Marshal(e)
					t.Errorf("%s: %s event does not validate: %v\n%s", filepath.Base(p), typ, err, j)
				}
			}
		}
	}
	t.Logf("validated events by type: %v", seen)
	for _, typ := range []string{"flow", "tls", "http", "dns", "quic", "ssh", "stats", "anomaly"} {
		if seen[typ] == 0 {
			t.Errorf("no %s event was produced to validate", typ)
		}
	}
}

func dirExists(d string) bool {
	st, err := os.Stat(d)
	return err == nil && st.IsDir()
}

// TestCorpusNoPanic runs every nDPI capture (the fuzz-*, truncated and
// garbage captures included) through the engine with 1 and 2 workers.
func TestCorpusNoPanic(t *testing.T) {
	d := corpusDir(t, "ndpi")
	paths, _ := filepath.Glob(filepath.Join(d, "pcap", "*"))
	for _, p := range paths {
		run(t, 1, p)
	}
	_, st := run(t, 2, paths...)
	t.Logf("corpus: %d frames, %d flows, anomalies %v", st.Frames(), st.Flows(), st.Anomalies())
}

// TestMutatedCaptures flips bits, truncates and corrupts length fields of
// corpus captures thousands of times: no panic, bounded memory.
func TestMutatedCaptures(t *testing.T) {
	d := corpusDir(t, "ndpi")
	paths, _ := filepath.Glob(filepath.Join(d, "pcap", "*"))
	sort.Strings(paths)
	n := 3000
	if testing.Short() {
		n = 300
	}
	rng := uint64(12345)
	next := func() uint64 { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng }
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	eng, err := engine.New(engine.Config{Registry: all.Registry(), Services: services.ForEngine(services.Default())})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		raw, err := os.ReadFile(paths[next()%uint64(len(paths))])
		if err != nil || len(raw) < 64 {
			continue
		}
		if len(raw) > 256<<10 {
			raw = raw[:256<<10]
		}
		switch next() % 3 {
		case 0: // bit flips
			for k := 0; k < 1+int(next()%32); k++ {
				j := 24 + int(next()%uint64(len(raw)-24))
				raw[j] ^= 1 << (next() % 8)
			}
		case 1: // truncation
			raw = raw[:24+int(next()%uint64(len(raw)-24))]
		case 2: // corrupt a 32-bit length-looking field
			j := 24 + int(next()%uint64(len(raw)-28))
			raw[j], raw[j+1] = byte(next()), byte(next())
		}
		src, err := pcapfile.NewReader("mutated", bytes.NewReader(raw))
		if err != nil {
			continue
		}
		eng.Run(src)
	}
	eng.Close()
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grow := int64(after.HeapAlloc) - int64(before.HeapAlloc); grow > 512<<20 {
		t.Errorf("heap grew by %d MiB over %d mutated captures", grow>>20, n)
	}
	t.Logf("%d mutated captures: %d frames, %d flows", n, eng.Stats().Frames(), eng.Stats().Flows())
}

// FuzzPipeline feeds arbitrary capture files through reader, decoder,
// flows, reassembly, every dissector and the EVE encoder.
func FuzzPipeline(f *testing.F) {
	if raw, err := os.ReadFile(sample); err == nil {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		src, err := pcapfile.NewReader("fuzz", bytes.NewReader(raw))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		eng, err := engine.New(engine.Config{Registry: all.Registry(), Output: &buf})
		if err != nil {
			t.Fatal(err)
		}
		eng.Run(src)
		eng.Close()
		for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
			if !json.Valid(line) {
				t.Fatalf("invalid EVE line %q", line)
			}
		}
	})
}
