// Package event holds netsift's event records and their EVE JSON encoding.
//
// Encoding appends into caller-owned, reused buffers: nothing here allocates
// once a Writer's buffer has grown to its working size. This package imports
// nothing of netsift.
package event

import (
	"strconv"
	"unicode/utf8"
)

// Writer appends JSON into B. It tracks commas itself, so callers only say
// what comes next: ObjStart, Key, a value, ObjEnd. The zero Writer is ready;
// reuse it by setting B = B[:0] (Reset).
//
// Nesting is limited to 64 levels; deeper structures are a programming error.
type Writer struct {
	B []byte
	// first has bit d set while the container at depth d has no element yet.
	first    uint64
	depth    uint8
	afterKey bool
}

// Reset empties the writer, keeping its buffer.
func (w *Writer) Reset() {
	w.B = w.B[:0]
	w.first, w.depth, w.afterKey = 0, 0, false
}

// sep writes the comma that must precede a new element, if any.
func (w *Writer) sep() {
	if w.afterKey {
		w.afterKey = false
		return
	}
	if w.depth == 0 {
		return
	}
	bit := uint64(1) << (w.depth - 1)
	if w.first&bit != 0 {
		w.first &^= bit
		return
	}
	w.B = append(w.B, ',')
}

func (w *Writer) open(c byte) {
	w.sep()
	w.B = append(w.B, c)
	w.depth++
	w.first |= uint64(1) << (w.depth - 1)
}

func (w *Writer) close(c byte) {
	w.first &^= uint64(1) << (w.depth - 1)
	w.depth--
	w.B = append(w.B, c)
}

// ObjStart opens an object ('{').
func (w *Writer) ObjStart() { w.open('{') }

// ObjEnd closes the innermost object.
func (w *Writer) ObjEnd() { w.close('}') }

// ArrStart opens an array ('[').
func (w *Writer) ArrStart() { w.open('[') }

// ArrEnd closes the innermost array.
func (w *Writer) ArrEnd() { w.close(']') }

// Key writes an object member name; the next call writes its value.
func (w *Writer) Key(k string) {
	w.sep()
	w.B = AppendString(w.B, k)
	w.B = append(w.B, ':')
	w.afterKey = true
}

// String writes a string value.
func (w *Writer) String(s string) { w.sep(); w.B = AppendString(w.B, s) }

// Bytes writes b as a JSON string (see AppendBytes for non-UTF-8 bytes).
func (w *Writer) Bytes(b []byte) { w.sep(); w.B = AppendBytes(w.B, b) }

// Hex writes b as a lower-case hex string.
func (w *Writer) Hex(b []byte) {
	w.sep()
	w.B = append(w.B, '"')
	w.B = AppendHex(w.B, b, 0)
	w.B = append(w.B, '"')
}

// Int writes a signed integer.
func (w *Writer) Int(v int64) { w.sep(); w.B = strconv.AppendInt(w.B, v, 10) }

// Uint writes an unsigned integer.
func (w *Writer) Uint(v uint64) { w.sep(); w.B = strconv.AppendUint(w.B, v, 10) }

// Float writes a float with the shortest exact representation.
func (w *Writer) Float(v float64) { w.sep(); w.B = strconv.AppendFloat(w.B, v, 'f', -1, 64) }

// Bool writes true or false.
func (w *Writer) Bool(v bool) { w.sep(); w.B = strconv.AppendBool(w.B, v) }

// Null writes null.
func (w *Writer) Null() { w.sep(); w.B = append(w.B, "null"...) }

// Raw writes an already-encoded JSON value.
func (w *Writer) Raw(v []byte) { w.sep(); w.B = append(w.B, v...) }

// KString writes "k":"v".
func (w *Writer) KString(k, v string) { w.Key(k); w.String(v) }

// KBytes writes "k":"v" for a byte slice value.
func (w *Writer) KBytes(k string, v []byte) { w.Key(k); w.Bytes(v) }

// KInt writes "k":v.
func (w *Writer) KInt(k string, v int64) { w.Key(k); w.Int(v) }

// KUint writes "k":v.
func (w *Writer) KUint(k string, v uint64) { w.Key(k); w.Uint(v) }

// KBool writes "k":v.
func (w *Writer) KBool(k string, v bool) { w.Key(k); w.Bool(v) }

// KHex writes "k":"hex".
func (w *Writer) KHex(k string, v []byte) { w.Key(k); w.Hex(v) }

const hexDigits = "0123456789abcdef"

// AppendHex appends b in lower-case hex; when sep is not 0 it is written
// between bytes (as in certificate fingerprints "aa:bb:…").
func AppendHex(dst, b []byte, sep byte) []byte {
	for i, c := range b {
		if sep != 0 && i > 0 {
			dst = append(dst, sep)
		}
		dst = append(dst, hexDigits[c>>4], hexDigits[c&15])
	}
	return dst
}

// safeASCII marks bytes copied to JSON strings as they are.
var safeASCII = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return
}()

// AppendString appends s as a quoted JSON string. Runs of plain ASCII are
// copied in bulk (a per-byte loop was 10% of a whole run's CPU profile).
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && safeASCII[s[j]] {
			j++
		}
		dst = append(dst, s[i:j]...)
		if i = j; i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			dst = appendASCII(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = appendU(dst, uint16(c))
		} else {
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return append(dst, '"')
}

// AppendBytes appends b as a quoted JSON string. Valid UTF-8 is kept; each
// byte of an invalid sequence is written as \u00XX (its Latin-1 reading), so
// the output is always valid JSON and no input byte is lost.
func AppendBytes(dst, b []byte) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(b); {
		j := i
		for j < len(b) && safeASCII[b[j]] {
			j++
		}
		dst = append(dst, b[i:j]...)
		if i = j; i >= len(b) {
			break
		}
		c := b[i]
		if c < utf8.RuneSelf {
			dst = appendASCII(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			dst = appendU(dst, uint16(c))
		} else {
			dst = append(dst, b[i:i+n]...)
		}
		i += n
	}
	return append(dst, '"')
}

func appendASCII(dst []byte, c byte) []byte {
	switch {
	case c == '"':
		return append(dst, '\\', '"')
	case c == '\\':
		return append(dst, '\\', '\\')
	case c == '\n':
		return append(dst, '\\', 'n')
	case c == '\r':
		return append(dst, '\\', 'r')
	case c == '\t':
		return append(dst, '\\', 't')
	case c < 0x20 || c == 0x7f:
		return appendU(dst, uint16(c))
	}
	return append(dst, c)
}

func appendU(dst []byte, v uint16) []byte {
	return append(dst, '\\', 'u', hexDigits[v>>12], hexDigits[v>>8&15], hexDigits[v>>4&15], hexDigits[v&15])
}
