// Package telnet identifies Telnet (RFC 854, port 23) by the option
// negotiation both sides start with: IAC (0xff) followed by WILL, WONT, DO
// or DONT (0xfb–0xfe) and an option code, or IAC SB (0xfa).
package telnet

import "github.com/netsift/netsift/dissect"

// Dissector is Telnet over TCP (nDPI "Telnet", Suricata "telnet").
var Dissector = &dissect.Dissector{
	Name:      "telnet",
	EVE:       "telnet",
	Transport: dissect.TCP,
	Ports:     []uint16{23},
	Probe:     probe,
}

const iac = 0xff

func probe(c *dissect.Ctx, dir dissect.Dir, data []byte) dissect.Verdict {
	// Require the first three bytes to be a negotiation and, when there is
	// more, the next command to start with IAC as well (a run of
	// negotiations); a lone 3-byte negotiation is accepted on port 23.
	if len(data) >= 1 && data[0] != iac {
		return dissect.NoMatch
	}
	if len(data) >= 2 && (data[1] < 0xfa || data[1] == 0xff) {
		return dissect.NoMatch
	}
	if len(data) < 3 {
		return dissect.NeedMore
	}
	if data[1] != 0xfa && data[2] > 50 && data[2] != 0xff {
		return dissect.NoMatch
	}
	if len(data) == 3 {
		if c.Server.Port() == 23 {
			return dissect.Match
		}
		return dissect.NeedMore
	}
	if data[1] == 0xfa || data[3] == iac {
		return dissect.Match
	}
	return dissect.NoMatch
}
