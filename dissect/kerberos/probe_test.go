package kerberos

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
		{Dissector, 17, dissect.ToServer, 88, []byte("j\x81\xe80\x81\xe5\xa1\x03\x02\x01\x05\xa2\x03\x02\x01\x0a\xa3\x150\x130\x11\xa1\x04\x02\x02\x00\x80\xa2\x09\x04\x070\x05\xa0\x03\x01\x01\xff\xa4\x81\xc20\x81\xbf\xa0\x07\x03\x05\x00@\x81\x00\x10\xa1\x150\x13\xa0\x03\x02\x01\x01\xa1\x0c0\x0a\x1b\x08johnson")},
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
			c := &dissect.Ctx{Proto: proto, Client: netip.MustParseAddrPort("192.0.2.1:40000"), Server: netip.MustParseAddrPort("192.0.2.2:88"), Pkts: [2]uint32{3, 3}}
			if v := Dissector.Probe(c, o.dir, o.data); v == dissect.Match {
				t.Errorf("other %d/%d matched", i, proto)
			}
		}
	}
}
