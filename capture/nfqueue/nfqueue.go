// Package nfqueue is the inline capture: the kernel's netfilter queue
// (NFQUEUE) hands each queued packet to Run's handler, and the handler's
// verdict (accept or drop, optionally with a mark) goes back to the kernel
// before the next packet is read.
//
// Packets are raw IP packets, IPv4 or IPv6, with no link-layer header
// (LINKTYPE_RAW, 101 in pcap terms). Which packets are queued is decided by
// the firewall rules (see action/iptables), not here.
//
// Built on github.com/florianl/go-nfqueue/v2 pinned at v2.0.0 (the module
// proxy here cannot list its versions; see DEPENDENCIES.md).
package nfqueue

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	gonfq "github.com/florianl/go-nfqueue/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// LinkType is the pcap link type of Packet.Data: raw IP (LINKTYPE_RAW).
const LinkType = 101

// Defaults applied by Run for zero Config fields.
const (
	DefaultMaxQueueLen = 4096
	DefaultCopyRange   = 0xffff
)

// Config selects and tunes one queue. The zero value of every field but
// Queue means its default. It is not modified by Run.
type Config struct {
	Queue       uint16 // queue number (iptables --queue-num)
	MaxQueueLen uint32 // packets the kernel holds waiting for a verdict; default 4096
	// FailOpen makes the kernel accept packets, instead of dropping them,
	// when the queue is full (NFQA_CFG_F_FAIL_OPEN). It does not cover a
	// program that is gone: that is iptables' --queue-bypass.
	FailOpen  bool
	CopyRange uint32 // bytes of each packet copied to user space; default 0xffff (whole packets), at most 0xffff
}

// Validate reports a configuration the kernel would refuse or silently
// change.
func (c Config) Validate() error {
	if c.CopyRange > 0xffff {
		return fmt.Errorf("nfqueue config: CopyRange %d is over the kernel's limit of 65535 bytes: use 0 (default, whole packets) or at most 65535", c.CopyRange)
	}
	if c.CopyRange != 0 && c.CopyRange < 40 {
		return fmt.Errorf("nfqueue config: CopyRange %d cannot hold an IP and TCP header: use 0 (default, whole packets) or at least 40", c.CopyRange)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.MaxQueueLen == 0 {
		c.MaxQueueLen = DefaultMaxQueueLen
	}
	if c.CopyRange == 0 {
		c.CopyRange = DefaultCopyRange
	}
	return c
}

// Verdict is the handler's decision on one packet.
type Verdict struct {
	Accept bool // false = drop
	// Mark, when non-zero, is set as the packet's mark (skb->mark) with the
	// verdict. The rules of action/iptables copy it into the connection's
	// mark (CONNMARK --save-mark), after which the connection's packets
	// are accepted before the queue: the flow is offloaded.
	Mark uint32
}

// Packet is one queued packet.
type Packet struct {
	ID uint32 // the kernel's packet id in this queue
	// Data is the IP packet (IPv4 or IPv6, no link header), at most
	// CopyRange bytes. It is valid only during the handler call: copy what
	// must outlive it.
	Data   []byte
	Time   time.Time // kernel timestamp, or the time of receipt when the kernel gives none
	InDev  uint32    // input interface index, 0 when none (locally generated)
	OutDev uint32    // output interface index, 0 when not yet routed
}

// Run opens queue cfg.Queue and calls handle for every packet until ctx is
// cancelled; handle's verdict is sent before the next packet is read, so
// handle runs on one goroutine at a time and need not be safe for
// concurrent use. Run returns nil after ctx is cancelled, or the error that
// stopped it (opening the queue needs CAP_NET_ADMIN; another program bound
// to the same queue makes the bind fail).
//
// When Run returns the queue is unbound: packets queued after that are
// dropped by the kernel, or pass when the rule has --queue-bypass.
func Run(ctx context.Context, cfg Config, handle func(p *Packet) Verdict) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if handle == nil {
		return errors.New("nfqueue.Run: handle is nil: pass a function returning a Verdict")
	}
	cfg = cfg.withDefaults()
	var flags uint32
	if cfg.FailOpen {
		flags |= gonfq.NfQaCfgFlagFailOpen
	}
	nf, err := gonfq.Open(&gonfq.Config{
		NfQueue:      cfg.Queue,
		MaxQueueLen:  cfg.MaxQueueLen,
		MaxPacketLen: cfg.CopyRange,
		Copymode:     gonfq.NfQnlCopyPacket,
		Flags:        flags,
		AfFamily:     unix.AF_UNSPEC,
		WriteTimeout: 100 * time.Millisecond, // a verdict that cannot be sent in 100 ms ends Run with an error
	})
	if err != nil {
		return fmt.Errorf("nfqueue: open netlink socket for queue %d: %w (needs root or CAP_NET_ADMIN)", cfg.Queue, err)
	}
	defer nf.Close()
	// A burst larger than the socket buffer would otherwise end the
	// receive loop with ENOBUFS; the kernel still holds those packets.
	_ = nf.SetOption(netlink.NoENOBUFS, true)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu      sync.Mutex
		runErr  error
		p       Packet
		stopped = make(chan struct{})
		once    sync.Once
	)
	fail := func(err error) {
		mu.Lock()
		if runErr == nil {
			runErr = err
		}
		mu.Unlock()
		once.Do(func() { close(stopped) })
		cancel()
	}
	hook := func(a gonfq.Attribute) int {
		if a.PacketID == nil {
			return 0
		}
		p = Packet{ID: *a.PacketID}
		if a.Payload != nil {
			p.Data = *a.Payload
		}
		if a.Timestamp != nil {
			p.Time = *a.Timestamp
		} else {
			p.Time = time.Now()
		}
		if a.InDev != nil {
			p.InDev = *a.InDev
		}
		if a.OutDev != nil {
			p.OutDev = *a.OutDev
		}
		v := handle(&p)
		p.Data = nil
		verdict := gonfq.NfDrop
		if v.Accept {
			verdict = gonfq.NfAccept
		}
		var err error
		if v.Mark != 0 {
			err = nf.SetVerdictWithMark(p.ID, verdict, int(v.Mark))
		} else {
			err = nf.SetVerdict(p.ID, verdict)
		}
		if err != nil && ctx.Err() == nil {
			fail(fmt.Errorf("nfqueue: queue %d: send verdict for packet %d: %w", cfg.Queue, p.ID, err))
			return 1
		}
		return 0
	}
	errfn := func(err error) int {
		if ctx.Err() != nil {
			return 1
		}
		var opErr *netlink.OpError
		if errors.As(err, &opErr) && (opErr.Timeout() || errors.Is(opErr.Err, unix.ENOBUFS) || errors.Is(opErr.Err, unix.EINTR)) {
			return 0
		}
		fail(fmt.Errorf("nfqueue: queue %d: receive: %w", cfg.Queue, err))
		return 1
	}
	if err := nf.RegisterWithErrorFunc(ctx, hook, errfn); err != nil {
		return fmt.Errorf("nfqueue: bind queue %d: %w (is another program bound to it? needs root or CAP_NET_ADMIN)", cfg.Queue, err)
	}
	select {
	case <-ctx.Done():
	case <-stopped:
	}
	mu.Lock()
	defer mu.Unlock()
	return runErr
}
