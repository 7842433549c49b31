// Package pcapfile reads pcap and pcapng captures, detected by magic number
// (never by file name), optionally gzip-compressed, from files or stdin.
//
// It is hand-written rather than gopacket's pcapgo because damage reports
// must name the exact byte offset of the first bad record, and pcapgo
// buffers internally without exposing offsets; reader_test.go checks it
// frame by frame against pcapgo over the whole nDPI corpus.
package pcapfile

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sync/atomic"
	"time"

	"github.com/netsift/netsift/capture"
)

// MaxFrame bounds a single record; larger lengths are damage, not frames.
const MaxFrame = 256 << 10

// DamageError reports a damaged capture: what and where.
type DamageError struct {
	File   string
	Offset int64 // byte offset in the uncompressed stream
	Reason string
}

func (e *DamageError) Error() string {
	return fmt.Sprintf("%s: offset %d: %s", e.File, e.Offset, e.Reason)
}

// IsDamage reports whether err is a DamageError (input damaged, as opposed
// to unreadable).
func IsDamage(err error) bool {
	var d *DamageError
	return errors.As(err, &d)
}

type format uint8

const (
	fmtPcap format = iota + 1
	fmtPcapNG
)

// Reader reads one capture.
type Reader struct {
	name   string
	f      *os.File
	cnt    *countReader
	zr     *gzip.Reader
	br     *bufio.Reader
	format format
	order  binary.ByteOrder
	off    int64 // uncompressed offset of the next record
	buf    []byte
	total  int64

	// pcap
	link    int
	nanos   bool
	snaplen uint32

	// pending is a damage report held back while the partial frame before
	// it is handed out.
	pending error

	// pcapng: interfaces of the current section
	ifaces []iface
}

type iface struct {
	link   int
	tsUnit time.Duration // nanoseconds per timestamp unit (0 → use tsDiv)
	tsDiv  uint64        // units per second when not a whole number of ns
	tsOff  int64
}

var _ capture.Source = (*Reader)(nil)

type countReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// Open opens a capture file; name "-" reads standard input.
func Open(name string) (*Reader, error) {
	var f *os.File
	var total int64
	if name == "-" {
		f = os.Stdin
	} else {
		var err error
		if f, err = os.Open(name); err != nil {
			return nil, err
		}
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			total = st.Size()
		}
	}
	r, err := newReader(name, f)
	if err != nil {
		if name != "-" {
			f.Close()
		}
		return nil, err
	}
	r.f, r.total = f, total
	return r, nil
}

// NewReader reads a capture from r; name is used in errors.
func NewReader(name string, r io.Reader) (*Reader, error) { return newReader(name, r) }

func newReader(name string, in io.Reader) (*Reader, error) {
	r := &Reader{name: name, cnt: &countReader{r: in}, buf: make([]byte, 64<<10)}
	br := bufio.NewReaderSize(r.cnt, 1<<20)
	magic, err := br.Peek(4)
	if err != nil {
		return nil, fmt.Errorf("%s: not a capture file: too short (%d bytes)", name, len(magic))
	}
	if magic[0] == 0x1f && magic[1] == 0x8b {
		if r.zr, err = gzip.NewReader(br); err != nil {
			return nil, fmt.Errorf("%s: bad gzip header: %v", name, err)
		}
		br = bufio.NewReaderSize(r.zr, 1<<20)
		if magic, err = br.Peek(4); err != nil {
			return nil, fmt.Errorf("%s: not a capture file inside gzip: too short", name)
		}
	}
	r.br = br
	switch binary.BigEndian.Uint32(magic) {
	case 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1:
		r.format = fmtPcap
		return r, r.readPcapHeader()
	case 0x0a0d0d0a:
		r.format = fmtPcapNG
		return r, r.readSHB(true)
	}
	return nil, fmt.Errorf("%s: not a pcap or pcapng file (magic %x)", name, magic)
}

// Progress implements capture.Source (compressed bytes for gzip input).
func (r *Reader) Progress() (int64, int64) { return r.cnt.n.Load(), r.total }

// Close closes the file (not stdin).
func (r *Reader) Close() error {
	if r.f != nil && r.f != os.Stdin {
		return r.f.Close()
	}
	return nil
}

// LinkType returns the pcap link type, or the first interface's for pcapng
// (0 before any interface block).
func (r *Reader) LinkType() int {
	if r.format == fmtPcap {
		return r.link
	}
	if len(r.ifaces) > 0 {
		return r.ifaces[0].link
	}
	return 0
}

func (r *Reader) damage(off int64, format string, args ...any) error {
	return &DamageError{File: r.name, Offset: off, Reason: fmt.Sprintf(format, args...)}
}

// readFull reads exactly len(p) bytes; a short read at the start of a
// record is a clean EOF only when nothing was read.
func (r *Reader) readFull(p []byte) (int, error) {
	n, err := io.ReadFull(r.br, p)
	r.off += int64(n)
	return n, err
}

func (r *Reader) readPcapHeader() error {
	var h [24]byte
	if n, err := r.readFull(h[:]); err != nil {
		return r.damage(int64(n), "pcap file header truncated")
	}
	switch binary.BigEndian.Uint32(h[:4]) {
	case 0xa1b2c3d4:
		r.order = binary.BigEndian
	case 0xd4c3b2a1:
		r.order = binary.LittleEndian
	case 0xa1b23c4d:
		r.order, r.nanos = binary.BigEndian, true
	case 0x4d3cb2a1:
		r.order, r.nanos = binary.LittleEndian, true
	}
	r.snaplen = r.order.Uint32(h[16:])
	// The top bits of the link-type field carry FCS information (pcap spec).
	r.link = int(r.order.Uint32(h[20:]) & 0x0fffffff)
	return nil
}

// Next implements capture.Source.
func (r *Reader) Next(ci *capture.Info) ([]byte, error) {
	if r.format == fmtPcap {
		return r.nextPcap(ci)
	}
	return r.nextNG(ci)
}

func (r *Reader) nextPcap(ci *capture.Info) ([]byte, error) {
	if r.pending != nil {
		return nil, r.pending
	}
	var h [16]byte
	start := r.off
	n, err := r.readFull(h[:])
	if err != nil {
		if n == 0 && (err == io.EOF) {
			return nil, io.EOF
		}
		return nil, r.readErr(start, err, "record header truncated")
	}
	sec := r.order.Uint32(h[0:])
	frac := r.order.Uint32(h[4:])
	capLen := r.order.Uint32(h[8:])
	wireLen := r.order.Uint32(h[12:])
	want := int(min(capLen, MaxFrame))
	data, err := r.body(want)
	switch {
	case err != nil && len(data) == 0:
		return nil, r.readErr(start, err, fmt.Sprintf("record truncated (0 of %d bytes)", capLen))
	case err != nil:
		// Nothing is lost: hand out what the record still holds, report the
		// damage on the next call.
		r.pending = r.readErr(start, err, fmt.Sprintf("record truncated (%d of %d bytes)", len(data), capLen))
		capLen = uint32(len(data))
	case capLen > MaxFrame:
		return nil, r.damage(start, "record length %d exceeds %d (corrupt record header)", capLen, MaxFrame)
	}
	nsec := int64(frac)
	if !r.nanos {
		nsec *= 1000
	}
	ci.Time = time.Unix(int64(sec), nsec)
	ci.CapLen, ci.Len, ci.LinkType, ci.Offset = int(capLen), int(wireLen), r.link, start
	if ci.Len < ci.CapLen {
		ci.Len = ci.CapLen
	}
	return data, nil
}

// readErr turns a read failure into a damage report (truncation) or passes
// a real I/O error through with the file name.
func (r *Reader) readErr(start int64, err error, what string) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return r.damage(start, "%s", what)
	}
	return r.damage(start, "%s: %v", what, err)
}

func (r *Reader) body(n int) ([]byte, error) {
	if cap(r.buf) < n {
		r.buf = make([]byte, n)
	}
	b := r.buf[:n]
	got, err := r.readFull(b)
	if err != nil {
		return b[:got], err
	}
	return b, nil
}

// pcapng block types.
const (
	blkIDB = 0x00000001
	blkPB  = 0x00000002 // obsolete Packet Block
	blkSPB = 0x00000003
	blkEPB = 0x00000006
	blkSHB = 0x0a0d0d0a
)

// readSHB reads a Section Header Block (its type is next in the stream).
func (r *Reader) readSHB(first bool) error {
	start := r.off
	var h [12]byte
	if n, err := r.readFull(h[:]); err != nil {
		if !first && n == 0 && err == io.EOF {
			return io.EOF
		}
		return r.readErr(start, err, "pcapng section header truncated")
	}
	switch binary.BigEndian.Uint32(h[8:]) {
	case 0x1a2b3c4d:
		r.order = binary.BigEndian
	case 0x4d3c2b1a:
		r.order = binary.LittleEndian
	default:
		return r.damage(start, "pcapng section header: bad byte-order magic %x", h[8:])
	}
	blen := r.order.Uint32(h[4:])
	if blen < 28 || blen%4 != 0 || blen > MaxFrame {
		return r.damage(start, "pcapng section header: bad block length %d", blen)
	}
	if _, err := r.body(int(blen) - 12); err != nil {
		return r.readErr(start, err, "pcapng section header truncated")
	}
	r.ifaces = r.ifaces[:0]
	return nil
}

func (r *Reader) nextNG(ci *capture.Info) ([]byte, error) {
	for {
		start := r.off
		var h [8]byte
		n, err := r.readFull(h[:])
		if err != nil {
			if n == 0 && err == io.EOF {
				return nil, io.EOF
			}
			return nil, r.readErr(start, err, "pcapng block header truncated")
		}
		typ := r.order.Uint32(h[0:])
		if typ == blkSHB {
			// Re-read as a section header: the byte order may change.
			r.off = start
			r.br = bufio.NewReaderSize(io.MultiReader(bytesReader(h[:]), r.br), 1<<20)
			if err := r.readSHB(false); err != nil {
				return nil, err
			}
			continue
		}
		blen := r.order.Uint32(h[4:])
		if blen < 12 || blen%4 != 0 || blen > MaxFrame {
			return nil, r.damage(start, "pcapng block type 0x%x: bad block length %d", typ, blen)
		}
		body, err := r.body(int(blen) - 8)
		if err != nil {
			return nil, r.readErr(start, err, fmt.Sprintf("pcapng block truncated (%d of %d bytes)", len(body)+8, blen))
		}
		if r.order.Uint32(body[len(body)-4:]) != blen {
			return nil, r.damage(start, "pcapng block type 0x%x: trailing length does not match %d", typ, blen)
		}
		body = body[:len(body)-4]
		switch typ {
		case blkIDB:
			if err := r.addIface(start, body); err != nil {
				return nil, err
			}
		case blkEPB, blkPB:
			if len(body) < 20 {
				return nil, r.damage(start, "pcapng packet block too short")
			}
			var ifIdx uint32
			if typ == blkEPB {
				ifIdx = r.order.Uint32(body[0:])
			} else {
				ifIdx = uint32(r.order.Uint16(body[0:]))
			}
			if int(ifIdx) >= len(r.ifaces) {
				return nil, r.damage(start, "pcapng packet block names interface %d, only %d defined", ifIdx, len(r.ifaces))
			}
			ts := uint64(r.order.Uint32(body[4:]))<<32 | uint64(r.order.Uint32(body[8:]))
			capLen := r.order.Uint32(body[12:])
			wireLen := r.order.Uint32(body[16:])
			if uint64(capLen) > uint64(len(body)-20) {
				return nil, r.damage(start, "pcapng packet block: captured length %d exceeds block", capLen)
			}
			ifc := &r.ifaces[ifIdx]
			ci.Time = ifc.time(ts)
			ci.CapLen, ci.Len, ci.LinkType, ci.Offset = int(capLen), int(wireLen), ifc.link, start
			if ci.Len < ci.CapLen {
				ci.Len = ci.CapLen
			}
			return body[20 : 20+capLen], nil
		case blkSPB:
			if len(r.ifaces) == 0 || len(body) < 4 {
				return nil, r.damage(start, "pcapng simple packet block without interface")
			}
			wireLen := r.order.Uint32(body[0:])
			data := body[4:]
			if uint64(wireLen) < uint64(len(data)) {
				data = data[:wireLen]
			}
			ci.Time = time.Time{}
			ci.CapLen, ci.Len, ci.LinkType, ci.Offset = len(data), int(wireLen), r.ifaces[0].link, start
			return data, nil
		default:
			// Name resolution, statistics, custom and unknown blocks are skipped.
		}
	}
}

func (r *Reader) addIface(start int64, body []byte) error {
	if len(body) < 8 {
		return r.damage(start, "pcapng interface block too short")
	}
	ifc := iface{link: int(r.order.Uint16(body[0:])), tsUnit: time.Microsecond}
	opts := body[8:]
	for len(opts) >= 4 {
		code := r.order.Uint16(opts[0:])
		olen := int(r.order.Uint16(opts[2:]))
		if code == 0 || 4+olen > len(opts) {
			break
		}
		val := opts[4 : 4+olen]
		switch {
		case code == 9 && olen >= 1: // if_tsresol
			v := val[0]
			if v&0x80 == 0 {
				if v <= 9 {
					ifc.tsUnit = time.Duration(math.Pow10(9 - int(v)))
				} else {
					ifc.tsUnit, ifc.tsDiv = 0, uint64(math.Pow10(int(v)))
				}
			} else if v&0x7f < 64 {
				ifc.tsUnit, ifc.tsDiv = 0, uint64(1)<<(v&0x7f)
			}
		case code == 14 && olen == 8: // if_tsoffset, seconds
			ifc.tsOff = int64(r.order.Uint64(val))
		}
		opts = opts[4+(olen+3)&^3:]
	}
	r.ifaces = append(r.ifaces, ifc)
	return nil
}

func (i *iface) time(ts uint64) time.Time {
	if i.tsUnit != 0 {
		d := int64(i.tsUnit)
		return time.Unix(i.tsOff+int64(ts/uint64(1e9/d)), int64(ts%uint64(1e9/d))*d)
	}
	if i.tsDiv == 0 {
		return time.Unix(i.tsOff, 0)
	}
	sec := ts / i.tsDiv
	frac := ts % i.tsDiv
	return time.Unix(i.tsOff+int64(sec), int64(float64(frac)*1e9/float64(i.tsDiv)))
}

type bytesReaderT struct{ b []byte }

func bytesReader(b []byte) io.Reader {
	c := append([]byte(nil), b...)
	return &bytesReaderT{c}
}

func (b *bytesReaderT) Read(p []byte) (int, error) {
	if len(b.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, b.b)
	b.b = b.b[n:]
	return n, nil
}
