package iscsi

import (
	"net/netip"
	"testing"

	"github.com/netsift/netsift/dissect"
)

// TestProbeCases checks the probe on well-formed first messages (shaped
// after the protocol specification) and on other protocols' openings.
func TestProbeCases(t *testing.T) {
	cases := []struct {
		d     *dissect.Dissector
		proto uint8
		dir   dissect.Dir
		port  uint16
		data  []byte
	}{
		{Dissector, 6, dissect.ToServer, 3260, []byte("C\x87\x00\x00\x00\x00\x00 \x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00InitiatorName=iqn.1991-05.com.microsoft:x\x00")},
	}
	for i, tc := range cases {
		c := &dissect.Ctx{Proto: tc.proto, Client: netip.MustParseAddrPort("192.0.2.1:40000"), Server: netip.AddrPortFrom(netip.MustParseAddr("192.0.2.2"), tc.port)}
		c.Pkts[tc.dir] = 1
		if v := tc.d.Probe(c, tc.dir, tc.data); v != dissect.Match {
			t.Errorf("case %d: %v, want Match", i, v)
		}
	}
	others := []struct {
		dir  dissect.Dir
		data []byte
	}{
		{dissect.ToServer, []byte("GET / HTTP/1.1\x0d\x0aHost: example.com\x0d\x0aUser-Agent: x\x0d\x0a\x0d\x0a")},
		{dissect.ToClient, []byte("HTTP/1.1 200 OK\x0d\x0aContent-Length: 0\x0d\x0a\x0d\x0a")},
		{dissect.ToServer, []byte("\x16\x03\x01\x02\x00\x01\x00\x02\x00\x03\x03\x00\x11\x223DUfw\x88\x99\xaa\xbb\xcc\xdd\xee\xff\x00\x11\x223DUfw\x88\x99\xaa\xbb\xcc\xdd\xee\xff")},
		{dissect.ToServer, []byte("SSH-2.0-OpenSSH_9.6\x0d\x0a")},
	}
	for i, o := range others {
		for _, proto := range []uint8{6, 17} {
			c := &dissect.Ctx{Proto: proto, Client: netip.MustParseAddrPort("192.0.2.1:40000"), Server: netip.MustParseAddrPort("192.0.2.2:3260"), Pkts: [2]uint32{3, 3}}
			if v := Dissector.Probe(c, o.dir, o.data); v == dissect.Match {
				t.Errorf("other %d/%d matched", i, proto)
			}
		}
	}
}
