// Package eve writes EVE JSON lines to a file or standard output. Lines
// arrive complete, in batches, from the engine's workers; Writer serialises
// them under a lock and buffers the file writes.
package eve

import (
	"bufio"
	"io"
	"os"
	"sync"
)

// Writer is a goroutine-safe EVE sink.
type Writer struct {
	mu  sync.Mutex
	bw  *bufio.Writer
	f   *os.File
	err error
}

// Open creates (truncates) path; "-" or "" means standard output.
func Open(path string) (*Writer, error) {
	if path == "" || path == "-" {
		return New(os.Stdout), nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := New(f)
	w.f = f
	return w, nil
}

// New wraps an io.Writer.
func New(out io.Writer) *Writer {
	return &Writer{bw: bufio.NewWriterSize(out, 1<<20)}
}

// Write appends complete lines. The first write error is kept and
// returned by Close; later writes are dropped.
func (w *Writer) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.bw.Write(b)
	if err != nil {
		w.err = err
	}
	return n, err
}

// Close flushes and closes the file (not stdout).
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.bw.Flush(); err != nil && w.err == nil {
		w.err = err
	}
	if w.f != nil {
		if err := w.f.Close(); err != nil && w.err == nil {
			w.err = err
		}
	}
	return w.err
}
