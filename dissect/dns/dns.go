// Package dns dissects the Domain Name System (RFC 1035) over UDP and TCP,
// and the two protocols that reuse its message format on the local link:
// multicast DNS (RFC 6762, Dissector MDNS) and LLMNR (RFC 4795, Dissector
// LLMNR).
//
// DNS runs on any port, so the probe is strict: it validates the header,
// walks every question and resource record (names with compression, types,
// classes, lengths) and, away from port 53, also requires one printable
// question, known types and an exact length. NetBIOS name service (UDP 137)
// uses the same format and is left to its own dissector.
//
// Register DNS after the stricter UDP protocols that can look like DNS
// messages (DNSCrypt certificate queries, NetBIOS, mDNS, LLMNR): its probe
// matches any well-formed DNS message.
//
// Each DNS message is offered to the signature engine as its own
// transaction (Emitter.Inspect, numbered 0, 1, 2… in the flow, as
// Suricata numbers them); requests carry dns.query. mDNS and LLMNR
// messages are not offered (Suricata has separate buffers for them).
package dns

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector is unicast DNS over UDP and TCP (EVE "dns").
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "dns",
	EVE:       "dns",
	Transport: dissect.Both,
	Ports:     []uint16{53},
	Probe:     probeDNS,
	New:       func() dissect.Parser { return newParser(kindDNS) },
}

// MDNS is multicast DNS on UDP port 5353. Suricata has no mDNS parser, so
// it writes no EVE events; it reports query names as hosts and A/AAAA
// answers as resolutions.
var MDNS = &dissect.Dissector{
	Hosts:     true,
	Name:      "mdns",
	Transport: dissect.UDP,
	Ports:     []uint16{5353},
	Probe:     probeMDNS,
	New:       func() dissect.Parser { return newParser(kindMDNS) },
}

// LLMNR is Link-Local Multicast Name Resolution on UDP port 5355 (sent to
// 224.0.0.252 or ff02::1:3, answered by unicast).
var LLMNR = &dissect.Dissector{
	Hosts:     true,
	Name:      "llmnr",
	Transport: dissect.UDP,
	Ports:     []uint16{5355},
	Probe:     probeLLMNR,
	New:       func() dissect.Parser { return newParser(kindLLMNR) },
}

type kind uint8

const (
	kindDNS kind = iota
	kindMDNS
	kindLLMNR
)

const (
	portDNS   = 53
	portMDNS  = 5353
	portLLMNR = 5355
)

func hasPort(c *dissect.Ctx, p uint16) bool {
	return c.Client.Port() == p || c.Server.Port() == p
}

func probeDNS(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	// mDNS and LLMNR ports belong to their own dissectors; NetBIOS name and
	// datagram services (137, 138) use DNS-shaped messages but are not DNS.
	for _, p := range [...]uint16{portMDNS, portLLMNR, 137, 138} {
		if hasPort(c, p) {
			return dissect.NoMatch
		}
	}
	hint := hasPort(c, portDNS)
	if c.Proto == 6 {
		return probeTCP(c, dir, data, hint)
	}
	return check(data, hint, false)
}

func probeMDNS(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if c.Proto != 17 || !hasPort(c, portMDNS) {
		return dissect.NoMatch
	}
	return check(data, true, false)
}

func probeLLMNR(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if c.Proto != 17 || !hasPort(c, portLLMNR) {
		return dissect.NoMatch
	}
	return check(data, true, false)
}

// probeTCP checks the first length-prefixed message of a TCP stream.
func probeTCP(c *dissect.Ctx, dir dissect.Dir, data []byte, hint bool) dissect.Verdict {
	if len(data) < 2+headerLen {
		if c.Pkts[dir] > 4 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	l := int(binary.BigEndian.Uint16(data))
	msg := data[2:]
	if len(msg) >= l {
		return check(msg[:l], hint, false)
	}
	v := check(msg, hint, true)
	// The engine shows probes a few KiB of stream; a longer first message
	// (a zone transfer) is judged on the part we have.
	if v == dissect.NeedMore && (len(data) >= 4000 || c.Pkts[dir] > 8) {
		if hint {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	return v
}

// check judges one DNS message. hint means a DNS port is involved, which
// relaxes the checks real DNS traffic on its port needs (EDNS padding,
// unusual opcodes, mDNS multi-question packets). partial means msg is a
// prefix of a longer message: NeedMore when what is there is fine.
func check(msg []byte, hint, partial bool) dissect.Verdict {
	if len(msg) < headerLen {
		return dissect.NoMatch
	}
	h := header(msg)
	op := h.opcode()
	qd, an, ns, ar := int(h.qdcount()), int(h.ancount()), int(h.nscount()), int(h.arcount())
	switch {
	case op == 0:
	case hint && (op == 1 || op == 2 || op == 4 || op == 5):
	default:
		return dissect.NoMatch
	}
	if h.flags()&flagZ != 0 && !hint {
		return dissect.NoMatch
	}
	if h.response() {
		if !hint && qd != 1 {
			return dissect.NoMatch
		}
		// An empty response is only plausible as an error reply on the
		// DNS port (NOTIMP or FORMERR to a query the server rejects).
		if qd+an+ns+ar == 0 && (!hint || h.rcode() == 0 || len(msg) != headerLen) {
			return dissect.NoMatch
		}
	} else {
		if h.rcode() != 0 || qd == 0 && op != 5 && an == 0 {
			return dissect.NoMatch
		}
		if !hint && (qd != 1 || an != 0 || ns > 1 || ar > 2) {
			return dissect.NoMatch
		}
	}
	// Each question needs ≥5 bytes and each record ≥11: counts that cannot
	// fit the message (or the 64 KiB limit for a prefix) are not DNS.
	room := len(msg)
	if partial {
		room = 65535
	}
	if qd > 64 || qd*5+(an+ns+ar)*11 > room-headerLen {
		return dissect.NoMatch
	}
	// Questions.
	off := headerLen
	for i := 0; i < qd; i++ {
		n, printable, st := skipName(msg, off)
		if st == nameBad {
			return dissect.NoMatch
		}
		if st == nameShort || n+4 > len(msg) {
			return short(partial)
		}
		typ := binary.BigEndian.Uint16(msg[n:])
		class := binary.BigEndian.Uint16(msg[n+2:])
		if !hint {
			if !printable || (n == off+1 && typ != typeNS) || !knownType(typ) || (class != 1 && class != 255) {
				return dissect.NoMatch
			}
		} else if typ == 0 || !goodClass(class) {
			return dissect.NoMatch
		}
		off = n + 4
	}
	for i := 0; i < an+ns+ar; i++ {
		r, n, st := readRR(msg, off)
		if st == nameBad {
			return dissect.NoMatch
		}
		if st == nameShort {
			// A datagram cut inside its records (an IP fragment seen
			// alone) still identifies DNS on its port.
			if hint && !partial {
				return dissect.Match
			}
			return short(partial)
		}
		switch r.typ {
		case 0:
			return dissect.NoMatch
		case typeOPT:
			// EDNS: class is the UDP payload size, owner must be root.
			if msg[off] != 0 {
				return dissect.NoMatch
			}
		case typeA:
			// Empty address data appears in UPDATE prerequisites and
			// inverse queries (opcodes 5, 1).
			if r.rdLen != 4 && !(r.rdLen == 0 && hint) {
				return dissect.NoMatch
			}
			fallthrough
		default:
			if !goodClass(r.class) {
				return dissect.NoMatch
			}
			if r.typ == typeAAAA && r.rdLen != 16 && r.rdLen != 0 {
				return dissect.NoMatch
			}
		}
		off = n
	}
	if partial {
		return dissect.NeedMore
	}
	if off != len(msg) && !hint {
		return dissect.NoMatch
	}
	return dissect.Match
}

func short(partial bool) dissect.Verdict {
	if partial {
		return dissect.NeedMore
	}
	return dissect.NoMatch
}

// goodClass accepts IN, CH, HS, NONE and ANY, with mDNS's top bit
// (unicast-response / cache-flush) ignored.
func goodClass(c uint16) bool {
	switch c & 0x7fff {
	case 1, 3, 4, 254, 255:
		return true
	}
	return false
}

// knownType accepts the assigned RR and query types (IANA registry):
// 1–64ish data types, 99–109, 249–260, and 32768/32769 (TA, DLV).
func knownType(t uint16) bool {
	switch {
	case t >= 1 && t <= 66:
		return true
	case t >= 99 && t <= 109:
		return true
	case t >= 249 && t <= 260:
		return true
	case t == 32768 || t == 32769:
		return true
	}
	return false
}
