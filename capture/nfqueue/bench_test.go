package nfqueue_test

import (
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netsift/netsift/action/iptables"
	"github.com/netsift/netsift/capture/nfqueue"
	"github.com/netsift/netsift/capture/nfqueue/netnstest"
)

// BenchmarkQueue measures the round trip of one packet through the queue:
// kernel → Run → handler → verdict, with 64-byte UDP datagrams sent over
// loopback in a namespace whose OUTPUT chain queues everything. The
// sender keeps at most 512 packets in flight so the queue never overflows.
func BenchmarkQueue(b *testing.B) {
	netnstest.Require(b, "iptables")
	ns := netnstest.New(b, "nsqb")
	rules := iptables.Rules{Queues: [2]uint16{9, 9}, Chain: "OUTPUT"}
	if err := ns.Do(func() error { return iptables.Install(rules) }); err != nil {
		b.Fatal(err)
	}
	var seen atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	done := ns.Go(func() error {
		return nfqueue.Run(ctx, nfqueue.Config{Queue: 9}, func(p *nfqueue.Packet) nfqueue.Verdict {
			seen.Add(1)
			return nfqueue.Verdict{Accept: true}
		})
	})
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}()
	var rx, tx net.PacketConn
	var dst net.Addr
	if err := ns.Do(func() (err error) {
		if rx, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
			return err
		}
		dst = rx.LocalAddr()
		tx, err = net.ListenPacket("udp", "127.0.0.1:0")
		return err
	}); err != nil {
		b.Fatal(err)
	}
	defer rx.Close()
	defer tx.Close()
	go func() {
		buf := make([]byte, 2048)
		for {
			if _, _, err := rx.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
	// Wait for the queue to be bound: a packet comes through.
	for deadline := time.Now().Add(5 * time.Second); seen.Load() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatal("queue never saw a packet")
		}
		tx.WriteTo(make([]byte, 64), dst)
	}
	payload := make([]byte, 64)
	b.ReportAllocs()
	b.ResetTimer()
	base := seen.Load()
	for i := 0; i < b.N; i++ {
		for int64(i)-(seen.Load()-base) > 512 {
			time.Sleep(20 * time.Microsecond)
		}
		if _, err := tx.WriteTo(payload, dst); err != nil {
			b.Fatal(err)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); seen.Load()-base < int64(b.N); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("handler saw %d of %d packets", seen.Load()-base, b.N)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pkts/s")
}
