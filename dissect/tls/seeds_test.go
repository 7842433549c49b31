package tls

import (
	gotls "crypto/tls"
	"os"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/internal/tlshello/ndpitest"
)

// TestWriteSeeds regenerates testdata/fuzz/FuzzTLS from crypto/tls
// handshakes when NETSIFT_WRITE_SEEDS=1.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("NETSIFT_WRITE_SEEDS") == "" {
		t.Skip("set NETSIFT_WRITE_SEEDS=1 to regenerate the fuzz seeds")
	}
	f12 := handshake(t, "seed.example.com", []string{"h2"}, gotls.VersionTLS12)
	f13 := handshake(t, "seed13.example.com", []string{"h2", "http/1.1"}, gotls.VersionTLS13)
	ndpitest.WriteSeed(t, "FuzzTLS", "client_hello_tls13", f13.Segs[0].Data, uint8(60))
	for _, s := range f12.Segs {
		if s.Dir == dissect.ToClient {
			ndpitest.WriteSeed(t, "FuzzTLS", "server_flight_tls12", s.Data, uint8(200))
			break
		}
	}
	ndpitest.WriteSeed(t, "FuzzTLS", "client_hello_tls12", f12.Segs[0].Data, uint8(5))
}
