package quic

import (
	"os"
	"testing"

	"github.com/netsift/netsift/dissect/internal/tlshello/ndpitest"
)

// TestWriteSeeds regenerates testdata/fuzz/FuzzQUIC when
// NETSIFT_WRITE_SEEDS=1: Initial packets sealed around crypto/tls QUIC
// ClientHellos.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("NETSIFT_WRITE_SEEDS") == "" {
		t.Skip("set NETSIFT_WRITE_SEEDS=1 to regenerate the fuzz seeds")
	}
	ch := clientHello(t, "seed.example.com", []string{"h3"})
	dcid := unhex("8394c8f03e515708")
	ndpitest.WriteSeed(t, "FuzzQUIC", "initial_v1", sealInitial(t, v1, dcid, 0, cryptoFrame(0, ch), 1200))
	ndpitest.WriteSeed(t, "FuzzQUIC", "initial_v2_half", sealInitial(t, v2, dcid, 1, cryptoFrame(0, ch[:200]), 1200))
	ndpitest.WriteSeed(t, "FuzzQUIC", "crypto_frames_plain", append(cryptoFrame(0, ch), 0, 0, 1))
}
