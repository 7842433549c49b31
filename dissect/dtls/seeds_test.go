package dtls

import (
	"os"
	"testing"

	"github.com/netsift/netsift/dissect/internal/tlshello/ndpitest"
)

// TestWriteSeeds regenerates testdata/fuzz/FuzzDTLS when
// NETSIFT_WRITE_SEEDS=1.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("NETSIFT_WRITE_SEEDS") == "" {
		t.Skip("set NETSIFT_WRITE_SEEDS=1 to regenerate the fuzz seeds")
	}
	body := dtlsHello("seed.example.com")
	ndpitest.WriteSeed(t, "FuzzDTLS", "client_hello", records(1, 0, body, 1000)[0])
	recs := records(1, 0, body, 50)
	ndpitest.WriteSeed(t, "FuzzDTLS", "client_hello_fragments", append(append([]byte(nil), recs[1]...), recs[0]...))
	ndpitest.WriteSeed(t, "FuzzDTLS", "app_data", []byte{23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 1, 0, 3, 1, 2, 3})
}
