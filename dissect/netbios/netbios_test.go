package netbios

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

func TestNameQueryHost(t *testing.T) {
	// Name query for "XSTREAM_HY<00>" broadcast on UDP 137.
	b, _ := hex.DecodeString("a74901100001000000000000")
	b = append(b, " FIFDFEFCEFEBENFPEIFJCACACACACAAA\x00\x00\x20\x00\x01"...)
	rec := &dissecttest.Recorder{}
	c := &dissect.Ctx{Proto: 17, Client: netip.MustParseAddrPort("10.0.4.131:137"), Server: netip.MustParseAddrPort("10.0.5.255:137"), Emit: rec}
	if v := Dissector.Probe(c, dissect.ToServer, b); v != dissect.Match {
		t.Fatalf("probe %v", v)
	}
	Dissector.New().Feed(c, dissect.ToServer, b)
	if len(rec.Hosts) != 1 || rec.Hosts[0] != "xstream_hy" {
		t.Fatalf("hosts %q", rec.Hosts)
	}
	// The same bytes to a DNS port are DNS.
	c.Client, c.Server = netip.MustParseAddrPort("10.0.4.131:5000"), netip.MustParseAddrPort("10.0.5.1:53")
	if Dissector.Probe(c, dissect.ToServer, b) != dissect.NoMatch {
		t.Fatal("matched on port 53")
	}
}

// TestHostsVsNDPI compares the reported name with nDPI's hostname.
func TestHostsVsNDPI(t *testing.T) {
	same, total := 0, 0
	for _, cf := range dissecttest.Corpus(t) {
		if cf.Expect.Master != "NetBIOS" || cf.Expect.Host == "" || len(cf.Segs) == 0 {
			continue
		}
		r := dissecttest.Run(Dissector, cf.Flow)
		if r.Verdict != dissect.Match {
			continue
		}
		total++
		if len(r.Rec.Hosts) > 0 && r.Rec.Hosts[0] == cf.Expect.Host {
			same++
		} else {
			t.Logf("%s %v: got %q, nDPI %q", cf.Pcap, cf.Client, r.Rec.Hosts, cf.Expect.Host)
		}
	}
	t.Logf("host names equal to nDPI's: %d/%d", same, total)
	if same < total*9/10 {
		t.Errorf("only %d/%d host names agree", same, total)
	}
}
