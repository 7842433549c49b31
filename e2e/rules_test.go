package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Issue 4 inline: signatures on live traffic. An alert rule alerts and lets
// the request through; a drop rule drops the packet carrying the request
// (the server never sees it) and the rest of the flow; a reject rule resets
// the connection; a SIGHUP after the rule file changed brings new rules in.

const e2eRules = `alert http any any -> any any (msg:"e2e alert on a path"; flow:established,to_server; content:"GET /alert-me"; depth:13; sid:9000001; rev:1; classtype:misc-activity;)
drop tcp any any -> any any (msg:"e2e drop a path"; flow:established,to_server; content:"/forbidden-path"; sid:9000002; rev:1;)
reject tcp any any -> any any (msg:"e2e reject a path"; flow:established,to_server; content:"/reset-me"; sid:9000003; rev:1;)
`

func TestInlineRules(t *testing.T) {
	b := newInlineBed(t)
	dir := t.TempDir()
	rulesFile := filepath.Join(dir, "e2e.rules")
	if err := os.WriteFile(rulesFile, []byte(e2eRules), 0o644); err != nil {
		t.Fatal(err)
	}
	n := b.startNetsift(t, "default: allow\n", "--rules", rulesFile)

	// The test server answers unknown paths with 404: any answer means the
	// request went through.
	if r := b.Curl("http://allowed.example/alert-me", serverIP, 10*time.Second); r.Status == 0 {
		t.Errorf("curl /alert-me: %v; an alert rule must let the request through", r)
	}
	r := b.Curl("http://allowed.example/forbidden-path", serverIP, 3*time.Second)
	if r.Status != 0 {
		t.Errorf("curl /forbidden-path: %v; want no answer (drop rule)", r)
	}
	start := time.Now()
	r = b.Curl("http://allowed.example/reset-me", serverIP, 5*time.Second)
	if r.Status != 0 || time.Since(start) > 2*time.Second {
		t.Errorf("curl /reset-me: %v after %v; want a reset within 1 s (reject rule)", r, time.Since(start))
	}
	if r := b.Curl("http://allowed.example/later", serverIP, 10*time.Second); r.Status == 0 {
		t.Errorf("curl /later before the reload: %v", r)
	}

	// Reload: the new file drops /later too.
	if err := os.WriteFile(rulesFile, []byte(e2eRules+`drop tcp any any -> any any (msg:"e2e added by reload"; flow:established,to_server; content:"/later"; sid:9000004; rev:1;)
`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := n.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(n.stderr.String(), "rules reloaded") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if r := b.Curl("http://allowed.example/later", serverIP, 3*time.Second); r.Status != 0 {
		t.Errorf("curl /later after the reload: %v; want no answer (rule added by the reload)", r)
	}

	time.Sleep(300 * time.Millisecond)
	for _, path := range []string{"/forbidden-path", "/reset-me"} {
		for _, e := range b.Log.Find("http", "allowed.example") {
			if e.Detail == path {
				t.Errorf("the server saw the request for %s: %+v", path, e)
			}
		}
	}
	n.Stop(t)
	for sid, action := range map[string]string{"9000001": "allowed", "9000002": "blocked", "9000003": "blocked", "9000004": "blocked"} {
		if len(n.EVELines(`"event_type":"alert"`, `"signature_id":`+sid, `"action":"`+action+`"`)) == 0 {
			t.Errorf("EVE: no alert event for sid %s with action %s", sid, action)
		}
	}
}
