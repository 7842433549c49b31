// Package ndpitest reads the TLS/QUIC fingerprint fields of nDPI's .out
// files ([JA3C: …], [JA4: …], [Hostname/SNI: …]) for the tls, quic and dtls
// tests. It is test support only.
package ndpitest

import (
	"bufio"
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Fields are the fingerprint fields of one nDPI flow line.
type Fields struct {
	JA3C, JA4, SNI, QUICVer string
}

var (
	lineRE = regexp.MustCompile(`^\t(\d+)\t(\S+) (\[[0-9A-Fa-f:.]+\]|[0-9.]+):(\d+) (<->|->) (\[[0-9A-Fa-f:.]+\]|[0-9.]+):(\d+) (.*)$`)
	ja3RE  = regexp.MustCompile(`\[JA3C: ([0-9a-f]{32})`)
	ja4RE  = regexp.MustCompile(`\[JA4: ([^\]]+)\]`)
	sniRE  = regexp.MustCompile(`\[Hostname/SNI: (.*?)\](\[|$)`)
	qverRE = regexp.MustCompile(`\[QUIC ver: ([^\]]+)\]`)
)

// Key is an unordered flow key: the two endpoints in sorted order.
type Key struct{ A, B netip.AddrPort }

// MakeKey orders the endpoints so both directions give the same key.
func MakeKey(a, b netip.AddrPort) Key {
	if b.Compare(a) < 0 {
		a, b = b, a
	}
	return Key{a, b}
}

func addr(s, port string) netip.AddrPort {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	a, _ := netip.ParseAddr(s)
	p, _ := strconv.Atoi(port)
	return netip.AddrPortFrom(a, uint16(p))
}

// Read returns the fields of every flow line of pcapDir/../result/name.out,
// or nil when the file is missing.
func Read(pcapDir, name string) map[Key]Fields {
	data, err := os.ReadFile(filepath.Join(pcapDir, "..", "result", name+".out"))
	if err != nil {
		return nil
	}
	out := map[Key]Fields{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := lineRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		var f Fields
		rest := m[8]
		if x := ja3RE.FindStringSubmatch(rest); x != nil {
			f.JA3C = x[1]
		}
		if x := ja4RE.FindStringSubmatch(rest); x != nil {
			f.JA4 = x[1]
		}
		if x := sniRE.FindStringSubmatch(rest); x != nil {
			f.SNI = x[1]
		}
		if x := qverRE.FindStringSubmatch(rest); x != nil {
			f.QUICVer = x[1]
		}
		out[MakeKey(addr(m[3], m[4]), addr(m[6], m[7]))] = f
	}
	return out
}

// NormJA4 masks the parts of a JA4 where nDPI 4.11 departs from the FoxIO
// spec, so the rest can be compared exactly: the SNI flag (nDPI writes 'i'
// for an IP-literal SNI and 'd' when it learned a name elsewhere), the two
// ALPN characters (nDPI takes the first two), and the hash of an empty
// list (nDPI hashes "", the spec writes 000000000000).
func NormJA4(s string) string {
	if len(s) < 10 {
		return s
	}
	b := []byte(s)
	b[3] = '?'
	b[8], b[9] = '?', '?'
	return strings.ReplaceAll(string(b), "e3b0c44298fc", "000000000000")
}

// WriteSeed writes one Go fuzzing seed file testdata/fuzz/<target>/<name>
// (relative to the test's package directory) holding the given values,
// which must be []byte or uint8.
func WriteSeed(t interface{ Fatal(...any) }, target, name string, vals ...any) {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, v := range vals {
		switch v := v.(type) {
		case []byte:
			b.WriteString("[]byte(" + strconv.Quote(string(v)) + ")\n")
		case uint8:
			b.WriteString("uint8(" + strconv.Itoa(int(v)) + ")\n")
		default:
			t.Fatal("WriteSeed: unsupported type")
		}
	}
	dir := filepath.Join("testdata", "fuzz", target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
