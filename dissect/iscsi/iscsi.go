// Package iscsi identifies iSCSI (RFC 7143, port 3260) by the first PDU of a
// session: a 48-byte Basic Header Segment with opcode Login Request (0x03,
// immediate bit 0x40 usually set) whose data segment holds text keys such
// as "InitiatorName=", or a Login Response (0x23) from the server.
package iscsi

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector is iSCSI over TCP (nDPI "iSCSI").
var Dissector = &dissect.Dissector{
	Name:      "iscsi",
	Transport: dissect.TCP,
	Ports:     []uint16{3260},
	Probe:     probe,
}

var keys = [...][]byte{[]byte("InitiatorName="), []byte("SessionType="), []byte("AuthMethod="), []byte("TargetPortalGroupTag="), []byte("HeaderDigest=")}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if len(data) >= 1 {
		op := data[0] &^ 0x40
		if (dir == dissect.ToServer && op != 0x03) || (dir == dissect.ToClient && op != 0x23) {
			return dissect.NoMatch
		}
	}
	if len(data) < 48+12 {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	// TotalAHSLength is 0 for login; the data segment length is 24 bits.
	if data[4] != 0 {
		return dissect.NoMatch
	}
	dlen := int(data[5])<<16 | int(data[6])<<8 | int(data[7])
	if dlen == 0 || dlen > 65536 {
		return dissect.NoMatch
	}
	seg := data[48:]
	for _, k := range keys {
		if bytes.HasPrefix(seg, k) {
			return dissect.Match
		}
	}
	return dissect.NoMatch
}
