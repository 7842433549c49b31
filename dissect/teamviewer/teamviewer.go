// Package teamviewer identifies TeamViewer. Over TCP (port 5938) its
// messages start with the magic 0x17 0x24 followed by a command byte; over
// UDP the datagram starts with 10 zero bytes, then a command byte and the
// same 0x17 0x24 magic.
package teamviewer

import "github.com/netsift/netsift/dissect"

// Dissector is TeamViewer over TCP and UDP (nDPI "TeamViewer").
var Dissector = &dissect.Dissector{
	Name:      "teamviewer",
	Transport: dissect.Both,
	Ports:     []uint16{5938},
	Probe:     probe,
}

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	if c.Proto == 17 {
		if len(data) < 16 {
			return dissect.NoMatch
		}
		for _, b := range data[:10] {
			if b != 0 {
				return dissect.NoMatch
			}
		}
		if data[11] == 0x17 && data[12] == 0x24 {
			return dissect.Match
		}
		return dissect.NoMatch
	}
	if len(data) < 2 {
		if len(data) == 1 && data[0] != 0x17 {
			return dissect.NoMatch
		}
		return dissect.NeedMore
	}
	if data[0] != 0x17 || data[1] != 0x24 {
		return dissect.NoMatch
	}
	// Two bytes of magic are weak on their own: off the well-known port,
	// require a second message with the same magic or the TeamViewer
	// header layout (a length-like byte 3 and zero padding).
	if c.Client.Port() == 5938 || c.Server.Port() == 5938 {
		return dissect.Match
	}
	if len(data) >= 12 && data[4] == 0 && data[5] == 0 && data[6] == 0 && data[7] == 0 {
		return dissect.Match
	}
	return dissect.NoMatch
}
