// Package ethersio identifies SAIA Ether-SIO (UDP 6060), whose datagrams
// start with the magic "ESIO" and a big-endian version.
package ethersio

import "github.com/netsift/netsift/dissect"

// Dissector identifies Ether-SIO (nDPI "EtherSIO") on UDP.
var Dissector = &dissect.Dissector{
	Name:      "ethersio",
	Transport: dissect.UDP,
	Ports:     []uint16{6060},
	Probe:     probe,
}

// probe matches the magic followed by a small version (0x0000..0x00ff).
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 12 || string(b[:4]) != "ESIO" || b[4] != 0 {
		return dissect.NoMatch
	}
	return dissect.Match
}
