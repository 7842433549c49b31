// Package ansic1222 identifies ANSI C12.22 (metering over IP, TCP/UDP
// 1153): every message is an ACSE association APDU, BER tag 0x60 with a
// definite length, whose elements are context-specific tagged (called AP
// title a2, calling AP title a6, user information be, …).
package ansic1222

import "github.com/netsift/netsift/dissect"

// Dissector identifies ANSI C12.22 (nDPI "ANSI_C1222") on TCP and UDP.
var Dissector = &dissect.Dissector{
	Name:      "ansic1222",
	Transport: dissect.Both,
	Ports:     []uint16{1153},
	Probe:     probe,
}

// berLen decodes a definite BER length at b[0:]; size is 0 when malformed.
func berLen(b []byte) (n, size int) {
	if len(b) == 0 {
		return 0, 0
	}
	if b[0] < 0x80 {
		return int(b[0]), 1
	}
	k := int(b[0] & 0x7f)
	if k == 0 || k > 3 || len(b) < 1+k {
		return 0, 0
	}
	for _, x := range b[1 : 1+k] {
		n = n<<8 | int(x)
	}
	return n, 1 + k
}

// probe checks the APDU tag, a length equal to the rest of the data, and a
// first element with one of the C12.22 context tags (a1..a4, a6..a8, a9,
// aa, ac, be, 8b). A 0x60 SEQUENCE is common BER, so port 1153 is required.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if c.Server.Port() != 1153 && c.Client.Port() != 1153 {
		return dissect.NoMatch
	}
	if len(b) < 4 || b[0] != 0x60 {
		return dissect.NoMatch
	}
	n, k := berLen(b[1:])
	if k == 0 || n < 2 || 1+k+n != len(b) {
		return dissect.NoMatch
	}
	switch b[1+k] {
	case 0xa1, 0xa2, 0xa3, 0xa4, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xac, 0xbe, 0x8b:
		return dissect.Match
	}
	return dissect.NoMatch
}
