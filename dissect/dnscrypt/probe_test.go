package dnscrypt

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/netsift/netsift/dissect"
)

// certQuery is a DNSCrypt certificate request as dnscrypt-proxy sends it
// (resolvers randomise the name's case).
var certQuery = []byte("\x7f\x47\x01\x00\x00\x01\x00\x00\x00\x00\x00\x01" +
	"\x012\x0dDNScrypt-cert\x08dnscrypt\x04ca-2\x00\x00\x10\x00\x01" +
	"\x00\x00\x29\x10\x00\x00\x00\x00\x00\x00\x00")

var avastQuery = []byte("\x48\xc4\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" +
	"\x012\x09SeCURedNS\x05aVasT\x03CoM\x00\x00\x10\x00\x01")

func resolverReply() []byte {
	return append([]byte(resolverMagic), bytes.Repeat([]byte{0xa5}, 24+16+64)...)
}

func TestProbe(t *testing.T) {
	c := &dissect.Ctx{Proto: 17, Client: netip.MustParseAddrPort("10.0.0.1:40000"), Server: netip.MustParseAddrPort("10.0.0.2:443")}
	encQuery := bytes.Repeat([]byte{0x5c}, 512)
	c.Pkts = [2]uint32{1, 0}
	if v := probe(c, dissect.ToServer, certQuery); v != dissect.Match {
		t.Errorf("cert query: %v", v)
	}
	if v := probe(c, dissect.ToServer, encQuery); v != dissect.NeedMore {
		t.Errorf("encrypted query: %v", v)
	}
	c.Pkts = [2]uint32{1, 1}
	if v := probe(c, dissect.ToClient, resolverReply()); v != dissect.Match {
		t.Errorf("resolver reply: %v", v)
	}
	if v := probe(c, dissect.ToClient, encQuery); v != dissect.NoMatch {
		t.Errorf("random reply: %v", v)
	}
	if v := probe(c, dissect.ToServer, avastQuery); v != dissect.NoMatch {
		t.Errorf("avast query as dnscrypt (after reply): %v", v)
	}
	c.Pkts = [2]uint32{1, 0}
	if v := probeAvast(c, dissect.ToServer, avastQuery); v != dissect.Match {
		t.Errorf("avast: %v", v)
	}
	if v := probeAvast(c, dissect.ToServer, certQuery); v != dissect.NoMatch {
		t.Errorf("cert query as avast: %v", v)
	}
	// TCP: length-prefixed.
	c = &dissect.Ctx{Proto: 6, Pkts: [2]uint32{1, 1}}
	tcp := append([]byte{0, byte(len(resolverReply()))}, resolverReply()...)
	if v := probe(c, dissect.ToClient, tcp); v != dissect.Match {
		t.Errorf("tcp reply: %v", v)
	}
	if n := testing.AllocsPerRun(100, func() {
		probe(c, dissect.ToClient, tcp)
		probeAvast(c, dissect.ToServer, avastQuery)
	}); n != 0 {
		t.Errorf("%v allocs", n)
	}
}

// FuzzProbe: the probes must not panic on any input.
func FuzzProbe(f *testing.F) {
	f.Add(certQuery, uint8(17))
	f.Fuzz(func(t *testing.T, data []byte, proto uint8) {
		for p := range uint32(3) {
			c := &dissect.Ctx{Proto: proto, Pkts: [2]uint32{p, p}}
			probe(c, dissect.ToServer, data)
			probe(c, dissect.ToClient, data)
			probeAvast(c, dissect.ToServer, data)
		}
	})
}
