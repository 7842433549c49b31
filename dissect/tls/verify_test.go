package tls

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/netsift/netsift/dissect"
	"github.com/netsift/netsift/dissect/dissecttest"
)

// svDir returns suricata-verify's tests directory next to the repository,
// skipping when it is absent.
func svDir(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "corpus", "suricata-verify", "tests")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("suricata-verify corpus absent")
	}
	return dir
}

// TestSuricataVerify checks values that suricata-verify's tls tests expect
// in their EVE output.
func TestSuricataVerify(t *testing.T) {
	dir := svDir(t)
	cases := []struct{ pcap, want string }{
		{"ja4-tls/input.pcap", `"ja4":"t12i1810s1_27d4652c4487_06a4338d0495"`},
		{"tls-duplicate-hello/input.pcap", `"string":"771,4866-4867-4865-4868-49196-52393-49325-49162-49195-49324-49161-49200-52392-49172-49199-49171-157-49309-53-156-49308-47-159-52394-49311-57-158-49310-51,5-10-11-13-22-23-35-51-43-65281-0-45,23,0"`},
		{"tls/tls-client-hello-frag-01/dump_mtu300.pcap", `"sni":"www.google.com"`},
	}
	for _, tc := range cases {
		path := filepath.Join(dir, tc.pcap)
		if _, err := os.Stat(path); err != nil {
			t.Logf("%s absent", tc.pcap)
			continue
		}
		found := false
		var all []string
		for _, f := range dissecttest.ReadFlows(t, path) {
			if f.Proto != 6 {
				continue
			}
			r := dissecttest.Run(Dissector, f)
			if r.Verdict != dissect.Match {
				continue
			}
			for _, ev := range r.Rec.Events {
				all = append(all, ev)
				if strings.Contains(ev, tc.want) {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("%s: no event with %s; events: %q", tc.pcap, tc.want, all)
		}
	}
}
