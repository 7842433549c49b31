package engine

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/netsift/netsift/decode"
	"github.com/netsift/netsift/policy"
)

// AppStats counts one application's flows.
type AppStats struct {
	Flows, Packets, Bytes uint64
}

// Decoder counters: Suricata's stats.decoder names, in output order.
const (
	decEthernet = iota
	decARP
	decUnknownEther
	decIPv4
	decIPv6
	decTCP
	decUDP
	decICMPv4
	decICMPv6
	decSCTP
	decVLAN
	decMPLS
	decPPPoE
	decNSH
	nDecCounters
)

var decNames = [nDecCounters]string{"ethernet", "arp", "unknown_ethertype", "ipv4", "ipv6", "tcp", "udp",
	"icmpv4", "icmpv6", "sctp", "vlan", "mpls", "pppoe", "nsh"}

// Stats are a run's counters. Each worker keeps its own; Engine.Stats
// merges them.
type Stats struct {
	pkts, bytes  uint64
	events       uint64
	identified   uint64
	parserFailed uint64
	frames       uint64 // frames read (dispatcher)
	nonIP        uint64
	dec          [nDecCounters]uint64 // Suricata's stats.decoder counters (decNames)
	fragPending  uint64
	decodeAnom   [decode.NumAnomalies]uint64
	appAnom      map[string]uint64
	apps         map[string]*AppStats
	eveApps      map[string]uint64 // Suricata's stats.app_layer.flow keys
	rules        map[string]*RuleStats
	decisions    map[string]uint64 // by action
	flows        uint64
	evicted      uint64
	peakFlows    int
	alerts       uint64 // signature alerts written
	passes       uint64 // pass signatures that matched
}

func (s *Stats) init() {
	s.appAnom = map[string]uint64{}
	s.apps = map[string]*AppStats{}
	s.eveApps = map[string]uint64{}
	s.rules = map[string]*RuleStats{}
	s.decisions = map[string]uint64{}
}

// RuleStats counts the flows a policy rule decided.
type RuleStats struct {
	Action                string
	Flows, Packets, Bytes uint64
}

func (s *Stats) addDecision(d *policy.Decision) { s.decisions[d.Action.String()]++ }

func (s *Stats) addRuleFlow(rule, action string, st *flowState) {
	r := s.rules[rule]
	if r == nil {
		r = &RuleStats{Action: action}
		s.rules[rule] = r
	}
	r.Flows++
	r.Packets += st.pkts[0] + st.pkts[1]
	r.Bytes += st.bytes[0] + st.bytes[1]
}

// Rules returns per-rule counters (flows whose final verdict the rule gave).
func (s *Stats) Rules() map[string]RuleStats {
	out := make(map[string]RuleStats, len(s.rules))
	for k, v := range s.rules {
		out[k] = *v
	}
	return out
}

// eveFlowKeys are the stats.app_layer.flow counters Suricata's schema
// knows; netsift's full per-application counts go under "netsift".
var eveFlowKeys = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`bittorrent_dht dcerpc_tcp dcerpc_udp dhcp dnp3 dns_tcp dns_udp doh2
		enip_tcp enip_udp failed_tcp failed_udp ftp ftp_data http http2 ike ikev2 imap krb5_tcp krb5_udp
		ldap_tcp ldap_udp llmnr_tcp llmnr_udp mdns modbus mqtt nfs_tcp nfs_udp ntp pgsql pop3 quic rdp
		rfb sip_tcp sip_udp smb smtp snmp ssh telnet tftp tls websocket`) {
		eveFlowKeys[k] = true
	}
}

// eveFlowKey returns Suricata's counter name for a flow of app (EVE name)
// over proto, or "".
func eveFlowKey(eveApp string, proto uint8) string {
	suffix := "_tcp"
	if proto == 17 {
		suffix = "_udp"
	}
	if eveApp == "" || eveApp == "failed" {
		if proto != 6 && proto != 17 {
			return ""
		}
		return "failed" + suffix
	}
	eveApp = strings.ReplaceAll(eveApp, "-", "_")
	if eveFlowKeys[eveApp+suffix] {
		return eveApp + suffix
	}
	if eveFlowKeys[eveApp] {
		return eveApp
	}
	return ""
}

func (s *Stats) addAppAnomaly(kind string) { s.appAnom[kind]++ }

func (s *Stats) addFlow(app, eveApp string, proto uint8, st *flowState) {
	if k := eveFlowKey(eveApp, proto); k != "" {
		s.eveApps[k]++
	}
	if app == "" {
		app = "unknown"
	}
	a := s.apps[app]
	if a == nil {
		a = &AppStats{}
		s.apps[app] = a
	}
	a.Flows++
	a.Packets += st.pkts[0] + st.pkts[1]
	a.Bytes += st.bytes[0] + st.bytes[1]
	s.flows++
}

func (s *Stats) merge(o *Stats) {
	s.pkts += o.pkts
	s.bytes += o.bytes
	s.events += o.events
	s.identified += o.identified
	s.parserFailed += o.parserFailed
	s.frames += o.frames
	s.nonIP += o.nonIP
	for i := range s.dec {
		s.dec[i] += o.dec[i]
	}
	s.fragPending += o.fragPending
	for i := range s.decodeAnom {
		s.decodeAnom[i] += o.decodeAnom[i]
	}
	for k, v := range o.appAnom {
		s.appAnom[k] += v
	}
	for k, v := range o.rules {
		r := s.rules[k]
		if r == nil {
			r = &RuleStats{Action: v.Action}
			s.rules[k] = r
		}
		r.Flows += v.Flows
		r.Packets += v.Packets
		r.Bytes += v.Bytes
	}
	for k, v := range o.decisions {
		s.decisions[k] += v
	}
	for k, v := range o.eveApps {
		s.eveApps[k] += v
	}
	for k, v := range o.apps {
		a := s.apps[k]
		if a == nil {
			a = &AppStats{}
			s.apps[k] = a
		}
		a.Flows += v.Flows
		a.Packets += v.Packets
		a.Bytes += v.Bytes
	}
	s.flows += o.flows
	s.alerts += o.alerts
	s.passes += o.passes
	s.evicted += o.evicted
	s.peakFlows += o.peakFlows
}

// Apps returns per-application counters.
func (s *Stats) Apps() map[string]AppStats {
	out := make(map[string]AppStats, len(s.apps))
	for k, v := range s.apps {
		out[k] = *v
	}
	return out
}

// Anomalies returns anomaly counts by kind (decoder and application layer).
func (s *Stats) Anomalies() map[string]uint64 {
	out := map[string]uint64{}
	for i, n := range s.decodeAnom {
		if n > 0 && decode.Anomaly(i) != decode.AnomalyUnknownEtherType && decode.Anomaly(i) != decode.AnomalyFragPending {
			out["decode."+decode.Anomaly(i).String()] = n
		}
	}
	for k, n := range s.appAnom {
		out[k] = n
	}
	return out
}

// Frames returns frames read; Packets and Bytes those tracked in flows.
func (s *Stats) Frames() uint64  { return s.frames }
func (s *Stats) Packets() uint64 { return s.pkts }
func (s *Stats) Bytes() uint64   { return s.bytes }
func (s *Stats) Flows() uint64   { return s.flows }
func (s *Stats) Events() uint64  { return s.events }
func (s *Stats) Alerts() uint64  { return s.alerts }

// WriteSummary prints the human summary: per application flows, packets
// and bytes; totals; anomalies by kind; throughput.
func (s *Stats) WriteSummary(out io.Writer, elapsed time.Duration, readBytes int64) {
	type row struct {
		name string
		AppStats
	}
	var rows []row
	for k, v := range s.apps {
		rows = append(rows, row{k, *v})
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Bytes != rows[j].Bytes {
			return rows[i].Bytes > rows[j].Bytes
		}
		return rows[i].name < rows[j].name
	})
	fmt.Fprintf(out, "%-28s %10s %12s %14s\n", "application", "flows", "packets", "bytes")
	for _, r := range rows {
		fmt.Fprintf(out, "%-28s %10d %12d %14d\n", r.name, r.Flows, r.Packets, r.Bytes)
	}
	fmt.Fprintf(out, "%-28s %10d %12d %14d\n", "total", s.flows, s.pkts, s.bytes)
	fmt.Fprintf(out, "frames read %d, non-IP %d, flows evicted at the table cap %d, events written %d\n",
		s.frames, s.nonIP, s.evicted, s.events)
	an := s.Anomalies()
	if len(an) > 0 {
		keys := make([]string, 0, len(an))
		for k := range an {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s=%d", k, an[k])
		}
		fmt.Fprintf(out, "anomalies: %s\n", strings.Join(parts, " "))
	} else {
		fmt.Fprintln(out, "anomalies: none")
	}
	if len(s.rules) > 0 {
		fmt.Fprintf(out, "\n%-28s %-9s %10s %12s %14s\n", "policy rule", "action", "flows", "packets", "bytes")
		for _, k := range sortedKeys(s.rules) {
			r := s.rules[k]
			fmt.Fprintf(out, "%-28s %-9s %10d %12d %14d\n", k, r.Action, r.Flows, r.Packets, r.Bytes)
		}
	}
	secs := elapsed.Seconds()
	if secs > 0 {
		fmt.Fprintf(out, "throughput: %.0f packets/s, %.1f Mbit/s (%s)\n",
			float64(s.frames)/secs, float64(readBytes)*8/secs/1e6, elapsed.Round(time.Millisecond))
	}
}
