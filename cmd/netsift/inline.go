package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/netsift/netsift/action/iptables"
	"github.com/netsift/netsift/action/respond"
	"github.com/netsift/netsift/capture/nfqueue"
	"github.com/netsift/netsift/decode"
	"github.com/netsift/netsift/dissect/all"
	"github.com/netsift/netsift/engine"
	"github.com/netsift/netsift/output/eve"
	"github.com/netsift/netsift/policy"
)

// parseQueues reads "N" or "N-M".
func parseQueues(s string) ([2]uint16, error) {
	a, b, ok := strings.Cut(s, "-")
	lo, err := strconv.ParseUint(a, 10, 16)
	if err != nil {
		return [2]uint16{}, fmt.Errorf("--queue %q: want a queue number or a range N-M", s)
	}
	hi := lo
	if ok {
		if hi, err = strconv.ParseUint(b, 10, 16); err != nil || hi < lo {
			return [2]uint16{}, fmt.Errorf("--queue %q: want a queue number or a range N-M with N ≤ M", s)
		}
	}
	return [2]uint16{uint16(lo), uint16(hi)}, nil
}

func inlineCmd() *cobra.Command {
	var (
		queue      string
		polPath    string
		evePath    string
		install    bool
		failOpen   bool
		failClosed bool
		mark       uint32
		noService  bool
		ro         rulesOpts
	)
	cmd := &cobra.Command{
		Use:   "inline --queue N[-M] (--policy FILE | --rules FILE...) [flags]",
		Short: "Enforce a policy and signature rules on live traffic from NFQUEUE (one worker per queue)",
		Long: `inline takes packets from NFQUEUE, identifies their flows and gives verdicts
from the policy: allowed flows are offloaded (a connection mark stops them
being queued), blocked ones are dropped, reset, answered with a DNS sinkhole
or an HTTP 451 notice. SIGHUP, or a change of the policy file or its lists,
reloads the policy atomically; an invalid new policy keeps the old one.

--rules loads Suricata-language signatures: alerts are EVE alert events;
drop and reject rules drop the packet and the rest of its flow (reject also
resets TCP or answers ICMP unreachable). With rules loaded, allowed flows are
not offloaded, so the signatures keep seeing them. SIGHUP recompiles the rule
files and swaps the set atomically; on an error the old set stays.

--install-rules adds the iptables rules that queue forwarded traffic (and
removes them on exit); without it, install them yourself (see README).
--fail-open: traffic passes when netsift is slow (queue full) or gone
(--queue-bypass); --fail-closed: it stops.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if polPath == "" && len(ro.files) == 0 {
				return &exitError{2, errors.New("--policy or --rules is required")}
			}
			if failOpen && failClosed {
				return &exitError{2, errors.New("--fail-open and --fail-closed exclude each other")}
			}
			if mark == 0 {
				return &exitError{2, errors.New("--mark must not be 0")}
			}
			qs, err := parseQueues(queue)
			if err != nil {
				return &exitError{2, err}
			}
			logger := log.New(os.Stderr, "netsift: ", log.LstdFlags)
			var polGet func() *policy.Policy
			var h *policyHolder
			if polPath != "" {
				if h, err = loadPolicy(polPath); err != nil {
					return &exitError{2, err}
				}
				printListStats(h.Get(), logger.Printf)
				polGet = h.Get
			}
			var rulesGet func() *engine.Signatures
			var rh *rulesHolder
			if len(ro.files) > 0 {
				if rh, err = loadRules(ro, logger.Printf); err != nil {
					return &exitError{2, fmt.Errorf("rules: %w", err)}
				}
				rulesGet = rh.Get
			}
			out, err := eve.Open(evePath)
			if err != nil {
				return &exitError{2, err}
			}
			defer out.Close()
			rules := iptables.Rules{Queues: qs, Mark: mark, Bypass: !failClosed, IPv6: true}
			if install {
				if err := iptables.Install(rules); err != nil {
					return &exitError{2, fmt.Errorf("installing iptables rules: %w", err)}
				}
				defer func() {
					if err := iptables.Remove(rules); err != nil {
						logger.Printf("removing iptables rules: %v", err)
					}
				}()
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if h != nil {
				go h.watch(ctx, logger.Printf)
			}
			if rh != nil {
				go rh.watch(ctx, logger.Printf)
			}

			var svc engine.Services
			if !noService {
				svc = serviceTable()
			}
			var wg sync.WaitGroup
			errs := make(chan error, int(qs[1]-qs[0])+1)
			var engines []*engine.Engine
			for q := qs[0]; ; q++ {
				eng, err := engine.New(engine.Config{Registry: all.Registry(), Services: svc, Output: out,
					Policy: polGet, Rules: rulesGet, RulesBlock: true})
				if err != nil {
					return &exitError{2, err}
				}
				engines = append(engines, eng)
				wg.Add(1)
				go func(q uint16, eng *engine.Engine) {
					defer wg.Done()
					cfg := nfqueue.Config{Queue: q, FailOpen: !failClosed}
					err := nfqueue.Run(ctx, cfg, func(p *nfqueue.Packet) nfqueue.Verdict {
						return act(eng.Process(decode.LinkRaw, p.Data, p.Time), p.Data, mark, logger)
					})
					if err != nil && ctx.Err() == nil {
						errs <- fmt.Errorf("queue %d: %w", q, err)
						stop()
					}
				}(q, eng)
				if q == qs[1] {
					break
				}
			}
			what := ""
			if h != nil {
				what += fmt.Sprintf(", policy %s (%d rules)", polPath, len(h.Get().Rules()))
			}
			if rh != nil {
				what += fmt.Sprintf(", %d signatures", rh.Get().Matcher.Stats.Rules)
			}
			logger.Printf("inline on queue %d-%d%s, fail-%s", qs[0], qs[1], what,
				map[bool]string{true: "closed", false: "open"}[failClosed])
			wg.Wait()
			for _, eng := range engines {
				eng.Close()
			}
			close(errs)
			for err := range errs {
				return &exitError{2, err}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&queue, "queue", "0", "NFQUEUE number, or a range N-M (one worker per queue, --queue-balance)")
	f.StringVar(&polPath, "policy", "", "policy `FILE` (YAML)")
	ro.flags(f)
	f.StringVar(&evePath, "eve", "-", "write EVE JSON to `FILE` (- for standard output)")
	f.BoolVar(&install, "install-rules", false, "add the iptables rules that queue forwarded traffic, remove them on exit")
	f.BoolVar(&failOpen, "fail-open", false, "traffic passes when netsift is slow or gone (the default)")
	f.BoolVar(&failClosed, "fail-closed", false, "traffic stops when netsift is slow or gone")
	f.Uint32Var(&mark, "mark", 0x10000, "connection mark bit that offloads allowed flows")
	f.BoolVar(&noService, "no-services", false, "do not name services")
	return cmd
}

// act turns the engine's verdict into the queue's, answering the deciding
// packet of a reject, sinkhole or notice.
func act(v engine.Verdict, pkt []byte, mark uint32, logger *log.Logger) nfqueue.Verdict {
	switch v.Action {
	case policy.Allow:
		if v.Final {
			return nfqueue.Verdict{Accept: true, Mark: mark}
		}
		return nfqueue.Verdict{Accept: true}
	case policy.Drop:
		return nfqueue.Verdict{}
	}
	if !v.Deciding {
		return nfqueue.Verdict{}
	}
	var err error
	d := v.Decision
	switch {
	case v.Action == policy.Sinkhole && v.Proto == decode.ProtoUDP && (v.App == "dns" || v.App == "mdns" || v.App == "llmnr"):
		err = respond.DNSAnswer(pkt, d.SinkholeA, d.SinkholeAAAA, 60)
	case v.Action == policy.Notice && v.App == "http":
		err = respond.HTTPNotice(pkt, d.Rule, d.Notice)
	case v.Proto == decode.ProtoTCP:
		err = respond.Reset(pkt)
	case v.Proto == decode.ProtoUDP:
		err = respond.Unreachable(pkt)
	}
	if err != nil {
		logger.Printf("answering a %s (rule %s): %v", v.Action, d.Rule, err)
	}
	return nfqueue.Verdict{}
}
