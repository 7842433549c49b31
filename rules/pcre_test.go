package rules

import (
	"testing"

	"github.com/dlclark/regexp2"
)

func TestRegexp2Pattern(t *testing.T) {
	tests := []struct{ in, want string }{
		{`abc`, `abc`},
		{`(?P<v>\w+)=(?P=v)`, `(?<v>\w+)=\k<v>`},
		{`images\_(a|b)[\_x]`, `images_(a|b)[_x]`},
		{`(?:[a-z]{4})*+x`, `(?>(?:[a-z]{4})*)x`},
		{`^\d{2,5}+(?!\&|\d)`, `^(?>\d{2,5})(?!\&|\d)`},
		{`[a-z]{50,}+[&]`, `(?>[a-z]{50,})[&]`},
		{`a++b?+c`, `(?>a+)(?>b?)c`},
		{`a{x}+`, `a{x}+`},
		{`[]a]+\/`, `[]a]+\/`},
		{"\xe9+", "\u00e9+"},
		{"\\\xe9", "\\\u00e9"},
		{`[\x22\x2]\x4\x{41}\x{263a}\x41`, `[\x22\x02]\x04\u0041\u263a\x41`},
	}
	for _, tt := range tests {
		p := &PCRE{Pattern: tt.in}
		if got := p.Regexp2Pattern(); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
	// Possessive semantics survive: a++a never matches.
	re := regexp2.MustCompile((&PCRE{Pattern: `a++a`}).Regexp2Pattern(), 0)
	if ok, _ := re.MatchString("aaaa"); ok {
		t.Error("a++a matched aaaa")
	}
	// Named back-reference works.
	re = regexp2.MustCompile((&PCRE{Pattern: `(?P<v>x+)-(?P=v)`}).Regexp2Pattern(), 0)
	if ok, _ := re.MatchString("xx-xx"); !ok {
		t.Error("back-reference failed")
	}
}
