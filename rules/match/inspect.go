package match

import (
	"bytes"
	"encoding/base64"
	"math/bits"

	"github.com/netsift/netsift/rules"
)

// recursionLimit bounds the backtracking work of one chain on one buffer
// value, like Suricata's inspection_recursion_limit (3000): hostile
// payloads with many occurrences of an early content cannot blow up
// a rule with several relative contents.
const recursionLimit = 3000

// chainMatch evaluates steps[i:] of ch on buf, prev being the end of the
// previous match (the position relative keywords count from) and last the
// end of the last content/pcre match (-1 none). It retries an earlier
// content or pcre at its next occurrence when a later relative keyword
// fails, as Suricata does, and, under Tx.Fresh (s.fresh > 0), retries the
// last content/pcre until it ends beyond s.fresh.
func (s *scratch) chainMatch(ch *chain, i int, buf []byte, prev, last int) bool {
	if i == len(ch.steps) {
		return s.fresh <= 0 || last > s.fresh
	}
	s.budget--
	if s.budget < 0 {
		return false
	}
	st := &ch.steps[i]
	m := st.m
	nv := len(s.vars)
	switch m.Kind {
	case rules.MatchContent:
		c := m.Content
		start, end, ok := s.window(c, prev, len(buf), len(st.pat))
		if c.Negated {
			if ok && s.find(st, c, buf, start, end) >= 0 {
				return false
			}
			return s.chainMatch(ch, i+1, buf, prev, last)
		}
		for ok {
			p := s.find(st, c, buf, start, end)
			if p < 0 {
				return false
			}
			if s.chainMatch(ch, i+1, buf, p+len(st.pat), p+len(st.pat)) {
				return true
			}
			s.vars = s.vars[:nv]
			if !s.retry(ch, i) {
				return false
			}
			start = p + 1
		}
		return false

	case rules.MatchPCRE:
		base := 0
		if m.PCRE.Relative {
			base = prev
		}
		if base > len(buf) {
			return m.PCRE.Negated && s.chainMatch(ch, i+1, buf, prev, last)
		}
		if len(s.runes) != len(buf) || len(buf) == 0 {
			s.runes = s.runes[:0]
			for _, c := range buf {
				s.runes = append(s.runes, rune(c))
			}
		}
		mt, err := st.re.FindRunesMatch(s.runes[base:])
		if err != nil {
			// Timeout: the chain fails (negated pcre too) and is not
			// retried, so one value costs at most one timeout.
			s.budget = -1
			return false
		}
		if m.PCRE.Negated {
			if mt != nil {
				return false
			}
			return s.chainMatch(ch, i+1, buf, prev, last)
		}
		for mt != nil {
			if s.chainMatch(ch, i+1, buf, base+mt.Index+mt.Length, base+mt.Index+mt.Length) {
				return true
			}
			s.vars = s.vars[:nv]
			if !s.retry(ch, i) {
				return false
			}
			s.budget--
			if mt, err = st.re.FindNextMatch(mt); err != nil {
				s.budget = -1
				return false
			}
		}
		return false

	case rules.MatchByteTest:
		b := m.Byte
		v, ok := s.readAt(b, buf, prev)
		if !ok {
			return false
		}
		want, ok := s.num(b.Value)
		if !ok {
			return false
		}
		if !byteCompare(b.Op, v, uint64(want)) {
			return false
		}
		return s.chainMatch(ch, i+1, buf, prev, last)

	case rules.MatchByteJump:
		b := m.Byte
		off, ok := s.num(b.Offset)
		if !ok {
			return false
		}
		base := int64(0)
		if b.Relative {
			base = int64(prev)
		}
		var v uint64
		if b.Bytes > 0 || b.String != "" {
			if v, ok = s.readAt(b, buf, prev); !ok {
				return false
			}
		}
		val := int64(v)
		if b.Multiplier != 0 {
			val *= b.Multiplier
		}
		if b.Align && val%4 != 0 {
			val += 4 - val%4
		}
		var pos int64
		switch {
		case b.FromBeginning:
			pos = val
		case b.FromEnd:
			pos = int64(len(buf)) + val
		default:
			pos = base + off + int64(b.Bytes) + val
		}
		pos += b.PostOffset
		// Suricata 7+: a jump before the buffer start lands on the start;
		// past the end fails (exactly the end is allowed).
		if pos < 0 {
			pos = 0
		}
		if pos > int64(len(buf)) {
			return false
		}
		return s.chainMatch(ch, i+1, buf, int(pos), last)

	case rules.MatchByteExtract:
		b := m.Byte
		off, ok := s.num(b.Offset)
		if !ok {
			return false
		}
		v, ok := s.readAt(b, buf, prev)
		if !ok {
			return false
		}
		val := int64(v)
		if b.Multiplier != 0 {
			val *= b.Multiplier
		}
		if b.Align && val%4 != 0 {
			val += 4 - val%4
		}
		s.vars = append(s.vars, varVal{b.Name, val})
		base := int64(0)
		if b.Relative {
			base = int64(prev)
		}
		if s.chainMatch(ch, i+1, buf, int(base+off+int64(b.Bytes)), last) {
			return true
		}
		s.vars = s.vars[:nv]
		return false

	case rules.MatchIsDataAt:
		d := m.IsDataAt
		n, ok := s.num(d.Offset)
		if !ok {
			return false
		}
		// Suricata: absolute "isdataat:n" needs a byte at index n; relative
		// needs n bytes after the previous match.
		var has bool
		if d.Relative {
			has = int64(prev)+n <= int64(len(buf))
		} else {
			has = n < int64(len(buf))
		}
		if has == d.Negated {
			return false
		}
		return s.chainMatch(ch, i+1, buf, prev, last)

	case rules.MatchBsize:
		if !intMatch(m.Size, uint64(len(buf))) {
			return false
		}
		return s.chainMatch(ch, i+1, buf, prev, last)

	case rules.MatchBase64Decode:
		d := m.Base64
		start := d.Offset
		if d.Relative {
			start += int64(prev)
		}
		if start < 0 || start > int64(len(buf)) {
			return false
		}
		src := buf[start:]
		if d.Bytes > 0 && int64(len(src)) > d.Bytes {
			src = src[:d.Bytes]
		}
		s.b64 = decodeBase64(s.b64[:0], src)
		s.hasB64 = len(s.b64) > 0
		return s.chainMatch(ch, i+1, buf, prev, last)
	}
	return false
}

// window computes the search window [start, end) of a content. ok is false
// when the window is empty or outside the buffer.
func (s *scratch) window(c *rules.Content, prev, n, plen int) (start, end int, ok bool) {
	end = n
	switch {
	case c.Startswith:
		start, end = 0, min(n, plen)
	case c.Relative():
		var dist int64
		if c.Distance.Set {
			d, ok := s.num(c.Distance)
			if !ok {
				return 0, 0, false
			}
			dist = d
		}
		st := int64(prev) + dist
		if st < 0 {
			st = 0
		}
		start = int(min(st, int64(n)+1))
		if c.Within.Set {
			w, ok := s.num(c.Within)
			if !ok {
				return 0, 0, false
			}
			e := int64(prev) + dist + w
			if e < int64(end) {
				end = int(max(e, 0))
			}
		}
	default:
		if c.Offset.Set {
			o, ok := s.num(c.Offset)
			if !ok || o < 0 {
				return 0, 0, false
			}
			start = int(min(o, int64(n)+1))
		}
		if c.Depth.Set {
			d, ok := s.num(c.Depth)
			if !ok {
				return 0, 0, false
			}
			if e := int64(start) + d; e < int64(end) {
				end = int(max(e, 0))
			}
		}
	}
	if c.Endswith {
		// The match must end at the end of the buffer.
		if end < n {
			return 0, 0, false
		}
		if p := n - plen; p > start {
			start = p
		}
	}
	return start, end, start <= end && end-start >= plen
}

// find returns the first position ≥ start where the pattern occurs entirely
// inside [start, end), or -1.
func (s *scratch) find(st *step, c *rules.Content, buf []byte, start, end int) int {
	if start > end || end-start < len(st.pat) {
		return -1
	}
	w := buf[start:end]
	var p int
	if c.Nocase {
		p = indexFold(w, st.pat)
	} else {
		p = bytes.Index(w, st.pat)
	}
	if p < 0 {
		return -1
	}
	if c.Endswith && start+p+len(st.pat) != len(buf) {
		return -1
	}
	return start + p
}

// indexFold is bytes.Index with ASCII case folding; pat is lower case.
func indexFold(w, pat []byte) int {
	if len(pat) == 0 {
		return 0
	}
	f0 := pat[0]
	u0 := f0
	if f0 >= 'a' && f0 <= 'z' {
		u0 = f0 - 32
	}
	for i := 0; i+len(pat) <= len(w); {
		j := bytes.IndexByte(w[i:len(w)-len(pat)+1], f0)
		if u0 != f0 {
			if k := bytes.IndexByte(w[i:len(w)-len(pat)+1], u0); k >= 0 && (j < 0 || k < j) {
				j = k
			}
		}
		if j < 0 {
			return -1
		}
		i += j
		ok := true
		for k := 1; k < len(pat); k++ {
			if lowerTab[w[i+k]] != pat[k] {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
		i++
	}
	return -1
}

// num resolves a modifier value: a literal or a byte_extract variable (the
// latest extraction of that name). ok is false for an unset variable.
func (s *scratch) num(n rules.Num) (int64, bool) {
	if n.Var == "" {
		return n.Val, true
	}
	for i := len(s.vars) - 1; i >= 0; i-- {
		if s.vars[i].name == n.Var {
			return s.vars[i].val, true
		}
	}
	return 0, false
}

// readAt reads the number a byte_test/byte_jump/byte_extract names:
// b.Bytes bytes at b.Offset (from prev when relative), binary (big or
// little endian) or a string in b.String's base, then applies the bitmask
// (shifted right by its trailing zero bits, as Suricata does).
func (s *scratch) readAt(b *rules.ByteOp, buf []byte, prev int) (uint64, bool) {
	off, ok := s.num(b.Offset)
	if !ok {
		return 0, false
	}
	if b.Relative {
		off += int64(prev)
	}
	if off < 0 || off > int64(len(buf)) {
		return 0, false
	}
	var v uint64
	if b.String != "" {
		end := int64(len(buf))
		if b.Bytes > 0 {
			end = off + int64(b.Bytes)
			if end > int64(len(buf)) {
				return 0, false
			}
		}
		base := uint64(10)
		switch b.String {
		case "hex":
			base = 16
		case "oct":
			base = 8
		}
		digits := 0
		for _, c := range buf[off:end] {
			d := uint64(99)
			switch {
			case c >= '0' && c <= '9':
				d = uint64(c - '0')
			case c >= 'a' && c <= 'f':
				d = uint64(c-'a') + 10
			case c >= 'A' && c <= 'F':
				d = uint64(c-'A') + 10
			}
			if d >= base {
				break
			}
			v = v*base + d
			digits++
		}
		if digits == 0 {
			return 0, false
		}
	} else {
		if b.Bytes < 1 || b.Bytes > 8 || off+int64(b.Bytes) > int64(len(buf)) {
			return 0, false
		}
		p := buf[off : off+int64(b.Bytes)]
		if b.Endian == "little" || b.Endian == "dce" {
			for i := len(p) - 1; i >= 0; i-- {
				v = v<<8 | uint64(p[i])
			}
		} else {
			for _, c := range p {
				v = v<<8 | uint64(c)
			}
		}
	}
	if b.Bitmask != 0 {
		v &= b.Bitmask
		v >>= uint(bits.TrailingZeros64(b.Bitmask))
	}
	return v, true
}

func byteCompare(op string, v, want uint64) bool {
	neg := len(op) > 0 && op[0] == '!'
	if neg {
		op = op[1:]
	}
	var r bool
	switch op {
	case "<":
		r = v < want
	case ">":
		r = v > want
	case "=":
		r = v == want
	case "<=":
		r = v <= want
	case ">=":
		r = v >= want
	case "&":
		r = v&want != 0
	case "^":
		r = v^want != 0
	}
	return r != neg
}

// decodeBase64 decodes src leniently, as Suricata's base64_decode does:
// whitespace is skipped and decoding stops at the first other
// non-alphabet byte or '='.
func decodeBase64(dst, src []byte) []byte {
	var q [4]byte
	n := 0
	for _, c := range src {
		if c == ' ' || c == '\r' || c == '\n' || c == '\t' {
			continue
		}
		if c == '=' || base64Val[c] < 0 {
			break
		}
		q[n] = c
		n++
		if n == 4 {
			var out [3]byte
			base64.StdEncoding.Decode(out[:], q[:])
			dst = append(dst, out[:]...)
			n = 0
		}
	}
	if n >= 2 {
		for k := n; k < 4; k++ {
			q[k] = '='
		}
		var out [3]byte
		base64.StdEncoding.Decode(out[:], q[:])
		dst = append(dst, out[:n-1]...)
	}
	return dst
}

var base64Val = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/" {
		t[c] = int8(i)
	}
	return
}()

// retry reports whether step i (a content or pcre that matched but whose
// continuation failed) should be tried at its next occurrence: when a later
// step is relative to it, or when it is the chain's last content/pcre and
// Tx.Fresh asks for a match ending in new data.
func (s *scratch) retry(ch *chain, i int) bool {
	return s.budget >= 0 && (ch.relAfter[i] || s.fresh > 0 && i == ch.lastIdx)
}
