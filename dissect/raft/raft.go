// Package raft identifies the Raft consensus protocol as spoken by the C
// "raft" library's libuv transport (used by dqlite/LXD): a connection opens
// with a handshake (protocol version 1, server id, address length and the
// NUL-padded address), then messages carry a little-endian 64-bit type
// (1..6: append entries and result, request vote and result, install
// snapshot, timeout now) and body length.
package raft

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Raft (nDPI "Raft") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "raft",
	Transport: dissect.TCP,
	Probe:     probe,
}

// probe accepts the handshake (version 1, address length 8..256 and a
// multiple of 8, address printable up to its NUL padding) or a message
// header whose length is exactly the rest of the data.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 16 {
		if c.Pkts[dir] > 3 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	t := binary.LittleEndian.Uint64(b)
	if t == 1 && len(b) >= 24 {
		n := binary.LittleEndian.Uint64(b[16:])
		if n >= 8 && n <= 256 && n%8 == 0 && uint64(len(b)) >= 24+n && addrOK(b[24:24+n]) {
			return dissect.Match
		}
	}
	if t >= 1 && t <= 6 && binary.LittleEndian.Uint64(b[8:]) == uint64(len(b)-16) {
		return dissect.Match
	}
	return dissect.NoMatch
}

// addrOK checks "host:port" text padded with NULs.
func addrOK(a []byte) bool {
	colon := false
	for i, x := range a {
		if x == 0 {
			for _, y := range a[i:] {
				if y != 0 {
					return false
				}
			}
			return colon && i >= 3
		}
		if x == ':' {
			colon = true
		} else if x < 0x21 || x > 0x7e {
			return false
		}
	}
	return false
}
