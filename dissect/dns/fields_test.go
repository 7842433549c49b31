package dns

import (
	"encoding/binary"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestRuleFields(t *testing.T) {
	// Two questions (the second compressed against the first), then the
	// response: each message is its own transaction; only the request
	// offers dns.query, once per question.
	q := newMsg(7, 0x0100, 2, 0, 0, 0).name("a.Example.com").u16(1, 1).raw(1, 'b').ptr(14).u16(28, 1).b
	rec := &dissecttest.Recorder{}
	c := ctx(17, 53, rec)
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, q)
	p.Feed(c, dissect.ToClient, response())
	p.Feed(c, dissect.ToServer, query())
	want := []string{
		"0 dns dns.query=a.Example.com",
		"0 dns dns.query=b.Example.com",
		"2 dns dns.query=www.example.com",
	}
	if !slices.Equal(rec.Buffers, want) {
		t.Errorf("buffers:\n%s\nwant\n%s", strings.Join(rec.Buffers, "\n"), strings.Join(want, "\n"))
	}

	// TCP: two length-prefixed queries in one segment, split anywhere.
	var seg []byte
	for _, m := range [][]byte{query(), q} {
		seg = binary.BigEndian.AppendUint16(seg, uint16(len(m)))
		seg = append(seg, m...)
	}
	for cut := 0; cut <= len(seg); cut++ {
		rec := &dissecttest.Recorder{}
		c := ctx(6, 53, rec)
		p := Dissector.New()
		p.Feed(c, dissect.ToServer, seg[:cut])
		p.Feed(c, dissect.ToServer, seg[cut:])
		want := []string{"0 dns dns.query=www.example.com", "1 dns dns.query=a.Example.com", "1 dns dns.query=b.Example.com"}
		if !slices.Equal(rec.Buffers, want) {
			t.Fatalf("tcp cut %d: %q", cut, rec.Buffers)
		}
	}
}

// TestRuleFieldsCorpus: a WhatsApp lookup from nDPI's dns.pcap.
func TestRuleFieldsCorpus(t *testing.T) {
	dir := dissecttest.NDPICorpus(t)
	var got []string
	for _, f := range dissecttest.ReadFlows(t, filepath.Join(dir, "dns.pcap")) {
		if r := dissecttest.Run(Dissector, f); r.Verdict == dissect.Match {
			got = append(got, r.Rec.Buffers...)
		}
	}
	if !slices.Contains(got, "0 dns dns.query=e7.whatsapp.net") {
		t.Errorf("buffers %q", got)
	}
}
