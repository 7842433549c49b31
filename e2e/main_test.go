package e2e

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	// quic-go warns on stderr when it cannot enlarge its socket buffers;
	// irrelevant at the bed's rates.
	os.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	if os.Geteuid() == 0 {
		sweepStale()
	}
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}
