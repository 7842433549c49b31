package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "netsift")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func runBin(t *testing.T, bin string, stdin []byte, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// TestReadCommand checks the CLI contract: EVE on stdout or --eve, the
// summary on stderr, stdin and gzip input, and the exit statuses.
func TestReadCommand(t *testing.T) {
	bin := build(t)
	sample := filepath.Join("..", "..", "testdata", "sample.pcap")
	out, errOut, code := runBin(t, bin, nil, "read", sample)
	if code != 0 || !strings.Contains(out, `"event_type":"tls"`) || !strings.Contains(errOut, "application") || !strings.Contains(errOut, "throughput") {
		t.Fatalf("read sample: code %d\nstderr %s", code, errOut)
	}
	// -q: nothing on stderr; --eve FILE.
	eve := filepath.Join(t.TempDir(), "eve.json")
	out, errOut, code = runBin(t, bin, nil, "read", "-q", "--eve", eve, sample)
	if code != 0 || out != "" || errOut != "" {
		t.Fatalf("-q --eve: code %d stdout %q stderr %q", code, out, errOut)
	}
	if b, _ := os.ReadFile(eve); !bytes.Contains(b, []byte(`"event_type":"flow"`)) {
		t.Fatal("--eve file has no flow events")
	}
	// stdin, gzip-compressed.
	raw, _ := os.ReadFile(sample)
	var gz bytes.Buffer
	gzipInto(&gz, raw)
	out, _, code = runBin(t, bin, gz.Bytes(), "read", "-q", "-")
	if code != 0 || !strings.Contains(out, `"sni":"www.youtube.com"`) {
		t.Fatalf("gzip stdin: code %d", code)
	}
	// Damaged input: exit 1, file and offset named, frames before kept.
	cut := filepath.Join(t.TempDir(), "cut.pcap")
	os.WriteFile(cut, raw[:len(raw)-100], 0o644)
	out, errOut, code = runBin(t, bin, nil, "read", cut)
	if code != 1 || !strings.Contains(errOut, "cut.pcap: offset ") || !strings.Contains(out, `"event_type":"tls"`) {
		t.Fatalf("truncated: code %d stderr %s", code, errOut)
	}
	// Unreadable input and usage errors: exit 2.
	if _, errOut, code = runBin(t, bin, nil, "read", "/nonexistent.pcap"); code != 2 || !strings.Contains(errOut, "nonexistent") {
		t.Fatalf("missing file: code %d %s", code, errOut)
	}
	notcap := filepath.Join(t.TempDir(), "x.pcap")
	os.WriteFile(notcap, []byte("this is not a capture"), 0o644)
	out, errOut, code = runBin(t, bin, nil, "read", notcap)
	if code != 2 || !strings.Contains(errOut, "not a pcap or pcapng") {
		t.Fatalf("not a capture: code %d %s", code, errOut)
	}
	// The stats event of a run that read no packet carries the wall clock,
	// not the zero time.
	if strings.Contains(out, `"timestamp":"0001-`) {
		t.Errorf("stats event of an empty run has the zero time: %s", out)
	}
	if _, _, code = runBin(t, bin, nil, "read"); code != 2 {
		t.Fatalf("no args: code %d", code)
	}
	if _, _, code = runBin(t, bin, nil, "read", "--bogus", sample); code != 2 {
		t.Fatalf("bad flag: code %d", code)
	}
}
