// Package fix identifies the Financial Information eXchange protocol: a
// message is a run of tag=value fields separated by SOH (0x01) that starts
// with BeginString (8=), BodyLength (9=) and MsgType (35=).
package fix

import "github.com/netsift/netsift/dissect"

// Dissector identifies FIX (nDPI "FIX") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "fix",
	Transport: dissect.TCP,
	Probe:     probe,
}

// probe checks "8=<BeginString>\x01" "9=<digits>\x01" "35=". BeginString is
// usually "FIX.4.x"/"FIXT.1.1"; FAST/binary variants seen in the wild use a
// short token ("8=O"), so any short printable value is accepted.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	i, v := expect(b, 0, "8=")
	if v != dissect.Match {
		return v
	}
	// BeginString: 1..16 printable bytes then SOH.
	j := i
	for ; j < len(b) && b[j] != 1; j++ {
		if b[j] < 0x21 || b[j] > 0x7e || j-i >= 16 {
			return dissect.NoMatch
		}
	}
	if j == len(b) {
		return more(c, dir)
	}
	if j == i {
		return dissect.NoMatch
	}
	if i, v = expect(b, j+1, "9="); v != dissect.Match {
		return v
	}
	j = i
	for ; j < len(b) && b[j] != 1; j++ {
		if b[j] < '0' || b[j] > '9' || j-i >= 7 {
			return dissect.NoMatch
		}
	}
	if j == len(b) {
		return more(c, dir)
	}
	if j == i {
		return dissect.NoMatch
	}
	if _, v = expect(b, j+1, "35="); v != dissect.Match {
		return v
	}
	return dissect.Match
}

// expect checks that s occurs at b[i:]; it returns the index after it.
func expect(b []byte, i int, s string) (int, dissect.Verdict) {
	for k := 0; k < len(s); k++ {
		if i+k >= len(b) {
			return 0, dissect.NeedMore
		}
		if b[i+k] != s[k] {
			return 0, dissect.NoMatch
		}
	}
	return i + len(s), dissect.Match
}

func more(c *dissect.Ctx, dir dissect.Dir) dissect.Verdict {
	if c.Pkts[dir] > 3 {
		return dissect.NoMatch
	}
	return dissect.NeedMore
}
