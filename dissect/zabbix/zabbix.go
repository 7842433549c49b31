// Package zabbix identifies the Zabbix agent/server/proxy protocol: every
// message starts with the "ZBXD" signature and a flags byte.
package zabbix

import (
	"encoding/binary"

	"github.com/netsift/netsift/dissect"
)

// Dissector identifies Zabbix (nDPI "Zabbix") on TCP.
var Dissector = &dissect.Dissector{
	Name:      "zabbix",
	Transport: dissect.TCP,
	Ports:     []uint16{10050, 10051},
	Probe:     probe,
}

const sig = "ZBXD"

// probe matches the ZBXD header: signature, a flags byte with the protocol
// bit set and only the known bits (0x01 protocol, 0x02 compressed, 0x04
// large packet), and a sane data length when it is present.
func probe(c *dissect.Ctx, dir dissect.Dir, b []byte) dissect.Verdict {
	n := min(len(b), 5)
	for i := 0; i < n && i < 4; i++ {
		if b[i] != sig[i] {
			return dissect.NoMatch
		}
	}
	if len(b) < 5 {
		return dissect.NeedMore
	}
	f := b[4]
	if f&0x01 == 0 || f&^0x07 != 0 {
		return dissect.NoMatch
	}
	if len(b) >= 9 && f&0x04 == 0 && binary.LittleEndian.Uint32(b[5:]) > 1<<30 {
		return dissect.NoMatch
	}
	return dissect.Match
}
