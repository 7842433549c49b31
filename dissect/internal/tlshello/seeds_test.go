package tlshello

import (
	"os"
	"testing"

	"github.com/netsift/netsift/dissect/internal/tlshello/ndpitest"
)

// TestWriteSeeds regenerates testdata/fuzz/FuzzHello when
// NETSIFT_WRITE_SEEDS=1.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("NETSIFT_WRITE_SEEDS") == "" {
		t.Skip("set NETSIFT_WRITE_SEEDS=1 to regenerate the fuzz seeds")
	}
	ch := chromeHello(t)
	ndpitest.WriteSeed(t, "FuzzHello", "chrome_client_hello", ch)
	ndpitest.WriteSeed(t, "FuzzHello", "truncated_hello", ch[:100])
}
