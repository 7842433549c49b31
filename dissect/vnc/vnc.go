// Package vnc identifies the Remote Framebuffer protocol (RFC 6143) by its
// 12-byte ProtocolVersion message "RFB xxx.yyy\n", sent by the server first
// and echoed by the client.
package vnc

import "github.com/netsift/netsift/dissect"

// Dissector is VNC/RFB over TCP (nDPI "VNC", Suricata "rfb").
var Dissector = &dissect.Dissector{
	Name:      "vnc",
	EVE:       "rfb",
	Transport: dissect.TCP,
	Ports:     []uint16{5900, 5901, 5800},
	Probe:     probe,
}

const pattern = "RFB ddd.ddd\n"

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	for i := 0; i < len(data) && i < len(pattern); i++ {
		p := pattern[i]
		if p == 'd' {
			if data[i] < '0' || data[i] > '9' {
				return dissect.NoMatch
			}
		} else if data[i] != p {
			return dissect.NoMatch
		}
	}
	if len(data) < len(pattern) {
		return dissect.NeedMore
	}
	return dissect.Match
}
