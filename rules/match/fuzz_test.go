package match

import (
	"slices"
	"testing"
	"time"

	"github.com/netsift/netsift/rules"
)

// FuzzMatch compiles random rule options (behind a fixed header) and
// matches them against a random payload, also offered as every sticky
// buffer (twice, as a multi-buffer). It checks that nothing panics, that a
// Tx is decided in bounded time, and that the prefiltered Match agrees with
// the evaluate-everything reference.
func FuzzMatch(f *testing.F) {
	for _, s := range []struct {
		opts, payload string
		fresh         uint16
	}{
		{`content:"abc"; nocase; offset:1; depth:5;`, "xABCx", 0},
		{`content:"a"; content:"b"; distance:0; within:2; isdataat:1,relative;`, "a.a.ab..", 3},
		{`pcre:"/^foo.{2,}bar/smi"; content:!"baz";`, "FOO\n\nbar", 0},
		{`content:"|00|"; byte_jump:1,0,relative; byte_test:1,>,3,0,relative; byte_extract:1,0,v,relative; content:"z"; distance:v;`, "\x00\x01\x05\x02..z", 0},
		{`http.uri; content:"/x"; bsize:<10; http.host; dotprefix; content:".ex"; endswith;`, "/x.ex", 0},
		{`content:"b64,"; base64_decode:relative; base64_data; content:"hi";`, "b64,aGk=", 2},
		{`dsize:>3; flowbits:set,a; flowbits:isset,a; threshold:type both,track by_src,count 1,seconds 1;`, "abcd", 0},
	} {
		f.Add(s.opts, []byte(s.payload), s.fresh)
	}
	f.Fuzz(func(t *testing.T, opts string, payload []byte, fresh uint16) {
		text := `alert tcp any any -> any any (msg:"f"; ` + opts + ` sid:1;)`
		r, err := rules.ParseRule(text)
		if err != nil {
			return
		}
		rs := &rules.RuleSet{Rules: []*rules.Rule{r}}
		m, err := Compile(rs)
		if err != nil {
			return
		}
		ref, _ := Compile(rs)
		tx := baseTx("")
		tx.Payload = payload
		tx.Fresh = int(fresh) % (len(payload) + 1)
		tx.AppProto = r.AppProto
		bufs := [][]byte{payload, payload[:len(payload)/2]}
		tx.Buf = func(string) [][]byte { return bufs }
		start := time.Now()
		var got, want []uint32
		m.Match(tx, func(r *rules.Rule) { got = append(got, r.SID) })
		tx.Flow = &FlowState{}
		ref.match(tx, func(r *rules.Rule) { want = append(want, r.SID) }, true)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("%s: %v for one Tx", text, d)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s on %q: Match %v, reference %v", text, payload, got, want)
		}
	})
}
