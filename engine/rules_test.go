package engine_test

import (
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netsift/netsift/capture/pcapfile"
	"github.com/netsift/netsift/dissect/all"
	"github.com/netsift/netsift/engine"
	"github.com/netsift/netsift/rules"
)

// sampleRules exercise each inspection context on the shipped sample: an
// app-layer transaction (HTTP, TLS, DNS, SSH buffers), the raw TCP stream,
// a UDP payload, a header-only rule and an IP-only rule.
const sampleRules = `alert http any any -> any any (msg:"HTTP GET"; flow:established,to_server; http.method; content:"GET"; classtype:misc-activity; metadata: created_at 2026_11_28, tag sample; sid:1; rev:2;)
alert tls any any -> any any (msg:"TLS SNI youtube"; tls.sni; content:"youtube"; sid:2;)
alert dns any any -> any any (msg:"DNS example.org"; dns.query; content:"example.org"; endswith; sid:3;)
alert ssh any any -> any any (msg:"SSH client"; ssh.proto; content:"2.0"; sid:4;)
alert tcp any any -> any any (msg:"raw GET"; flow:established,to_server; content:"GET /"; depth:5; sid:5;)
alert udp any any -> any 53 (msg:"DNS query header"; content:"|01 00|"; offset:2; depth:2; sid:6;)
alert tcp any any -> any any (msg:"SYN"; flags:S; sid:7;)
drop ip 192.0.2.10 any -> any any (msg:"ip-only drop"; sid:8;)
alert tls any any -> any any (msg:"TLS 1.3 negotiated"; tls.version:1.3; sid:9;)
alert ssh any any -> any 22 (msg:"SSH server targeted"; ssh.proto; content:"2.0"; target:dest_ip; sid:10;)
`

func runRules(t *testing.T, text string, cfg engine.Config) []map[string]any {
	t.Helper()
	rs, err := rules.NewParser(rules.DefaultVars()).Load("sample.rules", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Report.Skipped) > 0 {
		t.Fatalf("rules skipped: %v", rs.Report.Skipped[0])
	}
	sigs, err := engine.NewSignatures(rs, rules.DefaultClassifications())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Rules = func() *engine.Signatures { return sigs }
	evs, _ := runConfig(t, cfg, sample)
	return evs
}

func alertsBySID(evs []map[string]any) map[int]int {
	n := map[int]int{}
	for _, e := range evs {
		if e["event_type"] == "alert" {
			n[int(e["alert"].(map[string]any)["signature_id"].(float64))]++
		}
	}
	return n
}

func TestSignaturesOnSample(t *testing.T) {
	evs := runRules(t, sampleRules, engine.Config{})
	got := alertsBySID(evs)
	// IP-only: once per flow direction, never per packet.
	flows := 0
	for _, e := range evs {
		if e["event_type"] == "flow" && e["src_ip"] == "192.0.2.10" {
			f := e["flow"].(map[string]any)
			if f["pkts_toserver"].(float64) > 0 {
				flows++
			}
		}
	}
	if got[8] > 2*flows {
		t.Errorf("IP-only sid 8: %d alerts over %d flows, want at most one per direction", got[8], flows)
	}
	// Once per transaction for app-layer rules (two GET requests on the
	// HTTP connection; SSH's banners are one transaction); once per
	// matching packet for the others (four DNS queries).
	for sid, want := range map[int]int{1: 2, 2: 1, 3: 1, 4: 1, 5: 1, 6: 4} {
		if got[sid] != want {
			t.Errorf("sid %d: %d alerts, want %d (all: %v)", sid, got[sid], want, got)
		}
	}
	for _, e := range evs {
		if e["event_type"] != "alert" {
			continue
		}
		a := e["alert"].(map[string]any)
		if a["signature_id"] != 10.0 {
			continue
		}
		tg, _ := a["target"].(map[string]any)
		src, _ := a["source"].(map[string]any)
		if tg == nil || src == nil || tg["ip"] != e["dest_ip"] || src["ip"] != e["src_ip"] || tg["port"] != e["dest_port"] {
			t.Errorf("target:dest_ip alert: source %v target %v (event %v → %v)", src, tg, e["src_ip"], e["dest_ip"])
		}
	}
	if got[10] == 0 {
		t.Error("the target:dest_ip rule (sid 10) did not alert")
	}
	if got[9] == 0 {
		t.Errorf("tls.version:1.3 did not alert on the sample's TLS 1.3 flow: %v", got)
	}
	if got[7] == 0 || got[8] == 0 {
		t.Errorf("header-only (sid 7) and IP-only (sid 8) rules did not alert: %v", got)
	}
	for _, e := range evs {
		if e["event_type"] != "alert" {
			continue
		}
		a := e["alert"].(map[string]any)
		switch int(a["signature_id"].(float64)) {
		case 1:
			if a["action"] != "allowed" || a["rev"] != 2.0 || a["category"] != "Misc activity" || a["severity"] != 3.0 {
				t.Errorf("sid 1 alert fields: %v", a)
			}
			if md, _ := a["metadata"].(map[string]any); md == nil || len(md["tag"].([]any)) != 1 {
				t.Errorf("sid 1 metadata: %v", a["metadata"])
			}
			if h, _ := e["http"].(map[string]any); h == nil || h["http_method"] != "GET" {
				t.Errorf("sid 1 alert lacks the transaction's http object: %v", e)
			}
			if e["tx_id"] == nil || e["flow_id"] == nil || e["direction"] != "to_server" {
				t.Errorf("sid 1 alert header: %v", e)
			}
		case 2:
			if e["tls"] == nil || e["app_proto"] != "tls" {
				t.Errorf("sid 2 alert lacks the tls object: %v", e)
			}
		}
	}
	alerted := 0
	for _, e := range evs {
		if e["event_type"] == "flow" && e["flow"].(map[string]any)["alerted"] == true {
			alerted++
		}
	}
	if alerted == 0 {
		t.Error("no flow event says alerted: true")
	}
}

// TestSignaturesIPS: with RulesBlock the IP-only drop rule drops its flows
// (alert action "blocked", drop events, flow.action "drop").
func TestSignaturesIPS(t *testing.T) {
	evs := runRules(t, sampleRules, engine.Config{RulesBlock: true})
	var blocked, drops, flowDrop int
	for _, e := range evs {
		switch e["event_type"] {
		case "alert":
			if a := e["alert"].(map[string]any); a["signature_id"] == 8.0 && a["action"] == "blocked" {
				blocked++
			}
		case "drop":
			drops++
		case "flow":
			if e["flow"].(map[string]any)["action"] == "drop" {
				flowDrop++
			}
		}
	}
	if blocked == 0 || drops == 0 || flowDrop == 0 {
		t.Errorf("IPS: %d blocked alerts, %d drop events, %d dropped flows; want some of each", blocked, drops, flowDrop)
	}
}

// TestEVESchemaSignatures validates alert, drop and netflow events (and
// community_id) against Suricata's schema.
func TestEVESchemaSignatures(t *testing.T) {
	sch := loadSchema(t)
	evs := runRules(t, sampleRules, engine.Config{RulesBlock: true, Netflow: true, CommunityID: true})
	seen := map[string]int{}
	for _, e := range evs {
		delete(e, "netsift")
		typ := e["event_type"].(string)
		seen[typ]++
		if err := sch.Validate(e); err != nil {
			j, _ := json.Marshal(e)
			t.Errorf("%s event does not validate: %v\n%s", typ, err, j)
		}
		if typ == "flow" && e["community_id"] == nil {
			t.Errorf("flow event without community_id: %v", e)
		}
	}
	for _, typ := range []string{"alert", "drop", "netflow"} {
		if seen[typ] == 0 {
			t.Errorf("no %s event to validate (%v)", typ, seen)
		}
	}
}

// TestCorpusNoPanicWithRules runs every nDPI capture (fuzz-*, truncated and
// garbage ones included) with the whole ET Open set loaded and drop rules
// acting (IPS): signature inspection of malformed traffic never panics.
func TestCorpusNoPanicWithRules(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	pcaps, _ := filepath.Glob(filepath.Join(corpusDir(t, "ndpi"), "pcap", "*"))
	files, _ := filepath.Glob(filepath.Join(corpusDir(t, "et-open"), "rules", "*.rules"))
	rs := rules.NewParser(rules.DefaultVars()).LoadFiles(files...)
	sigs, err := engine.NewSignatures(rs, rules.DefaultClassifications())
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(engine.Config{Registry: all.Registry(), Output: io.Discard, RulesBlock: true,
		Rules: func() *engine.Signatures { return sigs }})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pcaps {
		src, err := pcapfile.Open(p)
		if err != nil {
			continue
		}
		if err := eng.Run(src); err != nil && !pcapfile.IsDamage(err) {
			t.Errorf("%s: %v", filepath.Base(p), err)
		}
		src.Close()
	}
	eng.Close()
	t.Logf("%d captures, %d frames, %d alerts", len(pcaps), eng.Stats().Frames(), eng.Stats().Alerts())
}
