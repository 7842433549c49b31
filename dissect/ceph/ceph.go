// Package ceph identifies Ceph's messenger protocol: both peers open with a
// banner, "ceph v027" (msgr v1) or "ceph v2\n" (msgr v2).
package ceph

import "github.com/netsift/netsift/dissect"

// Dissector identifies Ceph (nDPI "Ceph") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "ceph",
	Transport: dissect.TCP,
	Ports:     []uint16{3300, 6789},
	Probe:     probe,
}

// probe matches the banner "ceph v" followed by "027" or "2\n".
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	const pre = "ceph v"
	for i := 0; i < len(pre) && i < len(b); i++ {
		if b[i] != pre[i] {
			return dissect.NoMatch
		}
	}
	if len(b) < len(pre)+2 {
		return dissect.NeedMore
	}
	v := b[len(pre):]
	if v[0] == '2' && v[1] == '\n' || v[0] == '0' && v[1] == '2' {
		return dissect.Match
	}
	return dissect.NoMatch
}
