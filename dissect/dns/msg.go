package dns

import "encoding/binary"

// Wire-format helpers (RFC 1035 §4). Every function here reads a whole
// message held in one slice, never allocates (names are appended to a
// caller-owned buffer) and never panics on malformed input.

const (
	headerLen = 12
	// maxNameLen is the longest presentation name we build: 255 octets on
	// the wire give at most 253 characters plus dots.
	maxNameLen = 255
	// maxHops bounds compression pointers followed while reading one name:
	// a name has at most 127 labels, so more hops than that is a loop.
	maxHops = 128
)

// Header flag bits (RFC 1035 §4.1.1, RFC 2535 for AD/CD).
const (
	flagQR = 0x8000
	flagAA = 0x0400
	flagTC = 0x0200
	flagRD = 0x0100
	flagRA = 0x0080
	flagZ  = 0x0040
)

// RR types we decode.
const (
	typeA     = 1
	typeNS    = 2
	typeCNAME = 5
	typeSOA   = 6
	typeNULL  = 10
	typePTR   = 12
	typeMX    = 15
	typeTXT   = 16
	typeAAAA  = 28
	typeSRV   = 33
	typeOPT   = 41
	typeSSHFP = 44
	typeSVCB  = 64
	typeHTTPS = 65
)

// header is a view of a message's fixed 12-byte header; callers check the
// length first.
type header []byte

func (h header) id() uint16      { return binary.BigEndian.Uint16(h[0:]) }
func (h header) flags() uint16   { return binary.BigEndian.Uint16(h[2:]) }
func (h header) qdcount() uint16 { return binary.BigEndian.Uint16(h[4:]) }
func (h header) ancount() uint16 { return binary.BigEndian.Uint16(h[6:]) }
func (h header) nscount() uint16 { return binary.BigEndian.Uint16(h[8:]) }
func (h header) arcount() uint16 { return binary.BigEndian.Uint16(h[10:]) }
func (h header) opcode() uint8   { return uint8(h.flags()>>11) & 0xf }
func (h header) rcode() uint8    { return uint8(h.flags() & 0xf) }
func (h header) response() bool  { return h.flags()&flagQR != 0 }

// nameStatus says how reading a name ended.
type nameStatus uint8

const (
	nameOK nameStatus = iota
	// nameShort: the name runs past the end of the data (which may be a
	// prefix of the message).
	nameShort
	// nameBad: a reserved label type, a pointer loop or out-of-range
	// pointer, or a name longer than 255 octets.
	nameBad
)

// skipName checks the name at off and returns the offset just past it (past
// the first pointer when compressed). printable reports whether every label
// byte is a plausible host-name or DNS-SD character (printable ASCII or
// UTF-8 bytes ≥ 0x80, no controls).
func skipName(msg []byte, off int) (next int, printable bool, st nameStatus) {
	next = -1
	printable = true
	wire := 0
	for hops := 0; ; {
		if off >= len(msg) {
			return 0, printable, nameShort
		}
		l := int(msg[off])
		switch l & 0xc0 {
		case 0x00:
			if l == 0 {
				if next < 0 {
					next = off + 1
				}
				return next, printable, nameOK
			}
			if off+1+l > len(msg) {
				return 0, printable, nameShort
			}
			wire += l + 1
			if wire > maxNameLen {
				return 0, printable, nameBad
			}
			for _, c := range msg[off+1 : off+1+l] {
				if c < 0x20 || c == 0x7f {
					printable = false
				}
			}
			off += 1 + l
		case 0xc0:
			if off+2 > len(msg) {
				return 0, printable, nameShort
			}
			if next < 0 {
				next = off + 2
			}
			ptr := int(binary.BigEndian.Uint16(msg[off:]) & 0x3fff)
			// A pointer must land on an earlier part of the message
			// (compressors only point back) and we cap hops against loops.
			hops++
			if ptr >= off || hops > maxHops {
				return 0, printable, nameBad
			}
			off = ptr
		default:
			return 0, printable, nameBad
		}
	}
}

// appendName appends the presentation form of the name at off ("a.b.c", no
// trailing dot; "<root>" for the root as Suricata writes it) and returns
// the offset past it. On failure dst is returned with what was decoded.
func appendName(dst, msg []byte, off int) ([]byte, int, bool) {
	start := len(dst)
	next := -1
	wire := 0
	for hops := 0; ; {
		if off >= len(msg) {
			return dst, 0, false
		}
		l := int(msg[off])
		switch l & 0xc0 {
		case 0x00:
			if l == 0 {
				if next < 0 {
					next = off + 1
				}
				if len(dst) == start {
					dst = append(dst, "<root>"...)
				}
				return dst, next, true
			}
			if off+1+l > len(msg) {
				return dst, 0, false
			}
			wire += l + 1
			if wire > maxNameLen {
				return dst, 0, false
			}
			if len(dst) > start {
				dst = append(dst, '.')
			}
			dst = append(dst, msg[off+1:off+1+l]...)
			off += 1 + l
		case 0xc0:
			if off+2 > len(msg) {
				return dst, 0, false
			}
			if next < 0 {
				next = off + 2
			}
			ptr := int(binary.BigEndian.Uint16(msg[off:]) & 0x3fff)
			hops++
			if ptr >= off || hops > maxHops {
				return dst, 0, false
			}
			off = ptr
		default:
			return dst, 0, false
		}
	}
}

// rr is one resource record's fixed fields; rdata is msg[rdOff:rdOff+rdLen].
type rr struct {
	nameOff      int
	typ, class   uint16
	ttl          uint32
	rdOff, rdLen int
}

// readRR reads the resource record at off and returns the offset after it.
func readRR(msg []byte, off int) (r rr, next int, st nameStatus) {
	r.nameOff = off
	p, _, st := skipName(msg, off)
	if st != nameOK {
		return r, 0, st
	}
	if p+10 > len(msg) {
		return r, 0, nameShort
	}
	r.typ = binary.BigEndian.Uint16(msg[p:])
	r.class = binary.BigEndian.Uint16(msg[p+2:])
	r.ttl = binary.BigEndian.Uint32(msg[p+4:])
	r.rdLen = int(binary.BigEndian.Uint16(msg[p+8:]))
	r.rdOff = p + 10
	if r.rdOff+r.rdLen > len(msg) {
		return r, 0, nameShort
	}
	return r, r.rdOff + r.rdLen, nameOK
}

// sections holds the offsets where each section starts, so encoders walk a
// validated message without re-checking.
type sections struct {
	qd, an, ns, ar, end int
	// complete is false when the counts promise more than the data holds.
	complete bool
}

// layout walks the whole message. It reports nameBad for structural
// errors; a message cut short returns complete=false with the sections read.
func layout(msg []byte) (s sections, st nameStatus) {
	if len(msg) < headerLen {
		return s, nameShort
	}
	h := header(msg)
	off := headerLen
	s.qd = off
	for i := 0; i < int(h.qdcount()); i++ {
		var n int
		n, _, st = skipName(msg, off)
		if st != nameOK {
			return s, st
		}
		if n+4 > len(msg) {
			return s, nameShort
		}
		off = n + 4
	}
	s.an = off
	counts := [3]uint16{h.ancount(), h.nscount(), h.arcount()}
	for sec, cnt := range counts {
		for i := 0; i < int(cnt); i++ {
			_, n, st := readRR(msg, off)
			if st != nameOK {
				return s, st
			}
			off = n
		}
		if sec == 0 {
			s.ns = off
		} else if sec == 1 {
			s.ar = off
		}
	}
	s.end = off
	s.complete = true
	return s, nameOK
}

// equalFoldName compares two presentation names ASCII-case-insensitively.
func equalFoldName(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
