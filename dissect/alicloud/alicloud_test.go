package alicloud

import (
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestProbe(t *testing.T) {
	c := &dissect.Ctx{Proto: 6}
	for _, tc := range []struct {
		in   []byte
		want dissect.Verdict
	}{
		{[]byte{0xce, 0xfa, 0xbe, 0xba, 0, 0, 0, 3, 'a', 'b', 'c'}, dissect.Match},
		{[]byte{0xce, 0xfa, 0xbe, 0xba, 0, 0, 0, 9}, dissect.Match},
		{[]byte{0xce, 0xfa, 0xbe}, dissect.NeedMore},
		{[]byte{0xce, 0xfa, 0xbe, 0xba, 0, 0, 0, 4, 'a'}, dissect.NoMatch},
		{[]byte("GET / HTTP/1.1\r\n"), dissect.NoMatch},
	} {
		if got := probe(c, dissect.ToServer, tc.in); got != tc.want {
			t.Errorf("probe(% x) = %v, want %v", tc.in, got, tc.want)
		}
	}
	in := []byte{0xce, 0xfa, 0xbe, 0xba, 0, 0, 0, 1, 'x'}
	if n := testing.AllocsPerRun(100, func() { probe(c, dissect.ToServer, in) }); n != 0 {
		t.Fatalf("probe allocates %v", n)
	}
}

func TestAgreementNDPI(t *testing.T) {
	hits, total, missed, fp := dissecttest.Agreement(t, Dissector, "AliCloud")
	t.Logf("AliCloud: %d/%d, false positives %d; missed %v; fp %v", hits, total, len(fp), missed, fp)
	if total > 0 && hits*100 < total*95 || len(fp) > 0 {
		t.Fatalf("agreement %d/%d, %d false positives", hits, total, len(fp))
	}
}

func FuzzProbe(f *testing.F) {
	f.Add([]byte{0xce, 0xfa, 0xbe, 0xba, 0, 0, 0, 3, 'a', 'b', 'c'})
	f.Fuzz(func(t *testing.T, b []byte) {
		probe(&dissect.Ctx{Proto: 6}, dissect.ToServer, b)
	})
}
