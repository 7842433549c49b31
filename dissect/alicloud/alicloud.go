// Package alicloud identifies Alibaba Cloud's agent protocol (nDPI
// "AliCloud"): TCP messages framed by the magic CE FA BE BA and a 32-bit
// big-endian length of the data that follows the 8-byte header.
package alicloud

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies AliCloud agent flows (identification only).
var Dissector = &dissect.Dissector{
	Name:      "alicloud",
	Transport: dissect.TCP,
	Probe:     probe,
}

var magic = [4]byte{0xce, 0xfa, 0xbe, 0xba}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if len(data) < 8 {
		for i := range data {
			if i < 4 && data[i] != magic[i] {
				return dissect.NoMatch
			}
		}
		return dissect.NeedMore
	}
	if [4]byte(data[:4]) != magic {
		return dissect.NoMatch
	}
	n := binary.BigEndian.Uint32(data[4:8])
	switch {
	case len(data) == 8 && n != 0:
		// The header arrived alone; its data follows.
		return dissect.Match
	case int64(n) == int64(len(data)-8):
		return dissect.Match
	}
	return dissect.NoMatch
}
