package http

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"io"
	"sync"
)

// maxBody bounds the body bytes kept per message for the signature engine
// (http.request_body, http.response_body, file.data), dechunked, and the
// decoded size of a compressed response body. Suricata's defaults are
// similar (request/response-body-limit 100 KiB, inspected in 32–40 KiB
// windows). Bytes past the limit are not kept; the transaction is offered
// to the engine as soon as the limit is reached.
const maxBody = 64 << 10

// encoding is a Content-Encoding the rule fields decode (Suricata decodes
// gzip and deflate response bodies; libhtp does one layer here).
type encoding uint8

const (
	encIdentity encoding = iota
	encGzip
	encDeflate
)

// contentEncoding reads a Content-Encoding value; only a single gzip or
// deflate coding is decoded.
func contentEncoding(v []byte) encoding {
	switch {
	case eqFold(v, "gzip"), eqFold(v, "x-gzip"):
		return encGzip
	case eqFold(v, "deflate"):
		return encDeflate
	}
	return encIdentity
}

// bodyPool holds *[]byte buffers of capacity maxBody. A buffer is taken
// when a message with a body starts and returned as soon as the message
// has been offered to the signature engine, so memory follows the bodies
// in flight, not the number of flows.
var bodyPool = sync.Pool{New: func() any {
	b := make([]byte, 0, maxBody)
	return &b
}}

// body is one direction's body capture.
type body struct {
	buf    *[]byte // from bodyPool while capturing; nil otherwise
	active bool    // a body is being read for the current message
	full   bool    // maxBody reached: already offered, rest ignored
}

// start begins capturing a new body.
func (b *body) start() {
	b.release()
	b.active, b.full = true, false
	b.buf = bodyPool.Get().(*[]byte)
	*b.buf = (*b.buf)[:0]
}

// add appends data up to maxBody and reports whether the limit was just
// reached.
func (b *body) add(data []byte) bool {
	if !b.active || b.full || b.buf == nil {
		return false
	}
	k := min(len(data), maxBody-len(*b.buf))
	*b.buf = append(*b.buf, data[:k]...)
	if len(*b.buf) == maxBody {
		b.full = true
		return true
	}
	return false
}

// bytes returns the captured body (nil when none).
func (b *body) bytes() []byte {
	if b.buf == nil {
		return nil
	}
	return *b.buf
}

// release returns the buffer to the pool.
func (b *body) release() {
	if b.buf != nil {
		bodyPool.Put(b.buf)
		b.buf = nil
	}
	b.active = false
}

// decoder is a reusable gzip/deflate reader; pooled so that flows do not
// each keep a ~40 KiB inflate state.
type decoder struct {
	src bytes.Reader
	gz  gzip.Reader
	fl  io.ReadCloser
}

var decoderPool = sync.Pool{New: func() any { return new(decoder) }}

// decode appends the decoding of src (at most maxBody bytes of output)
// to dst. A body cut short (the capture limit, a truncated transfer)
// still yields what could be decoded; when nothing could, ok is false.
func decode(dst []byte, src []byte, enc encoding) (out []byte, ok bool) {
	d := decoderPool.Get().(*decoder)
	defer decoderPool.Put(d)
	d.src.Reset(src)
	var r io.Reader
	switch enc {
	case encGzip:
		if err := d.gz.Reset(&d.src); err != nil {
			return dst, false
		}
		r = &d.gz
	case encDeflate:
		// RFC 9110 says zlib-wrapped; raw deflate is common too.
		if len(src) >= 2 && src[0]&0x0f == 8 && (uint16(src[0])<<8|uint16(src[1]))%31 == 0 {
			d.src.Reset(src[2:])
		}
		if d.fl == nil {
			d.fl = flate.NewReader(&d.src)
		} else if err := d.fl.(flate.Resetter).Reset(&d.src, nil); err != nil {
			return dst, false
		}
		r = d.fl
	default:
		return append(dst, src...), true
	}
	start := len(dst)
	for len(dst)-start < maxBody {
		if len(dst) == cap(dst) {
			dst = append(dst, 0)[:len(dst)]
		}
		n, err := r.Read(dst[len(dst):min(cap(dst), start+maxBody)])
		dst = dst[:len(dst)+n]
		if err != nil {
			break
		}
	}
	return dst, len(dst) > start
}
