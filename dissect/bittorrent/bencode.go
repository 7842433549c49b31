package bittorrent

// Bencode helpers over a byte slice. They never allocate and bound their
// recursion, so probes may call them.

const maxDepth = 8

// skipValue returns the index just past the bencoded value starting at b[i],
// or -1 if it is malformed or nested deeper than maxDepth.
func skipValue(b []byte, i, depth int) int {
	if i >= len(b) || depth > maxDepth {
		return -1
	}
	switch c := b[i]; {
	case c == 'i':
		i++
		if i < len(b) && b[i] == '-' {
			i++
		}
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == start || i >= len(b) || b[i] != 'e' {
			return -1
		}
		return i + 1
	case c >= '0' && c <= '9':
		s, e := readString(b, i)
		if s < 0 {
			return -1
		}
		return e
	case c == 'l' || c == 'd':
		i++
		for n := 0; i < len(b) && b[i] != 'e'; n++ {
			if c == 'd' && n%2 == 0 && (b[i] < '0' || b[i] > '9') {
				return -1 // dictionary keys are strings
			}
			if i = skipValue(b, i, depth+1); i < 0 {
				return -1
			}
		}
		if i >= len(b) {
			return -1
		}
		return i + 1
	}
	return -1
}

// readString parses a bencoded string at b[i] and returns the bounds of its
// content [s, e); s is -1 when malformed.
func readString(b []byte, i int) (s, e int) {
	n := 0
	j := i
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		n = n*10 + int(b[j]-'0')
		if n > 1<<16 {
			return -1, -1
		}
		j++
	}
	if j == i || j >= len(b) || b[j] != ':' {
		return -1, -1
	}
	s = j + 1
	if s+n > len(b) {
		return -1, -1
	}
	return s, s + n
}

// dictEach calls fn for each key/value of the dictionary at b[i]; the value
// is given as its raw bencoded bounds [vs, ve). It returns false if the
// dictionary is malformed.
func dictEach(b []byte, i int, fn func(key []byte, vs, ve int)) bool {
	if i >= len(b) || b[i] != 'd' {
		return false
	}
	i++
	for i < len(b) && b[i] != 'e' {
		ks, ke := readString(b, i)
		if ks < 0 {
			return false
		}
		ve := skipValue(b, ke, 1)
		if ve < 0 {
			return false
		}
		fn(b[ks:ke], ke, ve)
		i = ve
	}
	return i < len(b)
}
