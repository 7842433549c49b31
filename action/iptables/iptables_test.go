package iptables_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/netsift/netsift/action/iptables"
	"github.com/netsift/netsift/capture/nfqueue/netnstest"
)

func TestCommands(t *testing.T) {
	r := iptables.Rules{Queues: [2]uint16{2, 5}, Mark: 0x100, Bypass: true}
	got := r.Commands()
	want := [][]string{
		{"iptables", "-t", "filter", "-N", "NETSIFT"},
		{"iptables", "-t", "filter", "-A", "NETSIFT", "-m", "connmark", "--mark", "0x100/0x100", "-j", "ACCEPT"},
		{"iptables", "-t", "filter", "-A", "NETSIFT", "-j", "NFQUEUE", "--queue-balance", "2:5", "--queue-bypass"},
		{"iptables", "-t", "filter", "-I", "FORWARD", "1", "-j", "NETSIFT"},
		{"iptables", "-t", "mangle", "-N", "NETSIFT"},
		{"iptables", "-t", "mangle", "-A", "NETSIFT", "-m", "mark", "--mark", "0x100/0x100", "-j", "CONNMARK", "--save-mark", "--nfmask", "0x100", "--ctmask", "0x100"},
		{"iptables", "-t", "mangle", "-A", "POSTROUTING", "-j", "NETSIFT"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Commands():\n%s\nwant\n%s", join(got), join(want))
	}

	// One queue, no offload, fail-closed, both families.
	got = iptables.Rules{Queues: [2]uint16{3, 0}, Chain: "OUTPUT", IPv6: true}.Commands()
	want = [][]string{
		{"iptables", "-t", "filter", "-N", "NETSIFT"},
		{"iptables", "-t", "filter", "-A", "NETSIFT", "-j", "NFQUEUE", "--queue-num", "3"},
		{"iptables", "-t", "filter", "-I", "OUTPUT", "1", "-j", "NETSIFT"},
		{"ip6tables", "-t", "filter", "-N", "NETSIFT"},
		{"ip6tables", "-t", "filter", "-A", "NETSIFT", "-j", "NFQUEUE", "--queue-num", "3"},
		{"ip6tables", "-t", "filter", "-I", "OUTPUT", "1", "-j", "NETSIFT"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Commands():\n%s\nwant\n%s", join(got), join(want))
	}
}

func join(cmds [][]string) string {
	var b strings.Builder
	for _, c := range cmds {
		b.WriteString("  " + strings.Join(c, " ") + "\n")
	}
	return b.String()
}

func TestValidate(t *testing.T) {
	if err := (iptables.Rules{Chain: "PREROUTING"}).Validate(); err == nil || !strings.Contains(err.Error(), "FORWARD") {
		t.Errorf("PREROUTING: %v", err)
	}
	if err := (iptables.Rules{Queues: [2]uint16{5, 2}}).Validate(); err == nil {
		t.Error("reversed queue range accepted")
	}
	if err := (iptables.Rules{}).Validate(); err != nil {
		t.Errorf("zero Rules: %v", err)
	}
}

// builtin are the chains iptables-save lists in every table it shows.
var builtin = map[string]bool{":PREROUTING": true, ":INPUT": true, ":FORWARD": true, ":OUTPUT": true, ":POSTROUTING": true}

// save returns the rules and user chains of ns (iptables-save and
// ip6tables-save, tables named), for comparing rule sets. Empty tables
// and built-in chains are left out: the nf_tables variant creates a table
// on first use and leaves it, empty, after the last rule is deleted.
func save(t *testing.T, ns netnstest.NS) string {
	var b strings.Builder
	for _, prog := range []string{"iptables-save", "ip6tables-save"} {
		table := ""
		for _, line := range strings.Split(ns.MustRun(t, prog), "\n") {
			switch {
			case strings.HasPrefix(line, "*"):
				table = line
			case strings.HasPrefix(line, ":"):
				if name := strings.Fields(line)[0]; !builtin[name] {
					b.WriteString(prog + " " + table + " " + name + "\n")
				}
			case strings.HasPrefix(line, "-"):
				b.WriteString(prog + " " + table + " " + line + "\n")
			}
		}
	}
	return b.String()
}

// TestInstallRemove installs into a fresh namespace twice (idempotent),
// replaces the rules, and removes them, leaving the tables as they were.
func TestInstallRemove(t *testing.T) {
	netnstest.Require(t, "iptables", "ip6tables", "iptables-save", "ip6tables-save")
	ns := netnstest.New(t, "nsipt")
	bin, err := func() (b string, err error) {
		err = ns.Do(func() (err error) { b, err = iptables.Binary("iptables"); return })
		return
	}()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Install uses %s", bin)
	before := save(t, ns)
	r := iptables.Rules{Queues: [2]uint16{4, 6}, Mark: 0x4, IPv6: true}
	for range 2 {
		if err := ns.Do(func() error { return iptables.Install(r) }); err != nil {
			t.Fatal(err)
		}
	}
	after := save(t, ns)
	for _, want := range []string{
		"-A FORWARD -j NETSIFT",
		"-A NETSIFT -m connmark --mark 0x4/0x4 -j ACCEPT",
		"-A NETSIFT -j NFQUEUE --queue-balance 4:6",
		"-A POSTROUTING -j NETSIFT",
		"-A NETSIFT -m mark --mark 0x4/0x4 -j CONNMARK --save-mark --nfmask 0x4 --ctmask 0x4",
	} {
		// Each rule once per family: twice in all.
		if n := strings.Count(after, " "+want+"\n"); n != 2 {
			t.Errorf("%q appears %d times after two Installs, want 2 (IPv4 + IPv6):\n%s", want, n, after)
		}
	}
	// Replacing with other rules leaves only the new ones.
	r2 := iptables.Rules{Queues: [2]uint16{9, 9}, Bypass: true, IPv6: true}
	if err := ns.Do(func() error { return iptables.Install(r2) }); err != nil {
		t.Fatal(err)
	}
	after = save(t, ns)
	if strings.Contains(after, "connmark") || strings.Contains(after, "4:6") || strings.Count(after, " -A NETSIFT -j NFQUEUE --queue-num 9 --queue-bypass\n") != 2 {
		t.Errorf("after re-Install with other rules:\n%s", after)
	}
	if err := ns.Do(func() error { return iptables.Remove(r2) }); err != nil {
		t.Fatal(err)
	}
	if got := save(t, ns); got != before {
		t.Errorf("after Remove:\n%s\nwant as before Install:\n%s", got, before)
	}
	// Remove again is harmless.
	if err := ns.Do(func() error { return iptables.Remove(r2) }); err != nil {
		t.Errorf("second Remove: %v", err)
	}
}
