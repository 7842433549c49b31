package rules

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
)

func writeFile(t testing.TB, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// synthRules returns n distinct ET-shaped rules.
func synthRules(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, `alert http $HOME_NET any -> $EXTERNAL_NET any (msg:"SYNTH http %d"; flow:established,to_server; http.method; content:"GET"; http.uri; content:"/path/%d/x.php"; fast_pattern; http.host; content:"h%d.example"; endswith; classtype:trojan-activity; sid:%d; rev:1; metadata:created_at 2024_01_01;)`+"\n", i, i, i, 3000000+i)
		case 1:
			fmt.Fprintf(&b, `alert dns $HOME_NET any -> any any (msg:"SYNTH dns %d"; dns.query; content:"d%d.example"; nocase; bsize:14; reference:url,example.com; classtype:bad-unknown; sid:%d; rev:2;)`+"\n", i, i, 3000000+i)
		case 2:
			fmt.Fprintf(&b, `alert tcp $EXTERNAL_NET [80,443,8000:8100] -> $HOME_NET any (msg:"SYNTH tcp %d"; flow:established,to_client; content:"|de ad %02x|"; depth:10; content:"tail%d"; distance:0; within:40; pcre:"/tail\d+[a-z]{2}/R"; byte_test:2,>,%d,0,relative; flowbits:isset,s.%d; sid:%d; rev:1;)`+"\n", i, i%256, i, i%65536, i%50, 3000000+i)
		case 3:
			fmt.Fprintf(&b, `alert tls $HOME_NET any -> $EXTERNAL_NET any (msg:"SYNTH tls %d"; flow:established,to_server; tls.sni; content:"s%d.example"; fast_pattern; threshold:type limit, track by_src, count 1, seconds 60; sid:%d; rev:1;)`+"\n", i, i, 3000000+i)
		}
	}
	return b.String()
}

// BenchmarkLoad100k loads a 100,000-rule file and reports time and the live
// heap the loaded rules hold.
func BenchmarkLoad100k(b *testing.B) {
	src := synthRules(100000)
	b.SetBytes(int64(len(src)))
	benchLoad(b, func() *RuleSet {
		rs, err := NewParser(nil).Load("synth.rules", strings.NewReader(src))
		if err != nil || rs.Report.Loaded != 100000 {
			b.Fatalf("loaded %d, err %v, first skip %v", rs.Report.Loaded, err, rs.Report.Skipped)
		}
		return rs
	})
}

// benchLoad times load and reports the live heap what it returns holds
// (the collections around it are not timed).
func benchLoad(b *testing.B, load func() *RuleSet) {
	b.ReportAllocs()
	var heap uint64
	for i := 0; i < b.N; i++ {
		var m0, m1 runtime.MemStats
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&m0)
		b.StartTimer()
		rs := load()
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&m1)
		heap = m1.HeapAlloc - m0.HeapAlloc
		runtime.KeepAlive(rs)
		b.StartTimer()
	}
	b.ReportMetric(float64(heap)/(1<<20), "live-MiB")
}

// BenchmarkLoadETOpen loads the ET Open corpus (skipped when absent).
func BenchmarkLoadETOpen(b *testing.B) {
	files := etFiles(b, "rules")
	benchLoad(b, func() *RuleSet { return NewParser(nil).LoadFiles(files...) })
}
