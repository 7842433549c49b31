// Command ndpicompare measures netsift's application identification
// against nDPI's own results on nDPI's test corpus: it runs every capture
// through the engine, matches flows with the .out files on (L4 protocol,
// VLAN, unordered endpoints) and reports master-protocol agreement, service
// agreement, host-name agreement, the undetected rates and a confusion
// list.
//
//	go run ./tools/ndpicompare [-corpus ../shared/corpus/ndpi] [-v] [-confusion 40]
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/netsift/netsift/capture/pcapfile"
	"github.com/netsift/netsift/dissect/all"
	"github.com/netsift/netsift/engine"
	"github.com/netsift/netsift/services"
)

func main() {
	corpus := flag.String("corpus", filepath.Join("..", "shared", "corpus", "ndpi"), "nDPI corpus folder (with pcap/ and result/)")
	verbose := flag.Bool("v", false, "list every disagreeing flow")
	nconf := flag.Int("confusion", 40, "confusion pairs to list")
	flag.Parse()
	r, err := Compare(*corpus)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ndpicompare:", err)
		os.Exit(2)
	}
	r.Print(os.Stdout, *nconf, *verbose)
}

// Result holds the comparison's counters.
type Result struct {
	Files                   int
	NDPIFlows               int // flow lines in the .out files
	NDPIDetected            int // not Unknown
	NDPIUndetected          int
	Matched                 int // nDPI flows that netsift also reported
	MasterAgree             int // of NDPIDetected
	ServiceTotal, ServiceOK int // flows where nDPI names an app (M.A) that is a service
	HostTotal, HostOK       int // flows where nDPI reports a host name
	NetsiftUndetected       int // of Matched
	Confusion               map[string]int
	Disagreements           []string
}

// UndetectedNetsift is netsift's undetected rate over the matched flows.
func (r *Result) UndetectedNetsift() float64 { return pct(r.NetsiftUndetected, r.Matched) }

// UndetectedNDPI is nDPI's undetected rate over its flows.
func (r *Result) UndetectedNDPI() float64 { return pct(r.NDPIUndetected, r.NDPIFlows) }

// MasterRate is the master agreement over nDPI-detected flows.
func (r *Result) MasterRate() float64 { return pct(r.MasterAgree, r.NDPIDetected) }

// HostRate is the host agreement where nDPI reports a host.
func (r *Result) HostRate() float64 { return pct(r.HostOK, r.HostTotal) }

// ServiceRate is the service agreement where nDPI names one.
func (r *Result) ServiceRate() float64 { return pct(r.ServiceOK, r.ServiceTotal) }

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// Print writes the report.
func (r *Result) Print(w io.Writer, nconf int, verbose bool) {
	fmt.Fprintf(w, "captures: %d, nDPI flows: %d (detected %d, undetected %d), matched by netsift: %d\n",
		r.Files, r.NDPIFlows, r.NDPIDetected, r.NDPIUndetected, r.Matched)
	fmt.Fprintf(w, "master protocol agreement: %.1f%% (%d/%d nDPI-detected flows)\n", r.MasterRate(), r.MasterAgree, r.NDPIDetected)
	fmt.Fprintf(w, "service agreement:         %.1f%% (%d/%d flows where nDPI names a service)\n", r.ServiceRate(), r.ServiceOK, r.ServiceTotal)
	fmt.Fprintf(w, "host name agreement:       %.1f%% (%d/%d flows where nDPI reports a host)\n", r.HostRate(), r.HostOK, r.HostTotal)
	fmt.Fprintf(w, "undetected: netsift %.1f%% (%d/%d), nDPI %.1f%% (%d/%d)\n",
		r.UndetectedNetsift(), r.NetsiftUndetected, r.Matched, r.UndetectedNDPI(), r.NDPIUndetected, r.NDPIFlows)
	type kv struct {
		k string
		v int
	}
	var conf []kv
	for k, v := range r.Confusion {
		conf = append(conf, kv{k, v})
	}
	sort.Slice(conf, func(i, j int) bool {
		if conf[i].v != conf[j].v {
			return conf[i].v > conf[j].v
		}
		return conf[i].k < conf[j].k
	})
	fmt.Fprintf(w, "confusion (nDPI master → netsift app: flows):\n")
	for i, c := range conf {
		if i >= nconf {
			break
		}
		fmt.Fprintf(w, "  %-40s %d\n", c.k, c.v)
	}
	if verbose {
		for _, d := range r.Disagreements {
			fmt.Fprintln(w, "  ", d)
		}
	}
}

type flowKey struct {
	l4   string
	vlan int
	a, b netip.AddrPort // ordered
}

func mkKey(l4 string, vlan int, x, y netip.AddrPort) flowKey {
	if x.Compare(y) > 0 {
		x, y = y, x
	}
	return flowKey{strings.ToUpper(l4), vlan, x, y}
}

// ndpiName maps netsift service names to nDPI's.
var ndpiName = map[string]string{}

type nsFlow struct {
	app, service, host string
}

var (
	lineRE  = regexp.MustCompile(`^\t(\d+)\t(\S+) (\[[0-9A-Fa-f:.]+\]|[0-9.]+):(\d+) (<->|->) (\[[0-9A-Fa-f:.]+\]|[0-9.]+):(\d+) (.*)$`)
	protoRE = regexp.MustCompile(`\[proto: (?:([A-Za-z0-9_]+):)?(\d+)(?:\.(\d+))?/([^\]]*)\]`)
	hostRE  = regexp.MustCompile(`\[Hostname/SNI: (.*?)\](\[|$)`)
	vlanRE  = regexp.MustCompile(`^\[VLAN: (\d+)\]`)
)

func parseAP(s, port string) netip.AddrPort {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	a, _ := netip.ParseAddr(s)
	p, _ := strconv.Atoi(port)
	return netip.AddrPortFrom(a.Unmap(), uint16(p))
}

// Compare runs the whole corpus.
func Compare(dir string) (*Result, error) {
	pcaps, err := filepath.Glob(filepath.Join(dir, "pcap", "*"))
	if err != nil || len(pcaps) == 0 {
		return nil, fmt.Errorf("no captures under %s/pcap (the nDPI corpus lives in ../shared/corpus/ndpi)", dir)
	}
	sort.Strings(pcaps)
	res := &Result{Confusion: map[string]int{}}
	svc := services.Default()
	for _, s := range svc.Services() {
		ndpiName[s.Name] = s.NDPI
	}
	for _, p := range pcaps {
		out, err := os.ReadFile(filepath.Join(dir, "result", filepath.Base(p)+".out"))
		if err != nil {
			continue
		}
		res.Files++
		flows, err := runCapture(p, svc)
		if err != nil {
			return nil, err
		}
		compareFile(res, filepath.Base(p), out, flows)
	}
	return res, nil
}

func runCapture(path string, svc *services.Table) (map[flowKey]nsFlow, error) {
	var buf bytes.Buffer
	eng, err := engine.New(engine.Config{Registry: all.Registry(), Output: &buf, Services: services.ForEngine(svc)})
	if err != nil {
		return nil, err
	}
	src, err := pcapfile.Open(path)
	if err != nil {
		return map[flowKey]nsFlow{}, nil
	}
	eng.Run(src) // damage is fine: compare what was read
	src.Close()
	eng.Close()
	flows := map[flowKey]nsFlow{}
	sc := bufio.NewScanner(&buf)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var ev struct {
			Type    string `json:"event_type"`
			Src     string `json:"src_ip"`
			Dst     string `json:"dest_ip"`
			SPort   int    `json:"src_port"`
			DPort   int    `json:"dest_port"`
			Proto   string `json:"proto"`
			VLAN    []int  `json:"vlan"`
			Netsift struct {
				App     string `json:"app"`
				Service string `json:"service"`
				Host    string `json:"host"`
			} `json:"netsift"`
		}
		if !bytes.Contains(sc.Bytes(), []byte(`"event_type":"flow"`)) {
			continue
		}
		if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.Type != "flow" {
			continue
		}
		vlan := 0
		if len(ev.VLAN) > 0 {
			vlan = ev.VLAN[len(ev.VLAN)-1]
		}
		s, _ := netip.ParseAddr(ev.Src)
		d, _ := netip.ParseAddr(ev.Dst)
		proto := ev.Proto
		if proto == "IPv6-ICMP" {
			proto = "ICMPV6"
		}
		k := mkKey(proto, vlan, netip.AddrPortFrom(s, uint16(ev.SPort)), netip.AddrPortFrom(d, uint16(ev.DPort)))
		if old, ok := flows[k]; ok && old.app != "unknown" && ev.Netsift.App == "unknown" {
			continue // the same 5-tuple again later; keep the identified one
		}
		flows[k] = nsFlow{ev.Netsift.App, ev.Netsift.Service, ev.Netsift.Host}
	}
	return flows, nil
}

func compareFile(res *Result, name string, out []byte, flows map[flowKey]nsFlow) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := lineRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		rest := m[8]
		vlan := 0
		if vm := vlanRE.FindStringSubmatch(rest); vm != nil {
			vlan, _ = strconv.Atoi(vm[1])
		}
		pm := protoRE.FindStringSubmatch(rest)
		if pm == nil {
			continue
		}
		master, app := pm[4], pm[4]
		if pm[3] != "" {
			master, app, _ = strings.Cut(pm[4], ".")
		}
		l4 := m[2]
		ports := l4 == "TCP" || l4 == "UDP" || l4 == "SCTP"
		a, b := parseAP(m[3], m[4]), parseAP(m[6], m[7])
		if !ports {
			a, b = netip.AddrPortFrom(a.Addr(), 0), netip.AddrPortFrom(b.Addr(), 0)
		}
		k := mkKey(l4, vlan, a, b)
		res.NDPIFlows++
		if master == "Unknown" {
			res.NDPIUndetected++
		} else {
			res.NDPIDetected++
		}
		f, ok := flows[k]
		if !ok && !ports {
			// ICMP flows: nDPI keys them without ports too, but our flow
			// events carry ICMP ids in no port; try VLAN 0.
			f, ok = flows[mkKey(l4, 0, a, b)]
		}
		if !ok {
			if master != "Unknown" {
				res.Confusion[master+" → (no flow)"]++
				res.Disagreements = append(res.Disagreements, fmt.Sprintf("%s %s %s↔%s nDPI %s: no netsift flow", name, l4, a, b, master))
			}
			continue
		}
		res.Matched++
		if f.app == "unknown" {
			res.NetsiftUndetected++
		}
		if master != "Unknown" {
			// nDPI reports some services as protocols (Telegram, AliCloud,
			// Google by address or host): netsift's service is their peer.
			if sameProto(master, f.app) || (f.service != "" && (norm(master) == norm(f.service) || norm(master) == norm(ndpiName[f.service]))) {
				res.MasterAgree++
			} else {
				res.Confusion[master+" → "+f.app]++
				res.Disagreements = append(res.Disagreements, fmt.Sprintf("%s %s %s↔%s nDPI %s.%s netsift %s", name, l4, a, b, master, app, f.app))
			}
		}
		if app != master && app != "Unknown" {
			res.ServiceTotal++
			if norm(app) == norm(f.service) || norm(app) == norm(ndpiName[f.service]) || sameProto(app, f.app) {
				res.ServiceOK++
			} else {
				res.Disagreements = append(res.Disagreements, fmt.Sprintf("%s %s %s↔%s service nDPI %s netsift %q host %q (%s)", name, l4, a, b, app, f.service, f.host, f.app))
			}
		}
		// nDPI puts SSH banners in its host field: not host names.
		if hm := hostRE.FindStringSubmatch(rest); hm != nil && hm[1] != "" && !strings.HasPrefix(hm[1], "SSH-") {
			res.HostTotal++
			if sameHost(hm[1], f.host) {
				res.HostOK++
			} else {
				res.Disagreements = append(res.Disagreements, fmt.Sprintf("%s %s %s↔%s host nDPI %q netsift %q (%s)", name, l4, a, b, hm[1], f.host, f.app))
			}
		}
	}
}

// sameHost compares host names the way nDPI writes them: case-insensitive;
// nDPI replaces characters outside the DNS alphabet (and each byte of a
// multi-byte UTF-8 character) with '?' or '_'; it keeps only the tail of
// very long names.
func sameHost(ndpi, ours string) bool {
	ndpi = strings.TrimSuffix(ndpi, ".")
	if strings.EqualFold(ndpi, ours) {
		return true
	}
	if len(ndpi) >= 48 && len(ours) > len(ndpi) && strings.HasSuffix(strings.ToLower(ours), strings.ToLower(ndpi)) {
		return true
	}
	if len(ndpi) != len(ours) {
		return false
	}
	for i := 0; i < len(ndpi); i++ {
		a, b := lower(ndpi[i]), lower(ours[i])
		if a == b {
			continue
		}
		if (a == '?' || a == '_') && !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '.' || b == '-') {
			continue
		}
		return false
	}
	return true
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 32
	}
	return c
}
