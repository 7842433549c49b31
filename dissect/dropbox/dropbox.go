// Package dropbox identifies Dropbox LAN Sync discovery: UDP broadcasts to
// port 17500 whose payload is a JSON object announcing the client,
//
//	{"version": [2, 0], "port": 17500, "host_int": …, "displayname": …, "namespaces": […]}
//
// The probe wants a JSON object carrying both the "host_int" and "version"
// keys; the port is only a hint.
package dropbox

import (
	"bytes"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Dropbox LAN Sync discovery; identification only.
var Dissector = &dissect.Dissector{
	Name:      "dropbox",
	Transport: dissect.UDP,
	Ports:     []uint16{17500},
	Probe:     probe,
}

var (
	keyHost    = []byte(`"host_int"`)
	keyVersion = []byte(`"version"`)
)

func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	if len(b) < 24 || b[0] != '{' || b[1] != '"' {
		return dissect.NoMatch
	}
	if len(b) > 1024 {
		b = b[:1024]
	}
	if bytes.Contains(b, keyHost) && bytes.Contains(b, keyVersion) {
		return dissect.Match
	}
	return dissect.NoMatch
}
