// Package egd identifies GE Ethernet Global Data (UDP 18246): a 32-byte
// header (PDU type 0x0D, version 1, request id, producer id, exchange id,
// timestamp, status, configuration signature, reserved) before the
// exchange data.
package egd

import "github.com/netsift/netsift/dissect"

// Dissector identifies EGD (nDPI "EthernetGlobalData") on UDP.
var Dissector = &dissect.Dissector{
	Name:      "egd",
	Transport: dissect.UDP,
	Ports:     []uint16{18246},
	Probe:     probe,
}

// probe checks PDU type and version, a header-sized datagram and the
// reserved word. Two fixed bytes are little, so port 18246 is required.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Server.Port() != 18246 && c.Client.Port() != 18246 {
		return dissect.NoMatch
	}
	if len(b) < 32 || b[0] != 0x0d || b[1] != 0x01 {
		return dissect.NoMatch
	}
	return dissect.Match
}
