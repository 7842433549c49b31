// Package dnscrypt identifies DNSCrypt (versions 1 and 2, see
// https://dnscrypt.info/protocol) and Avast SecureDNS, a DNSCrypt service
// with its own certificate name.
//
// A DNSCrypt client first fetches the resolver's certificate with a plain
// DNS TXT query for "2.dnscrypt-cert.<provider>" (the answer's TXT data
// starts with the certificate magic "DNSC"), then sends encrypted queries:
// client magic (8 bytes, from the certificate), client public key (32),
// client nonce (12), box. Encrypted responses start with the fixed resolver
// magic "r6fnvWj8" followed by the nonce and the box. Queries look random,
// so a flow is recognised by a certificate query or answer, or by the
// resolver magic in the server's reply.
//
// Both dissectors must be registered before DNS: certificate queries are
// well-formed DNS messages and DNS's probe would take them.
package dnscrypt

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector is DNSCrypt over UDP or TCP (nDPI "DNScrypt"). It only
// identifies: everything after the certificate exchange is encrypted.
var Dissector = &dissect.Dissector{
	Name:      "dnscrypt",
	Transport: dissect.Both,
	Ports:     []uint16{443, 5443},
	Probe:     probe,
}

// AvastSecureDNS is Avast's DNSCrypt service (nDPI "AVASTSecureDNS"),
// recognised by its certificate query for "2.securedns.<domain>" TXT in the
// flow's first datagram.
var AvastSecureDNS = &dissect.Dissector{
	Name:      "avast_securedns",
	Transport: dissect.UDP,
	Ports:     []uint16{443},
	Probe:     probeAvast,
}

// resolverMagic starts every encrypted DNSCrypt response.
const resolverMagic = "r6fnvWj8"

const (
	dnsHeaderLen = 12
	// minResponse: magic, 24-byte nonce, 16-byte authenticator.
	minResponse = 8 + 24 + 16
	// minQuery: client magic, public key, half nonce, authenticator.
	minQuery = 8 + 32 + 12 + 16
	// maxWait bounds how many client packets we wait for a server reply.
	maxWait = 4
)

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	msg := data
	if c.Proto == 6 {
		// TCP frames each message with a 2-byte length.
		if len(data) < 2 {
			return dissect.NeedMore
		}
		l := int(binary.BigEndian.Uint16(data))
		msg = data[2:]
		if len(msg) > l {
			msg = msg[:l]
		}
	}
	if certName(msg, "dnscrypt-cert") {
		return dissect.Match
	}
	if dir == dissect.ToClient {
		if len(msg) >= minResponse && string(msg[:8]) == resolverMagic {
			return dissect.Match
		}
		if len(msg) < 8 && c.Proto == 6 && c.Pkts[dir] < maxWait {
			return dissect.NeedMore
		}
		return dissect.NoMatch
	}
	// Client to server: an encrypted query cannot be recognised alone;
	// wait a few packets for the resolver's answer.
	if c.Pkts[dissect.ToClient] == 0 && c.Pkts[dir] <= maxWait && (len(msg) >= minQuery || c.Proto == 6 && len(msg) < minQuery) {
		return dissect.NeedMore
	}
	return dissect.NoMatch
}

func probeAvast(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if c.Pkts[0]+c.Pkts[1] > 1 {
		return dissect.NoMatch
	}
	if certName(data, "securedns") {
		return dissect.Match
	}
	return dissect.NoMatch
}

// certName reports whether msg is a standard DNS query or response with
// one question whose name starts with the labels "2" and label
// (ASCII-case-insensitive: resolvers randomise case) and has a further
// label, asking for TXT (16) in class IN.
func certName(msg []byte, label string) bool {
	if len(msg) < dnsHeaderLen+3+len(label)+2+4 {
		return false
	}
	flags := binary.BigEndian.Uint16(msg[2:])
	if flags&0x7800 != 0 || binary.BigEndian.Uint16(msg[4:]) != 1 {
		return false // opcode not QUERY, or not exactly one question
	}
	q := msg[dnsHeaderLen:]
	if q[0] != 1 || q[1] != '2' || int(q[2]) != len(label) {
		return false
	}
	for i := 0; i < len(label); i++ {
		b := q[3+i]
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if b != label[i] {
			return false
		}
	}
	// Walk the remaining uncompressed labels to the qtype.
	p := 3 + len(label)
	if q[p] == 0 || q[p] > 63 {
		return false
	}
	for q[p] != 0 {
		if q[p] > 63 {
			return false
		}
		p += 1 + int(q[p])
		if p+5 > len(q) {
			return false
		}
	}
	return binary.BigEndian.Uint16(q[p+1:]) == 16 && binary.BigEndian.Uint16(q[p+3:])&0x7fff == 1
}
