// Package capture defines where packets come from. A Source hands out frames
// one at a time in buffers it owns; sources are files (capture/pcapfile),
// live interfaces and inline queues.
package capture

import "time"

// Info describes one captured frame.
type Info struct {
	Time     time.Time
	CapLen   int   // bytes captured (len of the frame slice)
	Len      int   // bytes on the wire
	LinkType int   // LINKTYPE_* of the frame's interface
	Offset   int64 // byte offset of the frame's record in the (uncompressed) input
}

// Source is a stream of frames.
type Source interface {
	// Next returns the next frame. The slice is owned by the source and is
	// valid only until the next call. At the end it returns io.EOF; a
	// damaged input returns an error naming where (file and byte offset),
	// after every intact frame before the damage has been returned.
	Next(ci *Info) ([]byte, error)
	// Progress reports bytes consumed and the total (0 when unknown), for
	// progress displays. Safe to call from another goroutine.
	Progress() (done, total int64)
	// Close releases the source.
	Close() error
}
