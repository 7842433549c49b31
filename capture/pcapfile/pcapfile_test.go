package pcapfile

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/netsift/netsift/capture"
)

func corpus(t testing.TB) []string {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "ndpi", "pcap")
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(names) == 0 {
		t.Skipf("nDPI corpus not found at %s", dir)
	}
	return names
}

type refSource interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
}

// TestAgainstPcapgo reads every corpus capture with this reader and with
// gopacket's pcapgo (the slow, independent reference) and compares frames.
func TestAgainstPcapgo(t *testing.T) {
	for _, name := range corpus(t) {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var ref refSource
		if bytes.HasPrefix(raw, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
			ref, err = pcapgo.NewNgReader(bytes.NewReader(raw), pcapgo.DefaultNgReaderOptions)
		} else {
			ref, err = pcapgo.NewReader(bytes.NewReader(raw))
		}
		if err != nil {
			t.Logf("%s: pcapgo refuses it (%v); skipped", name, err)
			continue
		}
		r, err := NewReader(name, bytes.NewReader(raw))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var ci capture.Info
		n := 0
		for {
			want, wci, werr := ref.ReadPacketData()
			got, gerr := r.Next(&ci)
			if werr != nil {
				if gerr == nil {
					// pcapgo stops at damage we may read past (or vice versa); report.
					t.Logf("%s: pcapgo stopped after %d frames (%v), we continue", name, n, werr)
				} else if gerr != io.EOF && !IsDamage(gerr) {
					t.Errorf("%s: unexpected error %v", name, gerr)
				}
				break
			}
			if gerr != nil {
				t.Errorf("%s: frame %d: %v (pcapgo read it)", name, n, gerr)
				break
			}
			if !bytes.Equal(got, want) || !ci.Time.Equal(wci.Timestamp) || ci.Len != wci.Length {
				t.Errorf("%s: frame %d differs: len %d/%d time %v/%v", name, n, len(got), len(want), ci.Time, wci.Timestamp)
				break
			}
			n++
		}
	}
}

func readAll(t *testing.T, name string, data []byte) (int, error) {
	r, err := NewReader(name, bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	var ci capture.Info
	n := 0
	for {
		if _, err := r.Next(&ci); err != nil {
			if err == io.EOF {
				return n, nil
			}
			return n, err
		}
		n++
	}
}

func TestTruncatedAndGzip(t *testing.T) {
	names := corpus(t)
	var name string
	for _, n := range names {
		if filepath.Base(n) == "fuzz-2021-10-13.pcap" {
			name = n
		}
	}
	if name == "" {
		t.Skip("fuzz-2021-10-13.pcap not in corpus")
	}
	raw, _ := os.ReadFile(name)
	n, err := readAll(t, "trunc.pcap", raw)
	var de *DamageError
	if !errors.As(err, &de) || de.Offset <= 0 || n == 0 {
		t.Fatalf("want damage error after some frames, got %d frames, %v", n, err)
	}
	t.Logf("read %d frames, then: %v", n, err)

	// The same capture gzip-compressed reads identically.
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write(raw)
	zw.Close()
	n2, err2 := readAll(t, "trunc.pcap.gz", zb.Bytes())
	if n2 != n || err2 == nil || err2.Error() != "trunc.pcap.gz"+err.Error()[len("trunc.pcap"):] {
		t.Fatalf("gzip: %d frames, %v; want %d, %v", n2, err2, n, err)
	}
}

func TestNotACapture(t *testing.T) {
	if _, err := NewReader("x.txt", bytes.NewReader([]byte("hello world"))); err == nil {
		t.Fatal("want error")
	}
	if _, err := NewReader("empty", bytes.NewReader(nil)); err == nil {
		t.Fatal("want error")
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 1, 2, 3, 4})
	f.Add([]byte{0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader("fuzz", bytes.NewReader(data))
		if err != nil {
			return
		}
		var ci capture.Info
		for i := 0; i < 10000; i++ {
			if _, err := r.Next(&ci); err != nil {
				return
			}
		}
	})
}
