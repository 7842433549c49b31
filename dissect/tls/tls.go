// Package tls dissects TLS (and SSLv3/SSLv2-compatible hellos) over TCP:
// it reassembles records and handshake messages across segments, parses
// ClientHello, ServerHello and the server's Certificate, computes JA3, JA3S
// and JA4, and writes one Suricata-style "tls" EVE event per flow once the
// cleartext part of the handshake is over. The rest of the flow is
// encrypted, so the parser then returns Done. The handshake is offered to
// the signature engine as transaction 0 (Emitter.Inspect, fields.go) at
// the ClientHello, the ServerHello and the server's Certificate, each time
// with every field seen so far.
package tls

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/internal/tlshello"
)

// Dissector is TLS over TCP (nDPI "TLS").
var Dissector = &dissect.Dissector{
	Hosts:     true,
	Name:      "tls",
	EVE:       "tls",
	Transport: dissect.TCP,
	Ports:     ports,
	Probe:     probe,
	New:       func() dissect.Parser { return newParser() },
}

// ports are TLS's well-known ports (HTTPS, SMTPS, IMAPS, POP3S, DoT, SIPS,
// LDAPS, FTPS, TelnetS, IRCS, XMPP/APNs, MQTT over TLS…).
var ports = []uint16{443, 465, 993, 995, 853, 8443, 5061, 636, 989, 990, 992, 994, 5223, 8883, 3269, 6697, 9443}

// Record-layer content types.
const (
	ctChangeCipherSpec = 20
	ctAlert            = 21
	ctHandshake        = 22
	ctApplicationData  = 23
	ctHeartbeat        = 24
)

// maxRecord is the largest record body accepted: 2^14 plus the 2048 bytes
// of expansion RFC 5246 §6.2.3 allows for ciphertext.
const maxRecord = 16384 + 2048

// probe matches a TLS record carrying a ClientHello or ServerHello (so a
// capture that starts at the server's answer is still recognised), or an
// SSLv2-compatible CLIENT-HELLO. It looks at no more than 11 bytes.
func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if len(data) == 0 {
		return dissect.NeedMore
	}
	if data[0] == ctHandshake {
		v := probeRecord(data)
		if v == dissect.NoMatch && len(data) >= 6 && data[5] != tlshello.TypeClientHello && data[5] != tlshello.TypeServerHello {
			return probeMidStream(c, data)
		}
		return v
	}
	if data[0] >= ctChangeCipherSpec && data[0] <= ctApplicationData {
		return probeMidStream(c, data)
	}
	if data[0]&0x80 != 0 && dir == dissect.ToServer {
		return probeSSLv2(data)
	}
	return dissect.NoMatch
}

func probeRecord(data []byte) dissect.Verdict {
	if len(data) >= 2 && data[1] != 3 {
		return dissect.NoMatch
	}
	if len(data) >= 3 && data[2] > 4 {
		return dissect.NoMatch
	}
	if len(data) < 6 {
		return dissect.NeedMore
	}
	n := int(binary.BigEndian.Uint16(data[3:]))
	if n < 4 || n > maxRecord {
		return dissect.NoMatch
	}
	if data[5] != tlshello.TypeClientHello && data[5] != tlshello.TypeServerHello {
		return dissect.NoMatch
	}
	if len(data) < 11 {
		return dissect.NeedMore
	}
	hl := int(data[6])<<16 | int(data[7])<<8 | int(data[8])
	// 38 = version + random + session id length + one cipher + compression.
	if hl < 38 || hl > 1<<17 {
		return dissect.NoMatch
	}
	if data[9] != 3 || data[10] > 4 {
		return dissect.NoMatch
	}
	return dissect.Match
}

// midStreamMaxPkts bounds how long the mid-stream probe waits for its first
// record to complete.
const midStreamMaxPkts = 4

// probeMidStream recognises a capture that starts after the handshake:
// records of a known content type with version 0x0301–0x0303 (TLS 1.3
// records say 0x0303 too). One header is only 3 bytes of evidence, so it
// also wants the record to end exactly where the data ends or where
// another valid record header starts; a record too long to be seen whole
// within the probe window is accepted on a TLS port only.
func probeMidStream(c *dissect.Ctx, data []byte) dissect.Verdict {
	if len(data) < 5 {
		if len(data) >= 2 && data[1] != 3 || len(data) >= 3 && (data[2] == 0 || data[2] > 3) {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	if !midHeader(data) {
		return dissect.NoMatch
	}
	n := int(binary.BigEndian.Uint16(data[3:]))
	switch {
	case len(data) == 5+n:
		return dissect.Match
	case len(data) > 5+n:
		if len(data) < 5+n+5 {
			return dissect.NeedMore
		}
		if midHeader(data[5+n:]) {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	if len(data) >= 2048 && tlsPort(c) {
		return dissect.Match
	}
	if c.Pkts[0]+c.Pkts[1] > midStreamMaxPkts {
		return dissect.NoMatch
	}
	return dissect.NeedMore
}

// midHeader checks a record header (5 bytes) seen in the middle of a flow.
func midHeader(h []byte) bool {
	if h[0] < ctChangeCipherSpec || h[0] > ctApplicationData || h[1] != 3 || h[2] == 0 || h[2] > 3 {
		return false
	}
	n := int(binary.BigEndian.Uint16(h[3:]))
	return n > 0 && n <= maxRecord
}

func tlsPort(c *dissect.Ctx) bool {
	for _, p := range ports {
		if c.Server.Port() == p || c.Client.Port() == p {
			return true
		}
	}
	return false
}

// probeSSLv2 checks an SSLv2 record header (2-byte form) holding a
// CLIENT-HELLO for SSL 2.0 or an SSLv3/TLS version.
func probeSSLv2(data []byte) dissect.Verdict {
	if len(data) < 11 {
		return dissect.NeedMore
	}
	n := int(data[0]&0x7f)<<8 | int(data[1])
	if data[2] != 1 || n < 9+3+16 {
		return dissect.NoMatch
	}
	if !(data[3] == 0 && data[4] == 2) && !(data[3] == 3 && data[4] <= 3) {
		return dissect.NoMatch
	}
	cs := int(binary.BigEndian.Uint16(data[5:]))
	sid := int(binary.BigEndian.Uint16(data[7:]))
	chl := int(binary.BigEndian.Uint16(data[9:]))
	if cs == 0 || cs%3 != 0 || (sid != 0 && sid != 16) || chl < 16 || chl > 32 || 9+cs+sid+chl != n {
		return dissect.NoMatch
	}
	return dissect.Match
}
