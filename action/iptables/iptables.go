// Package iptables installs and removes the firewall rules that send
// traffic to netsift's NFQUEUE, with offload of allowed flows by
// connection mark.
//
// The scheme, per address family (iptables, and ip6tables when IPv6):
//
//	filter NETSIFT:  -m connmark --mark M/M -j ACCEPT        offloaded flows skip the queue
//	                 -j NFQUEUE --queue-num N [--queue-bypass] (or --queue-balance a:b)
//	filter <Chain>:  -j NETSIFT                              inserted first
//	mangle NETSIFT:  -m mark --mark M/M -j CONNMARK --save-mark --nfmask M --ctmask M
//	mangle POSTROUTING: -j NETSIFT
//
// A verdict with mark M (capture/nfqueue Verdict.Mark) sets the packet's
// mark; mangle POSTROUTING, which every forwarded or locally sent packet
// passes after the filter hook, copies it into the connection's mark, and
// from then on the connection's packets in both directions are accepted
// before the queue.
//
// This machine's kernel has no nftables queue expression, but the nf_tables
// variant of iptables (v1.8.9, Debian's default `iptables`) queues through
// the xtables NFQUEUE target, and was measured to work (see
// TestInstallQueues). Install uses `iptables`/`ip6tables` when they run and
// falls back to `iptables-legacy`/`ip6tables-legacy` otherwise.
package iptables

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// ChainName is the chain netsift creates in the filter and mangle tables.
const ChainName = "NETSIFT"

// Rules describes the rules to install. Zero fields take the documented
// defaults.
type Rules struct {
	// Queues is the first and last queue number. Last 0 or equal to
	// First means one queue (--queue-num First); Last > First spreads
	// flows over the queues (--queue-balance First:Last).
	Queues [2]uint16
	// Mark is the offload mark bit(s): connections whose mark has all of
	// Mark's bits set skip the queue. 0 disables offload.
	Mark uint32
	// Bypass adds --queue-bypass: when no program listens on the queue the
	// kernel accepts the packets (fail-open when netsift is gone). Without
	// it they are dropped (fail-closed).
	Bypass bool
	// Chain is the built-in filter chain that jumps to NETSIFT; default
	// "FORWARD" (traffic routed through this host). "OUTPUT" queues
	// locally sent traffic.
	Chain string
	// IPv6 also installs the rules with ip6tables.
	IPv6 bool
}

// Validate reports rules that iptables would refuse.
func (r Rules) Validate() error {
	switch r.chain() {
	case "FORWARD", "OUTPUT", "INPUT":
	default:
		return fmt.Errorf("iptables rules: Chain %q is not a built-in filter chain: use FORWARD (default), INPUT or OUTPUT", r.Chain)
	}
	if r.Queues[1] != 0 && r.Queues[1] < r.Queues[0] {
		return fmt.Errorf("iptables rules: queue range %d:%d is reversed: give the first queue then the last", r.Queues[0], r.Queues[1])
	}
	return nil
}

func (r Rules) chain() string {
	if r.Chain == "" {
		return "FORWARD"
	}
	return r.Chain
}

func (r Rules) queueArgs() []string {
	a := []string{"-j", "NFQUEUE"}
	first, last := r.Queues[0], r.Queues[1]
	if last > first {
		a = append(a, "--queue-balance", fmt.Sprintf("%d:%d", first, last))
	} else {
		a = append(a, "--queue-num", strconv.Itoa(int(first)))
	}
	if r.Bypass {
		a = append(a, "--queue-bypass")
	}
	return a
}

func hex(m uint32) string { return "0x" + strconv.FormatUint(uint64(m), 16) }

// chainRules are the rules inside the NETSIFT chains, per table, and the
// jumps into them, without the binary name.
func (r Rules) chainRules() (filter, mangle [][]string, filterJump, mangleJump []string) {
	if r.Mark != 0 {
		m := hex(r.Mark)
		filter = append(filter, []string{"-m", "connmark", "--mark", m + "/" + m, "-j", "ACCEPT"})
		mangle = append(mangle, []string{"-m", "mark", "--mark", m + "/" + m, "-j", "CONNMARK", "--save-mark", "--nfmask", m, "--ctmask", m})
	}
	filter = append(filter, r.queueArgs())
	filterJump = []string{r.chain(), "-j", ChainName}
	mangleJump = []string{"POSTROUTING", "-j", ChainName}
	return
}

func (r Rules) families() []string {
	if r.IPv6 {
		return []string{"iptables", "ip6tables"}
	}
	return []string{"iptables"}
}

// Commands returns the iptables (and ip6tables) argument lists that install
// the rules on a clean firewall, in order; argv[0] is the program. For the
// README and for operators who manage their own firewall.
func (r Rules) Commands() [][]string {
	var out [][]string
	filter, mangle, fj, mj := r.chainRules()
	for _, bin := range r.families() {
		out = append(out, []string{bin, "-t", "filter", "-N", ChainName})
		for _, rule := range filter {
			out = append(out, append([]string{bin, "-t", "filter", "-A", ChainName}, rule...))
		}
		out = append(out, append([]string{bin, "-t", "filter", "-I", fj[0], "1"}, fj[1:]...))
		if len(mangle) > 0 {
			out = append(out, []string{bin, "-t", "mangle", "-N", ChainName})
			for _, rule := range mangle {
				out = append(out, append([]string{bin, "-t", "mangle", "-A", ChainName}, rule...))
			}
			out = append(out, append([]string{bin, "-t", "mangle", "-A", mj[0]}, mj[1:]...))
		}
	}
	return out
}

func run(bin string, args ...string) (string, error) {
	argv := append([]string{bin}, args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, strings.TrimSpace(out.String()))
	}
	return out.String(), nil
}

// Binary returns the program Install uses for family "iptables" or
// "ip6tables": the name itself when it runs (the nf_tables variant on
// Debian), else the -legacy variant.
func Binary(family string) (string, error) {
	var errs []error
	for _, bin := range []string{family, family + "-legacy"} {
		if _, err := exec.LookPath(bin); err != nil {
			errs = append(errs, err)
			continue
		}
		if _, err := run(bin, "-w", "-t", "filter", "-S", "INPUT"); err != nil {
			errs = append(errs, err)
			continue
		}
		return bin, nil
	}
	return "", fmt.Errorf("no working %s: %w (install Debian package iptables; needs root)", family, errors.Join(errs...))
}

// Install adds the rules: the NETSIFT chains are created if missing and
// refilled, the jumps added if missing. Running it again with the same or
// other Rules leaves one set of rules, the latest.
func Install(r Rules) error {
	if err := r.Validate(); err != nil {
		return err
	}
	filter, mangle, fj, mj := r.chainRules()
	for _, fam := range r.families() {
		bin, err := Binary(fam)
		if err != nil {
			return err
		}
		tables := []struct {
			table string
			rules [][]string
			jump  []string
		}{{"filter", filter, fj}, {"mangle", mangle, mj}}
		for _, t := range tables {
			if len(t.rules) == 0 {
				// No offload: make sure a mangle chain from an earlier
				// Install with a mark is gone.
				removeTable(bin, t.table, t.jump)
				continue
			}
			if _, err := run(bin, "-w", "-t", t.table, "-S", ChainName); err != nil {
				if _, err := run(bin, "-w", "-t", t.table, "-N", ChainName); err != nil {
					return fmt.Errorf("iptables install: %w", err)
				}
			} else if _, err := run(bin, "-w", "-t", t.table, "-F", ChainName); err != nil {
				return fmt.Errorf("iptables install: %w", err)
			}
			for _, rule := range t.rules {
				if _, err := run(bin, append([]string{"-w", "-t", t.table, "-A", ChainName}, rule...)...); err != nil {
					return fmt.Errorf("iptables install: %w", err)
				}
			}
			if _, err := run(bin, append([]string{"-w", "-t", t.table, "-C"}, t.jump...)...); err != nil {
				op := []string{"-A", t.jump[0]}
				if t.table == "filter" {
					op = []string{"-I", t.jump[0], "1"}
				}
				args := append(append([]string{"-w", "-t", t.table}, op...), t.jump[1:]...)
				if _, err := run(bin, args...); err != nil {
					return fmt.Errorf("iptables install: %w", err)
				}
			}
		}
	}
	return nil
}

// removeTable deletes every jump to NETSIFT from the jump's chain, then
// the chain. Missing pieces are not errors; the first other failure is
// returned.
func removeTable(bin, table string, jump []string) error {
	for i := 0; i < 16; i++ {
		if _, err := run(bin, append([]string{"-w", "-t", table, "-C"}, jump...)...); err != nil {
			break
		}
		if _, err := run(bin, append([]string{"-w", "-t", table, "-D"}, jump...)...); err != nil {
			return fmt.Errorf("iptables remove: %w", err)
		}
	}
	if _, err := run(bin, "-w", "-t", table, "-S", ChainName); err != nil {
		return nil // no chain
	}
	if _, err := run(bin, "-w", "-t", table, "-F", ChainName); err != nil {
		return fmt.Errorf("iptables remove: %w", err)
	}
	if _, err := run(bin, "-w", "-t", table, "-X", ChainName); err != nil {
		return fmt.Errorf("iptables remove: %w (is another rule jumping to %s?)", err, ChainName)
	}
	return nil
}

// Remove deletes what Install added for r (the jumps and the NETSIFT
// chains); rules that are already gone are skipped.
func Remove(r Rules) error {
	if err := r.Validate(); err != nil {
		return err
	}
	_, _, fj, mj := r.chainRules()
	var errs []error
	for _, fam := range r.families() {
		bin, err := Binary(fam)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, removeTable(bin, "filter", fj), removeTable(bin, "mangle", mj))
	}
	return errors.Join(errs...)
}
