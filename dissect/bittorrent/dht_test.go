package bittorrent

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

var dhtSeeds = [][]byte{
	[]byte("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe"),
	[]byte("d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:v4:LT\x01\x011:y1:qe"),
	append(append([]byte("d1:rd2:id20:mnopqrstuvwxyz1234565:nodes26:"), []byte("ABCDEFGHIJKLMNOPQRST\xc0\x00\x02\x01\x1a\xe1")...), []byte("e1:t2:aa1:y1:re")...),
	[]byte("d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee"),
}

func TestDHTProbeAndEvents(t *testing.T) {
	for i, s := range dhtSeeds {
		c := seedCtx(seed{proto: 17, sport: 6881, dport: 6881})
		if v := DHT.Probe(c, dissect.ToServer, s); v != dissect.Match {
			t.Fatalf("seed %d: probe = %d", i, v)
		}
		if n := testing.AllocsPerRun(50, func() { DHT.Probe(c, dissect.ToServer, s) }); n != 0 {
			t.Errorf("seed %d: probe allocates %.1f", i, n)
		}
		rec := c.Emit.(*dissecttest.Recorder)
		p := DHT.New()
		p.Feed(c, dissect.ToServer, s)
		if len(rec.Events) != 1 || !strings.HasPrefix(rec.Events[0], "bittorrent_dht ") {
			t.Fatalf("seed %d: events %q", i, rec.Events)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(strings.TrimPrefix(rec.Events[0], "bittorrent_dht ")), &m); err != nil {
			t.Fatal(err)
		}
		if m["transaction_id"] != "6161" {
			t.Errorf("seed %d: %s", i, rec.Events[0])
		}
		t.Log(rec.Events[0])
	}
	for _, bad := range []string{"d1:ad2:id20:abce", "d1:y1:xe", "hello world", "d3:foo3:bare"} {
		c := seedCtx(seed{proto: 17})
		if DHT.Probe(c, dissect.ToServer, []byte(bad)) == dissect.Match {
			t.Errorf("%q matched", bad)
		}
	}
}

func TestHandshakeMeta(t *testing.T) {
	c := seedCtx(seed{proto: 6, sport: 50000, dport: 6881})
	p := Dissector.New()
	p.Feed(c, dissect.ToServer, btHandshake[:30])
	p.Feed(c, dissect.ToServer, btHandshake[30:])
	rec := c.Emit.(*dissecttest.Recorder)
	if got := rec.MetaKV["bt_info_hash"]; got != "aa3769c4530dde06241873dad43ab5ccec2ce622" {
		t.Errorf("bt_info_hash = %q", got)
	}
	if got := rec.MetaKV["bt_peer_id"]; got != "-TR2940-chho92ckkkkk" {
		t.Errorf("bt_peer_id = %q", got)
	}
}

func TestDHTAgreement(t *testing.T) {
	hits, total, _, fp := dissecttest.Agreement(t, DHT, "BitTorrent")
	t.Logf("%s vs nDPI BitTorrent (UDP: DHT + uTP): %d/%d, false positives %d", DHT.Name, hits, total, len(fp))
	for _, m := range fp {
		t.Logf("false positive: %s", m)
	}
	// nDPI's UDP BitTorrent flows that open with a KRPC message.
	if total > 0 && hits < 6 {
		t.Errorf("DHT matched %d flows, want at least 6", hits)
	}
	if len(fp) > 0 {
		t.Errorf("%d false positives", len(fp))
	}
}

func FuzzDHT(f *testing.F) {
	for _, s := range dhtSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c := seedCtx(seed{proto: 17, sport: 6881, dport: 6881})
		DHT.Probe(c, dissect.ToServer, b)
		p := DHT.New()
		p.Feed(c, dissect.ToServer, b)
		p.Feed(c, dissect.ToClient, b)
		p.Close(c)
	})
}

func TestWriteDHTFuzzSeeds(t *testing.T) {
	if os.Getenv("NETSIFT_WRITE_SEEDS") == "" {
		t.Skip("set NETSIFT_WRITE_SEEDS=1 to regenerate the fuzz seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDHT")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, s := range dhtSeeds {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed%d", i+1)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
