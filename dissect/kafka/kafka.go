// Package kafka identifies the Apache Kafka wire protocol. Every message is
// a big-endian int32 size followed by a request header (api_key,
// api_version, correlation_id, client_id) or a response header
// (correlation_id).
package kafka

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Kafka (nDPI "Kafka") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "kafka",
	Transport: dissect.TCP,
	Ports:     []uint16{9092},
	Probe:     probe,
}

const (
	maxAPIKey     = 90
	maxAPIVersion = 20
	maxSize       = 100 << 20
)

func onPort(c *dissect.Ctx) bool {
	return c.Server.Port() == 9092 || c.Client.Port() == 9092
}

// probe accepts a request header whose api_key and api_version are in range
// and whose client_id is either null or printable; the size must cover the
// header. A response has only a size and a correlation id, so a message
// whose size exactly fills the data is accepted as a response on port 9092
// only. Direction is not used: captures that start mid-session swap sides.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 14 {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	size := int(binary.BigEndian.Uint32(b))
	if size < 4 || size > maxSize {
		return dissect.NoMatch
	}
	if requestOK(b, size) {
		return dissect.Match
	}
	if onPort(c) && size+4 == len(b) {
		return dissect.Match
	}
	return dissect.NoMatch
}

func requestOK(b []byte, size int) bool {
	key := int16(binary.BigEndian.Uint16(b[4:]))
	ver := int16(binary.BigEndian.Uint16(b[6:]))
	cl := int(int16(binary.BigEndian.Uint16(b[12:])))
	if key < 0 || key > maxAPIKey || ver < 0 || ver > maxAPIVersion || size < 10 {
		return false
	}
	if cl == -1 {
		return size+4 == len(b)
	}
	if cl < 1 || cl > 255 || 10+cl > size {
		return false
	}
	id := b[14:min(len(b), 14+cl)]
	for _, x := range id {
		if x < 0x20 || x > 0x7e {
			return false
		}
	}
	return true
}
