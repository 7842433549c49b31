package decode

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/pcapgo"
)

// corpusDir is the nDPI corpus, relative to this package's directory.
const corpusDir = "../../shared/corpus/ndpi"

// frame is one captured frame with the link type of its interface.
type frame struct {
	link int
	data []byte
	ts   time.Time
}

// corpusFiles returns the corpus captures, or skips the test when the
// corpus is absent.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(corpusDir, "pcap", "*"))
	if len(files) == 0 {
		t.Skipf("nDPI corpus not found at %s", corpusDir)
	}
	sort.Strings(files)
	return files
}

// readCapture reads every frame of a pcap or pcapng file (told apart by
// magic number). A file cut short mid-packet (some fuzz captures are) ends
// the list without an error.
func readCapture(path string) ([]frame, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(raw) < 4 {
		return nil, fmt.Errorf("%s: too short for a capture", path)
	}
	var out []frame
	if bytes.Equal(raw[:4], []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		r, err := pcapgo.NewNgReader(bytes.NewReader(raw), pcapgo.DefaultNgReaderOptions)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for {
			data, ci, err := r.ReadPacketData()
			if err != nil {
				if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
					return out, nil
				}
				return out, fmt.Errorf("%s: packet %d: %w", path, len(out)+1, err)
			}
			iface, err := r.Interface(ci.InterfaceIndex)
			if err != nil {
				return out, fmt.Errorf("%s: packet %d: %w", path, len(out)+1, err)
			}
			out = append(out, frame{link: int(iface.LinkType), data: data, ts: ci.Timestamp})
		}
	}
	r, err := pcapgo.NewReader(bytes.NewReader(raw))
	if err != nil {
		// pcapgo refuses some version numbers other tools accept.
		return readClassicPcap(raw)
	}
	link := int(r.LinkType())
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return out, nil
			}
			return out, fmt.Errorf("%s: packet %d: %w", path, len(out)+1, err)
		}
		out = append(out, frame{link: link, data: data, ts: ci.Timestamp})
	}
}

// readClassicPcap reads a classic pcap file (either byte order, µs or ns
// timestamps) without looking at its version number.
func readClassicPcap(raw []byte) ([]frame, error) {
	if len(raw) < 24 {
		return nil, errors.New("pcap header truncated")
	}
	var bo binary.ByteOrder = binary.LittleEndian
	magic := binary.LittleEndian.Uint32(raw)
	if magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1 {
		bo = binary.BigEndian
		magic = bo.Uint32(raw)
	}
	var unit time.Duration
	switch magic {
	case 0xa1b2c3d4:
		unit = time.Microsecond
	case 0xa1b23c4d:
		unit = time.Nanosecond
	default:
		return nil, fmt.Errorf("not a pcap file (magic %#x)", magic)
	}
	link := int(bo.Uint32(raw[20:24]) & 0x0fffffff)
	var out []frame
	for b := raw[24:]; len(b) >= 16; {
		n := int(bo.Uint32(b[8:12]))
		if n > len(b)-16 {
			break // cut mid-packet
		}
		ts := time.Unix(int64(bo.Uint32(b[0:4])), int64(bo.Uint32(b[4:8]))*int64(unit)).UTC()
		out = append(out, frame{link: link, data: b[16 : 16+n], ts: ts})
		b = b[16+n:]
	}
	return out, nil
}

// benign anomalies are not malformations: non-IP frames and fragments
// waiting for the rest of their datagram.
func benign(a Anomaly) bool {
	return a == AnomalyNone || a == AnomalyUnknownEtherType || a == AnomalyFragPending
}

// malformedCapture names corpus captures that are deliberately broken.
func malformedCapture(name string) bool {
	return strings.Contains(name, "fuzz") || strings.Contains(name, "crash") ||
		strings.Contains(name, "malformed") || strings.Contains(name, "segv") ||
		strings.Contains(name, "invalid") || strings.Contains(name, "overflow")
}

// TestCorpusDecode decodes every frame of every corpus capture: no panics,
// and malformations only at a low rate (outside the deliberately broken
// captures).
func TestCorpusDecode(t *testing.T) {
	files := corpusFiles(t)
	d := NewDecoder(Config{})
	var p Packet
	var total, bad, ip int
	counts := make([]int, NumAnomalies)
	for _, f := range files {
		frames, err := readCapture(f)
		if err != nil {
			t.Logf("%v (decoded the %d frames read)", err, len(frames))
		}
		name := filepath.Base(f)
		fileBad := 0
		for i, fr := range frames {
			d.Decode(fr.link, fr.data, fr.ts, &p)
			counts[p.Anomaly]++
			if p.Anomaly == AnomalyNone {
				ip++
			}
			if malformedCapture(name) {
				continue
			}
			total++
			if !benign(p.Anomaly) {
				bad++
				fileBad++
				if fileBad <= 3 {
					t.Logf("%s frame %d (link %d, %d bytes): %v", name, i+1, fr.link, len(fr.data), p.Anomaly)
				}
			}
		}
	}
	for a, n := range counts {
		if n > 0 {
			t.Logf("anomaly %-22q %d", Anomaly(a).String(), n)
		}
	}
	t.Logf("%d frames in well-formed captures, %d malformed (%.3f%%); %d IP packets decoded; stats %+v",
		total, bad, 100*float64(bad)/float64(total), ip, d.Stats())
	if total == 0 || float64(bad) > 0.002*float64(total) {
		t.Errorf("%d of %d frames malformed; want at most 0.2%%", bad, total)
	}
}

// flowKey is an unordered 5-tuple, as the nDPI results print flows.
type flowKey struct {
	proto string
	a, b  netip.AddrPort
}

func makeFlowKey(proto string, a, b netip.AddrPort) flowKey {
	if b.Addr().Less(a.Addr()) || (a.Addr() == b.Addr() && b.Port() < a.Port()) {
		a, b = b, a
	}
	return flowKey{proto, a, b}
}

func (p *Packet) flowKey() flowKey {
	var s, d netip.Addr
	if p.IPVersion == 4 {
		s = netip.AddrFrom4([4]byte(p.Src[:4]))
		d = netip.AddrFrom4([4]byte(p.Dst[:4]))
	} else {
		s = netip.AddrFrom16(p.Src)
		d = netip.AddrFrom16(p.Dst)
	}
	// L4 names as ndpiReader prints them.
	name := map[uint8]string{ProtoTCP: "TCP", ProtoUDP: "UDP", ProtoICMP: "ICMP", ProtoICMPv6: "ICMPV6",
		ProtoESP: "ESP", ProtoAH: "AH", ProtoIGMP: "IGMP", ProtoGRE: "GRE", ProtoSCTP: "SCTP", 112: "VRRP",
		89: "OSPF", 103: "PIM", 113: "PGM"}[p.Proto]
	if name == "" {
		name = strconv.Itoa(int(p.Proto))
	}
	return makeFlowKey(name, netip.AddrPortFrom(s, p.SrcPort), netip.AddrPortFrom(d, p.DstPort))
}

// outFlow matches a flow line of an nDPI .out file; group 8 is the tunnel
// prefix of [proto: …].
var outFlow = regexp.MustCompile(`^\t\d+\t(\S+) (\[[0-9A-Fa-f:.]+\]|[0-9.]+):(\d+) (<->|->) (\[[0-9A-Fa-f:.]+\]|[0-9.]+):(\d+) .*?\[proto: (?:([A-Za-z]+):)?`)

// readOutFlows returns the flows of an nDPI result file with their tunnel
// prefix ("" when none).
func readOutFlows(t *testing.T, name string) map[flowKey]string {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, "result", name+".out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	flows := map[flowKey]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		m := outFlow.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		a, errA := netip.ParseAddr(strings.Trim(m[2], "[]"))
		b, errB := netip.ParseAddr(strings.Trim(m[5], "[]"))
		if errA != nil || errB != nil {
			continue // nDPI prints some addresses of fuzzed packets oddly
		}
		pa, _ := strconv.Atoi(m[3])
		pb, _ := strconv.Atoi(m[6])
		flows[makeFlowKey(m[1], netip.AddrPortFrom(a, uint16(pa)), netip.AddrPortFrom(b, uint16(pb)))] = m[7]
	}
	return flows
}

// decodedFlows decodes a corpus capture and returns each usable packet's
// flow with the tunnel it came through.
func decodedFlows(t *testing.T, name string, cfg Config) map[flowKey]Tunnel {
	t.Helper()
	frames, err := readCapture(filepath.Join(corpusDir, "pcap", name))
	if err != nil {
		t.Log(err)
	}
	d := NewDecoder(cfg)
	var p Packet
	flows := map[flowKey]Tunnel{}
	for _, fr := range frames {
		d.Decode(fr.link, fr.data, fr.ts, &p)
		if p.Anomaly == AnomalyNone {
			if p.Proto == ProtoSCTP { // ndpiReader prints SCTP flows without ports
				p.SrcPort, p.DstPort = 0, 0
			}
			flows[p.flowKey()] = p.Tunnel
		}
	}
	return flows
}

// TestCorpusFlows checks that the flows ndpiReader printed for each
// well-formed capture are among the flows we decode: the decoder sees the
// same L3/L4 view of the traffic, tunnels included. Teredo is skipped
// because ndpiReader does not decode it.
func TestCorpusFlows(t *testing.T) {
	files := corpusFiles(t)
	total, found := 0, 0
	for _, f := range files {
		name := filepath.Base(f)
		if malformedCapture(name) {
			continue
		}
		want := readOutFlows(t, name)
		got := decodedFlows(t, name, Config{SkipTunnels: []Tunnel{TunnelTeredo}})
		for k := range want {
			total++
			if _, ok := got[k]; ok {
				found++
			} else {
				t.Logf("%s: nDPI flow %s %v <-> %v not decoded", name, k.proto, k.a, k.b)
			}
		}
	}
	t.Logf("%d of %d nDPI flows decoded (%.2f%%)", found, total, 100*float64(found)/float64(total))
	if float64(found) < 0.998*float64(total) {
		t.Errorf("%d of %d nDPI flows decoded; want at least 99.8%%", found, total)
	}
}

// TestCorpusTunnels checks that the flows nDPI found inside tunnels appear,
// with the same tunnel, when we decode the same captures.
func TestCorpusTunnels(t *testing.T) {
	corpusFiles(t)
	cases := []struct {
		file string
		// want lists flows expected in addition to those the .out file
		// prints with a tunnel prefix: "PROTO a:port b:port tunnel".
		want []string
	}{
		{file: "gre.pcapng"},
		{file: "vxlan.pcap"},
		{file: "capwap.pcap"},
		{file: "ipv6_in_gtp.pcap"},
		{file: "false_positives.pcapng"},
		{file: "rtmp.pcap"},
		{file: "zoom.pcap"},
		{file: "tls_change_cipher.pcap"},
		{file: "ja3_lots_of_cipher_suites_2_anon.pcap"},
		{file: "6in4tunnel.pcap", want: []string{
			"TCP [2001:470:1f17:13f:3e97:eff:fe73:4dec]:60205 [2604:a880:1:20::224:b001]:443 ipip",
			"UDP [2001:470:1f16:13f::2]:53959 [2a03:2880:fffe:b:face:b00c::99]:53 ipip",
		}},
		{file: "6in6tunnel.pcap", want: []string{
			"UDP [dead::beef]:30000 [cafe::babe]:13000 ipip",
		}},
		{file: "teredo.pcap"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(corpusDir, "pcap", c.file)); err != nil {
				t.Skip(err)
			}
			got := decodedFlows(t, c.file, Config{})
			want := map[flowKey]Tunnel{}
			for k, tun := range readOutFlows(t, c.file) {
				if tun == "" {
					continue
				}
				want[k] = map[string]Tunnel{"GTP": TunnelGTP, "VXLAN": TunnelVXLAN, "GRE": TunnelGRE, "CAPWAP": TunnelCAPWAP}[tun]
			}
			for _, w := range c.want {
				f := strings.Fields(w)
				k := makeFlowKey(f[0], netip.MustParseAddrPort(f[1]), netip.MustParseAddrPort(f[2]))
				want[k] = map[string]Tunnel{"ipip": TunnelIPIP, "teredo": TunnelTeredo}[f[3]]
			}
			if c.file == "teredo.pcap" {
				n := 0
				for _, tun := range got {
					if tun == TunnelTeredo {
						n++
					}
				}
				t.Logf("%d Teredo inner flows", n)
				if n == 0 {
					t.Errorf("no Teredo inner flow decoded")
				}
			}
			if len(want) == 0 && c.file != "teredo.pcap" {
				t.Fatalf("no tunnelled flows expected: test table is stale")
			}
			for k, tun := range want {
				g, ok := got[k]
				switch {
				case !ok:
					t.Errorf("flow %v %v <-> %v (%v) not decoded", k.proto, k.a, k.b, tun)
				case g != tun:
					t.Errorf("flow %v %v <-> %v: tunnel %v, want %v", k.proto, k.a, k.b, g, tun)
				}
			}
			t.Logf("%d tunnelled flows expected, %d flows decoded", len(want), len(got))
		})
	}
}
