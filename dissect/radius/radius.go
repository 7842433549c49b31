// Package radius identifies RADIUS (RFC 2865/2866, CoA RFC 5176) on UDP.
//
// The probe requires a known code, a length equal to the datagram, and an
// attribute list that exactly fills the message.
package radius

import "github.com/netsift/netsift/dissect"

// Dissector is the RADIUS dissector.
var Dissector = &dissect.Dissector{
	Name:      "radius",
	Transport: dissect.UDP,
	Ports:     []uint16{1812, 1813, 1645, 1646, 3799},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 20 {
		return dissect.NoMatch
	}
	switch b[0] {
	case 1, 2, 3, 4, 5, 11, 12, 13, 40, 41, 42, 43, 44, 45:
	default:
		return dissect.NoMatch
	}
	n := int(b[2])<<8 | int(b[3])
	if n != len(b) || n > 4096 {
		return dissect.NoMatch
	}
	if attrsOK(b[20:]) || radiusPort(c.Client.Port()) || radiusPort(c.Server.Port()) {
		// On the RADIUS ports code and exact length are enough (damaged
		// attribute lists are still RADIUS); elsewhere the attributes
		// must fill the message exactly.
		return dissect.Match
	}
	return dissect.NoMatch
}

func radiusPort(p uint16) bool {
	return p == 1812 || p == 1813 || p == 1645 || p == 1646 || p == 3799
}

// attrsOK reports whether a is an exact list of type-length-value
// attributes.
func attrsOK(a []byte) bool {
	for len(a) > 0 {
		if len(a) < 2 || a[1] < 2 || int(a[1]) > len(a) || a[0] == 0 {
			return false
		}
		a = a[a[1]:]
	}
	return true
}
