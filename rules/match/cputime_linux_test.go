package match

import (
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/netsift/netsift/rules"
)

// TestMatchCPUTime reports the CPU time of one Match (thread CPU time, the
// minimum of 5 rounds) for the benchmark Txs: on a shared, loaded machine
// wall-clock ns/op varies 2x between runs while this stays within ~10%.
// Opt-in: NETSIFT_MATCH_CPU=1 go test ./rules/match -run CPUTime -v
func TestMatchCPUTime(t *testing.T) {
	if os.Getenv("NETSIFT_MATCH_CPU") == "" {
		t.Skip("set NETSIFT_MATCH_CPU=1 to measure")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	m := loadET(t)
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	const n = 20000
	for _, c := range []struct {
		name string
		tx   *Tx
	}{{"http", httpTx()}, {"random-tcp", randomTx()}, {"dns-udp", dnsTx()}} {
		best := time.Duration(1 << 62)
		for range 5 {
			st := cpu()
			for range n {
				m.Match(c.tx, func(*rules.Rule) {})
			}
			best = min(best, (cpu()-st)/n)
		}
		t.Logf("%-10s %v CPU per Match", c.name, best)
	}
}

// TestMatchCorpusCPU is TestMatchCPUTime over real payloads (the nDPI
// corpus's ~12 MB of TCP/UDP payload, port 443 left out): CPU ns per payload byte, best of 5.
// Opt-in: NETSIFT_MATCH_CPU=1 go test ./rules/match -run CorpusCPU -v
func TestMatchCorpusCPU(t *testing.T) {
	if os.Getenv("NETSIFT_MATCH_CPU") == "" {
		t.Skip("set NETSIFT_MATCH_CPU=1 to measure")
	}
	m := loadET(t)
	txs, total := corpusPayloads(t, 60<<20)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	hits := 0
	best := time.Duration(1 << 62)
	for range 5 {
		st := cpu()
		for i := range txs {
			m.Match(&txs[i], func(*rules.Rule) { hits++ })
		}
		best = min(best, cpu()-st)
	}
	t.Logf("%d payloads, %d MB: %.2f ns/byte CPU (best of 5), %d hits per pass", len(txs), total>>20,
		float64(best.Nanoseconds())/float64(total), hits/5)
}
