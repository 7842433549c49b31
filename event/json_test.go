package event

import (
	"encoding/json"
	"testing"
	"time"
)

func TestWriterNesting(t *testing.T) {
	var w Writer
	w.ObjStart()
	w.KString("a", "x\"y\\z\n\x01é")
	w.Key("arr")
	w.ArrStart()
	w.Int(1)
	w.ObjStart()
	w.KBool("b", true)
	w.ObjEnd()
	w.Bytes([]byte{0xff, 'o', 'k'})
	w.ArrEnd()
	w.KHex("h", []byte{0xab, 0x01})
	w.ObjEnd()
	want := `{"a":"x\"y\\z\n\u0001é","arr":[1,{"b":true},"\u00ffok"],"h":"ab01"}`
	if string(w.B) != want {
		t.Fatalf("got  %s\nwant %s", w.B, want)
	}
	if !json.Valid(w.B) {
		t.Fatal("invalid JSON")
	}
}

func TestAppendTime(t *testing.T) {
	for _, tm := range []time.Time{time.Unix(0, 0), time.Date(2026, 11, 1, 12, 3, 4, 5006000, time.UTC), time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("x", 3600))} {
		got := string(AppendTime(nil, tm))
		want := tm.UTC().Format(TimeLayout)
		if got != want {
			t.Errorf("got %s want %s", got, want)
		}
	}
}

func FuzzAppendBytes(f *testing.F) {
	f.Add([]byte("plain"))
	f.Add([]byte{0xc3, 0xa9, 0xff, '"', '\\', 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		out := AppendBytes(nil, b)
		if !json.Valid(out) {
			t.Fatalf("invalid JSON for %q: %s", b, out)
		}
		var s string
		if err := json.Unmarshal(out, &s); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkAppendString(b *testing.B) {
	s := "www.example.com/some/path?with=query&and=more"
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = AppendString(buf[:0], s)
	}
}
