// Package ciscovpn identifies the legacy Cisco VPN client's IPsec-over-UDP
// encapsulation: UDP datagrams between port 10000 on both sides whose
// first four bytes are the fixed marker fe 57 7e 2b. AnyConnect (TLS/DTLS
// on 443 or 8008) is TLS/DTLS to this engine and is named by the services
// layer, not here.
package ciscovpn

import (
	"github.com/netsift/netsift/dissect"
)

// Dissector is the Cisco VPN dissector (no Suricata app_proto).
var Dissector = &dissect.Dissector{
	Name:      "ciscovpn",
	Transport: dissect.UDP,
	Ports:     []uint16{10000},
	Probe:     probe,
}

// marker is the 4-byte prefix of the encapsulated packets.
var marker = [4]byte{0xfe, 0x57, 0x7e, 0x2b}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	// The marker alone is 32 bits; both ports being 10000 makes a chance
	// match on another protocol negligible.
	if c.Client.Port() != 10000 || c.Server.Port() != 10000 {
		return dissect.NoMatch
	}
	if len(b) >= 8 && [4]byte(b[:4]) == marker {
		return dissect.Match
	}
	return dissect.NoMatch
}
