package services

import (
	"bufio"
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// ndpiResultDir returns the nDPI corpus result directory
// (../shared/corpus/ndpi/result next to the repository), skipping the test
// when it is absent.
func ndpiResultDir(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "shared", "corpus", "ndpi", "result")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("nDPI corpus not found at %s", dir)
	}
	return dir
}

var (
	outFlowRE  = regexp.MustCompile(`^\t\d+\t\S+ \S+ (?:<->|->) \S+ (.*)$`)
	outProtoRE = regexp.MustCompile(`\[proto: (?:[A-Za-z0-9_]+:)?\d+\.\d+/[^.\]]*\.([^\]]*)\]`)
	outHostRE  = regexp.MustCompile(`\[Hostname/SNI: (.*?)\](?:\[|$)`)
)

// payloadApps are nDPI applications found from payload or protocol
// behaviour rather than from the host name (or custom rules of nDPI's test
// configuration): a host table cannot and should not reproduce them.
var payloadApps = map[string]bool{
	"OCSP": true, "SMBv1": true, "SMBv23": true, "WebDAV": true, "SOAP": true,
	"BitTorrent": true, "Gnutella": true, "MpegDash": true, "IPP": true,
	"ntop": true, "CustomProtocolA": true, "Mumble": true, "RDP": true,
	"PROFINET_IO": true, "GTP_PRIME": true,
}

// callApps maps nDPI's call sub-protocols, which nDPI recognises from the
// media stream (STUN/RTP), to the messenger they belong to: the host name
// only says which messenger it is.
var callApps = map[string]string{
	"WhatsAppCall": "WhatsApp", "SignalVoip": "Signal", "TelegramVoip": "Telegram",
	"FacebookVoip": "Facebook", "SnapchatCall": "Snapchat", "ViberVoip": "Viber",
	"Skype_TeamsCall": "Skype_Teams", "KakaoTalk_Voice": "KakaoTalk", "LineCall": "Line",
	"GoogleCall": "Google",
}

// sameApp reports whether our nDPI name got agrees with nDPI's app want.
func sameApp(want, got string) bool {
	if want == got {
		return true
	}
	if base, ok := callApps[want]; ok && (got == base || callApps[got] == base) {
		return true
	}
	return callApps[got] != "" && callApps[got] == want
}

// TestNDPICoverage measures, over the corpus flows where nDPI names an app
// and a host name, how often ByHost on that host name gives a service whose
// nDPI name is nDPI's app. IP-literal "host names" and payload-detected apps
// are skipped and counted separately.
func TestNDPICoverage(t *testing.T) {
	dir := ndpiResultDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.out"))
	tab := Default()
	var hits, total, skipped int
	missed := map[string]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			m := outFlowRE.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			pm := outProtoRE.FindStringSubmatch(m[1])
			hm := outHostRE.FindStringSubmatch(m[1])
			if pm == nil || hm == nil || hm[1] == "" {
				continue
			}
			app, host := pm[1], hm[1]
			if payloadApps[app] {
				skipped++
				continue
			}
			if _, err := netip.ParseAddr(host); err == nil || !strings.Contains(host, ".") {
				skipped++
				continue
			}
			total++
			s, ok := tab.ByHost([]byte(host))
			if ok && sameApp(app, s.NDPI) {
				hits++
				continue
			}
			got := "-"
			if ok {
				got = s.Name + "/" + s.NDPI
			}
			missed[app+" "+host+" -> "+got]++
		}
	}
	if total == 0 {
		t.Skip("no flows with app and host name in the corpus")
	}
	keys := make([]string, 0, len(missed))
	for k := range missed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("miss: %s (%d flows)", k, missed[k])
	}
	pct := 100 * float64(hits) / float64(total)
	t.Logf("nDPI host coverage: %d/%d flows = %.1f%% (%d skipped: payload-detected apps or IP literals)", hits, total, pct, skipped)
	if pct < 90 {
		t.Errorf("coverage %.1f%% below the 90%% floor", pct)
	}
}
