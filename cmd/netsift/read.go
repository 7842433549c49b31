package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/netsift/netsift/capture/pcapfile"
	"github.com/netsift/netsift/dissect/all"
	"github.com/netsift/netsift/engine"
	"github.com/netsift/netsift/output/eve"
)

func readCmd() *cobra.Command {
	var (
		evePath   string
		quiet     bool
		workers   int
		noFlow    bool
		maxFlows  int
		noService bool
		cpuProf   string
		polPath   string
		ro        rulesOpts
		cid       bool
		netflow   bool
		ether     bool
		cidSeed   uint16
	)
	cmd := &cobra.Command{
		Use:   "read [flags] CAPTURE...",
		Short: "Read pcap/pcapng captures (gzip too; - for stdin) and write EVE JSON",
		Long: `read identifies the applications in captures and writes one EVE JSON event
per line to standard output (or --eve FILE), then a summary to standard error.

Exit status: 0 all input read; 1 some input damaged (read up to the damage,
the error names the file and byte offset); 2 usage error or unreadable input.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// The engine's steady state allocates nothing, but flow set-up
			// does; a relaxed GC target cut CPU by 25% on the bench/
			// capture (GOGC 100: 0.94 s, 400: 0.69 s; peak RSS 152 → 191 MB).
			// An explicit GOGC in the environment wins.
			if os.Getenv("GOGC") == "" {
				debug.SetGCPercent(400)
			}
			if cpuProf != "" {
				f, err := os.Create(cpuProf)
				if err != nil {
					return &exitError{2, err}
				}
				pprof.StartCPUProfile(f)
				defer pprof.StopCPUProfile()
			}
			out, err := eve.Open(evePath)
			if err != nil {
				return &exitError{2, err}
			}
			cfg := engine.Config{
				Workers:      workers,
				Registry:     all.Registry(),
				Output:       out,
				NoFlowEvents: noFlow,
			}
			cfg.CommunityID, cfg.CommunityIDSeed = cid, cidSeed
			cfg.Netflow, cfg.Ethernet = netflow, ether
			cfg.Flow.MaxFlows = maxFlows
			if !noService {
				cfg.Services = serviceTable()
			}
			if polPath != "" {
				h, err := loadPolicy(polPath)
				if err != nil {
					return &exitError{2, err}
				}
				cfg.Policy = h.Get
				if !quiet {
					printListStats(h.Get(), func(f string, a ...any) { fmt.Fprintf(os.Stderr, "netsift: "+f+"\n", a...) })
				}
			}
			if len(ro.files) > 0 {
				logf := func(f string, a ...any) {
					if !quiet {
						fmt.Fprintf(os.Stderr, "netsift: "+f+"\n", a...)
					}
				}
				h, err := loadRules(ro, logf)
				if err != nil {
					return &exitError{2, fmt.Errorf("rules: %w", err)}
				}
				cfg.Rules = h.Get
			}
			eng, err := engine.New(cfg)
			if err != nil {
				return &exitError{2, err}
			}
			var total int64
			for _, a := range args {
				if st, err := os.Stat(a); err == nil {
					total += st.Size()
				}
			}
			var bar *progressbar.ProgressBar
			if !quiet && term.IsTerminal(int(os.Stderr.Fd())) {
				bar = progressbar.NewOptions64(total,
					progressbar.OptionSetWriter(os.Stderr),
					progressbar.OptionShowBytes(true),
					progressbar.OptionSetDescription("reading"),
					progressbar.OptionThrottle(100*time.Millisecond),
					progressbar.OptionClearOnFinish())
			}
			start := time.Now()
			var damaged, unreadable []error
			var doneBytes int64
			for _, a := range args {
				src, err := pcapfile.Open(a)
				if err != nil {
					unreadable = append(unreadable, err)
					continue
				}
				stop := make(chan struct{})
				if bar != nil {
					go func(base int64) {
						t := time.NewTicker(100 * time.Millisecond)
						defer t.Stop()
						for {
							select {
							case <-stop:
								return
							case <-t.C:
								d, _ := src.Progress()
								pk := eng.FramesRead()
								el := time.Since(start).Seconds()
								bar.Describe(fmt.Sprintf("%s  %.0f pkt/s", a, float64(pk)/el))
								bar.Set64(base + d)
							}
						}
					}(doneBytes)
				}
				err = eng.Run(src)
				close(stop)
				d, _ := src.Progress()
				doneBytes += d
				src.Close()
				if err != nil {
					if pcapfile.IsDamage(err) {
						damaged = append(damaged, err)
					} else {
						unreadable = append(unreadable, err)
					}
				}
			}
			eng.Close()
			if bar != nil {
				bar.Finish()
			}
			if err := out.Close(); err != nil {
				return &exitError{2, fmt.Errorf("writing EVE: %w", err)}
			}
			if !quiet {
				eng.Stats().WriteSummary(os.Stderr, time.Since(start), doneBytes)
			}
			for _, e := range append(damaged, unreadable...) {
				fmt.Fprintln(os.Stderr, "netsift:", e)
			}
			switch {
			case len(unreadable) > 0:
				return &exitError{2, errors.New("some input could not be read")}
			case len(damaged) > 0:
				return &exitError{1, errors.New("some input is damaged; read up to the damage")}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&evePath, "eve", "-", "write EVE JSON to `FILE` (- for standard output)")
	f.BoolVarP(&quiet, "quiet", "q", false, "no summary, no progress bar")
	f.IntVar(&workers, "workers", 1, "pipeline goroutines; flows are spread over them by flow hash")
	f.BoolVar(&noFlow, "no-flow-events", false, "do not write flow events")
	f.IntVar(&maxFlows, "max-flows", 0, "flow table cap per worker (0: default 262144); the least recently seen flow is evicted")
	f.BoolVar(&noService, "no-services", false, "do not name services from host names and addresses")
	f.StringVar(&polPath, "policy", "", "dry-run the policy `FILE`: write policy events and a summary per rule of what would have been blocked")
	ro.flags(f)
	f.BoolVar(&ether, "ethernet", false, "add MAC addresses to events (the packet's on alerts, the flow's on flow events)")
	f.BoolVar(&netflow, "netflow", false, "also write netflow events (one per flow direction, as Suricata's netflow log)")
	f.BoolVar(&cid, "community-id", false, "add each flow's Community ID (community_id) to its events")
	f.Uint16Var(&cidSeed, "community-id-seed", 0, "seed of the Community ID hash")
	f.StringVar(&cpuProf, "cpuprofile", "", "write a Go CPU profile to `FILE` (for go tool pprof)")
	return cmd
}

func protocolsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "protocols",
		Short: "List the dissectors in probe order",
		RunE: func(cmd *cobra.Command, args []string) error {
			reg := all.Registry()
			w := cmd.OutOrStdout()
			for i := 0; i < reg.Len(); i++ {
				d := reg.At(i)
				eveName := d.EVE
				if eveName == "" {
					eveName = "-"
				}
				fmt.Fprintf(w, "%-24s eve=%-14s ports=%v\n", d.Name, eveName, d.Ports)
			}
			return nil
		},
	}
}

var _ = io.EOF
