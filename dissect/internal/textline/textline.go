// Package textline holds what line-oriented text protocols (FTP, SMTP,
// POP3, IMAP) share: splitting a direction's byte stream into lines with a
// bounded buffer, and ASCII case-insensitive matching of commands.
package textline

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// MaxLine bounds a buffered partial line; longer lines are dropped and
// reported as an anomaly.
const MaxLine = 4096

// Lines splits one direction's byte stream into lines (without CR LF),
// buffering a partial line up to MaxLine bytes. The zero value is ready.
type Lines struct{ buf []byte }

// Reset drops a buffered partial line (after a gap).
func (l *Lines) Reset() { l.buf = l.buf[:0] }

// Each calls fn for every complete line in data; fn returns false to stop,
// and Each then reports false. A line over MaxLine is dropped and counted
// as the anomaly kind tooLong. The line is valid only during fn.
func (l *Lines) Each(c *dissect.Ctx, tooLong string, data []byte, fn func(line []byte) bool) bool {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			if len(l.buf)+len(data) > MaxLine {
				c.Emit.Anomaly(tooLong)
				l.buf = l.buf[:0]
			} else {
				l.buf = append(l.buf, data...)
			}
			return true
		}
		line := data[:i]
		if len(l.buf) > 0 {
			if len(l.buf)+i > MaxLine {
				c.Emit.Anomaly(tooLong)
				l.buf = l.buf[:0]
				data = data[i+1:]
				continue
			}
			l.buf = append(l.buf, line...)
			line = l.buf
		}
		data = data[i+1:]
		ok := fn(bytes.TrimRight(line, "\r"))
		l.buf = l.buf[:0]
		if !ok {
			return false
		}
	}
	return true
}

// Upper upper-cases an ASCII letter.
func Upper(b byte) byte {
	if b >= 'a' && b <= 'z' {
		return b - 32
	}
	return b
}

// HasPrefixFold reports whether s starts with p (p upper-case ASCII).
func HasPrefixFold(s []byte, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if Upper(s[i]) != p[i] {
			return false
		}
	}
	return true
}

// ContainsFold reports whether s contains sub (sub upper-case ASCII).
func ContainsFold(s []byte, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if HasPrefixFold(s[i:], sub) {
			return true
		}
	}
	return false
}
