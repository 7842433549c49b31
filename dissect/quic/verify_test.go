package quic

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// TestSuricataVerify checks fields suricata-verify's quic tests expect in
// their EVE output.
func TestSuricataVerify(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "corpus", "suricata-verify", "tests")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("suricata-verify corpus absent")
	}
	cases := []struct {
		pcap string
		want map[string]string // "ext[i].name" / "ext[i].value" / "cyu.hash" / "cyu.string"
	}{
		{"quic-ietf/input.pcap", map[string]string{"ext[1].name": "server_name", "ext[1].value": "msquic.net", "ext[2].name": "alpn", "ext[2].value": "h3-29"}},
		{"quic-v2/input.pcap", map[string]string{"ext[0].name": "status_request", "ext[6].name": "alpn", "ext[6].value": "h3"}},
		{"quic-frag/input.pcap", map[string]string{"ext[0].name": "status_request", "ext[4].name": "alpn", "ext[4].value": "h3"}},
		// ServerHello extensions, in their order, on the server's packet.
		{"quic-frag-wait/input.pcap", map[string]string{"ext[0].name": "key_share"}},
		{"quic-retry/input.pcap", map[string]string{"ext[0].name": "supported_versions", "ext[1].name": "key_share"}},
		{"quic-cyu/input.pcap", map[string]string{"cyu.hash": "a46560d4548108cf99308319b3b85346", "cyu.string": "46,PAD-SNI-STK-VER-CCS-NONC-AEAD-UAID-SCID-TCID-PDMD-SMHL-ICSL-NONP-PUBS-MIDS-SCLS-KEXS-XLCT-CSCT-COPT-CCRT-IRTT-CFCW-SFCW"}},
	}
	for _, tc := range cases {
		path := filepath.Join(dir, tc.pcap)
		if _, err := os.Stat(path); err != nil {
			t.Logf("%s absent", tc.pcap)
			continue
		}
		var events []string
		matched := false
		for _, f := range dissecttest.ReadFlows(t, path) {
			if f.Proto != 17 {
				continue
			}
			r := dissecttest.Run(Dissector, f)
			if r.Verdict != dissect.Match {
				continue
			}
			for _, e := range r.Rec.Events {
				events = append(events, e)
				var ev struct {
					Extensions []struct {
						Name   string   `json:"name"`
						Values []string `json:"values"`
					} `json:"extensions"`
					CYU []struct{ Hash, String string } `json:"cyu"`
				}
				if err := json.Unmarshal([]byte(e[len("quic "):]), &ev); err != nil {
					t.Fatal(err)
				}
				got := map[string]string{}
				for i, x := range ev.Extensions {
					got[fmt.Sprintf("ext[%d].name", i)] = x.Name
					if len(x.Values) > 0 {
						got[fmt.Sprintf("ext[%d].value", i)] = x.Values[0]
					}
				}
				if len(ev.CYU) > 0 {
					got["cyu.hash"], got["cyu.string"] = ev.CYU[0].Hash, ev.CYU[0].String
				}
				ok := true
				for k, v := range tc.want {
					if got[k] != v {
						ok = false
					}
				}
				matched = matched || ok
			}
		}
		if !matched {
			t.Errorf("%s: no event with %v; events %q", tc.pcap, tc.want, events)
		}
	}
}
