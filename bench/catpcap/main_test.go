package main

import (
	"bytes"
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// frame serialises an Ethernet/IP/TCP frame with correct checksums and a
// payload, padded to the Ethernet minimum like real captures.
func frame(t *testing.T, src, dst string, v6 bool) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}}
	tcp := &layers.TCP{SrcPort: 40000, DstPort: 443, Seq: 1, ACK: true, Window: 100}
	var ip gopacket.SerializableLayer
	if v6 {
		eth.EthernetType = layers.EthernetTypeIPv6
		l := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP, SrcIP: net.ParseIP(src), DstIP: net.ParseIP(dst)}
		tcp.SetNetworkLayerForChecksum(l)
		ip = l
	} else {
		eth.EthernetType = layers.EthernetTypeIPv4
		l := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: net.ParseIP(src).To4(), DstIP: net.ParseIP(dst).To4()}
		tcp.SetNetworkLayerForChecksum(l)
		ip = l
	}
	buf := gopacket.NewSerializeBuffer()
	err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		eth, ip, tcp, gopacket.Payload("x"))
	if err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	for len(b) < 60 {
		b = append(b, 0)
	}
	return b
}

// sum16 is the one's-complement sum of b (odd length padded with zero).
func sum16(b []byte) uint32 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s > 0xffff {
		s = s&0xffff + s>>16
	}
	return s
}

// checksumsOK verifies the IPv4 header checksum and the TCP checksum
// (pseudo-header included) of an untagged frame.
func checksumsOK(b []byte) bool {
	l3 := b[14:]
	if l3[0]>>4 == 4 {
		hl := int(l3[0]&15) * 4
		tot := int(l3[2])<<8 | int(l3[3])
		if sum16(l3[:hl]) != 0xffff {
			return false
		}
		seg := l3[hl:tot]
		pseudo := append(append([]byte{}, l3[12:20]...), 0, l3[9], byte(len(seg)>>8), byte(len(seg)))
		return sum16(append(pseudo, seg...)) == 0xffff
	}
	plen := int(l3[4])<<8 | int(l3[5])
	seg := l3[40 : 40+plen]
	pseudo := append(append([]byte{}, l3[8:40]...), 0, 0, byte(plen>>8), byte(plen), 0, 0, 0, l3[6])
	return sum16(append(pseudo, seg...)) == 0xffff
}

func TestRewrite(t *testing.T) {
	cases := []struct {
		src, dst     string
		v6           bool
		wantS, wantD string
	}{
		{"192.168.1.5", "93.184.216.34", false, "192.168.14.5", "93.184.229.34"},
		{"192.168.250.5", "224.0.0.251", false, "192.168.7.5", "224.0.0.251"},
		{"0.0.0.0", "10.0.0.255", false, "0.0.0.0", "10.0.13.255"},
		{"2001:db8:1:2::5", "2001:db8:3:fffe::6", true, "2001:db8:1:f::5", "2001:db8:3:b::6"},
		{"fe80::1", "ff02::fb", true, "fe80:0:0:d::1", "ff02::fb"},
	}
	for _, c := range cases {
		for _, rev := range []bool{false, true} {
			src, dst, wantS, wantD := c.src, c.dst, c.wantS, c.wantD
			if rev { // the reply direction must map to the same pair
				src, dst, wantS, wantD = dst, src, wantD, wantS
			}
			b := frame(t, src, dst, c.v6)
			if !checksumsOK(b) {
				t.Fatalf("%s→%s: test frame has bad checksums", src, dst)
			}
			orig := append([]byte(nil), b...)
			if r := rewrite(b, 13); r != rewritten {
				t.Fatalf("%s→%s: rewrite = %d", src, dst, r)
			}
			var gotS, gotD net.IP
			if c.v6 {
				gotS, gotD = net.IP(b[22:38]), net.IP(b[38:54])
			} else {
				gotS, gotD = net.IP(b[26:30]), net.IP(b[30:34])
			}
			if gotS.String() != wantS || gotD.String() != wantD {
				t.Errorf("%s→%s: got %s→%s, want %s→%s", src, dst, gotS, gotD, wantS, wantD)
			}
			if !checksumsOK(b) {
				t.Errorf("%s→%s: checksums broken by rewrite", src, dst)
			}
			if len(b) != len(orig) || !bytes.Equal(b[54:], orig[54:]) && !c.v6 || b[len(b)-1] != 'x' && c.v6 {
				t.Errorf("%s→%s: payload or padding changed", src, dst)
			}
		}
	}
	// Both addresses special: nothing changes.
	b := frame(t, "0.0.0.0", "255.255.255.255", false)
	orig := append([]byte(nil), b...)
	if r := rewrite(b, 3); r != kept || !bytes.Equal(b, orig) {
		t.Errorf("broadcast from 0.0.0.0: rewrite = %d, changed %v", r, !bytes.Equal(b, orig))
	}
	// Not IP, and too short: untouched.
	arp := make([]byte, 60)
	arp[12], arp[13] = 0x08, 0x06
	if r := rewrite(arp, 3); r != notIP {
		t.Errorf("ARP: rewrite = %d", r)
	}
	if r := rewrite([]byte{1, 2, 3}, 3); r != notIP {
		t.Errorf("short: rewrite = %d", r)
	}
}
