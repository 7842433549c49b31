package nfqueue_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/netsift/netsift/action/iptables"
	"github.com/netsift/netsift/action/respond"
	"github.com/netsift/netsift/capture/nfqueue"
	"github.com/netsift/netsift/capture/nfqueue/netnstest"
	"golang.org/x/net/dns/dnsmessage"
)

const (
	testQueue = 7
	testMark  = 0x10
	echoPort  = 8080
)

var (
	sinkA    = netip.MustParseAddr("203.0.113.66")
	sinkAAAA = netip.MustParseAddr("2001:db8::66")
)

// Handler modes for TestInline.
const (
	modeAccept int32 = iota
	modeDrop
	modeReset   // reset (respond.Reset) the first data segment, accept the rest
	modeMark    // accept with testMark: the flow is offloaded
	modeRespond // TCP data: respond.HTTPNotice; UDP to port 53: respond.DNSAnswer; to port 9999: respond.Unreachable
)

// tcpMeta decodes the TCP fields the handler needs from a raw IP packet;
// udpPort is the destination port of a UDP datagram (0 if none).
func tcpMeta(b []byte) (sport, dport uint16, rst bool, payload int, ok bool, udpPort uint16) {
	first := layers.LayerTypeIPv4
	if len(b) > 0 && b[0]>>4 == 6 {
		first = layers.LayerTypeIPv6
	}
	p := gopacket.NewPacket(b, first, gopacket.NoCopy)
	if udp, ok := p.Layer(layers.LayerTypeUDP).(*layers.UDP); ok {
		return 0, 0, false, 0, false, uint16(udp.DstPort)
	}
	tcp, ok := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
	if !ok {
		return 0, 0, false, 0, false, 0
	}
	return uint16(tcp.SrcPort), uint16(tcp.DstPort), tcp.RST, len(tcp.Payload), true, 0
}

// echoServer answers each line with the same line; it reports how each
// connection ended on ended (remote port → error; io.EOF is nil).
type echoServer struct {
	mu    sync.Mutex
	ended map[int]error
}

func (s *echoServer) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			r := bufio.NewReader(c)
			var err error
			for {
				var line string
				if line, err = r.ReadString('\n'); err != nil {
					break
				}
				if _, err = c.Write([]byte(line)); err != nil {
					break
				}
			}
			s.mu.Lock()
			s.ended[c.RemoteAddr().(*net.TCPAddr).Port] = err
			s.mu.Unlock()
		}()
	}
}

func (s *echoServer) endedWith(port int) (error, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	err, ok := s.ended[port]
	return err, ok
}

func echo(c net.Conn, msg string) error {
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := fmt.Fprintf(c, "%s\n", msg); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != msg+"\n" {
		return fmt.Errorf("echo %q, want %q", line, msg)
	}
	return nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// queueBound reports whether a program is bound to testQueue in ns.
func queueBound(t *testing.T, ns netnstest.NS) bool {
	out, err := ns.Run("cat", "/proc/net/netfilter/nfnetlink_queue")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == fmt.Sprint(testQueue) {
			return true
		}
	}
	return false
}

func waitQueue(t *testing.T, ns netnstest.NS, bound bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if queueBound(t, ns) == bound {
			return
		}
	}
	t.Fatalf("queue %d bound=%v not reached in 5 s", testQueue, bound)
}

// TestInline runs the inline path end to end: a client namespace whose
// outgoing traffic is queued by action/iptables rules to nfqueue.Run, a
// server namespace with a TCP echo server, joined by veth.
func TestInline(t *testing.T) {
	netnstest.Require(t, "iptables", "ip6tables")
	cli := netnstest.New(t, "nsq-c")
	srv := netnstest.New(t, "nsq-s")
	cli.MustRun(t, "ip", "link", "add", "vc", "type", "veth", "peer", "name", "vs", "netns", string(srv))
	cli.MustRun(t, "ip", "addr", "add", "192.0.2.1/24", "dev", "vc")
	cli.MustRun(t, "ip", "addr", "add", "2001:db8::1/64", "dev", "vc", "nodad")
	cli.MustRun(t, "ip", "link", "set", "vc", "up")
	srv.MustRun(t, "ip", "addr", "add", "192.0.2.2/24", "dev", "vs")
	srv.MustRun(t, "ip", "addr", "add", "2001:db8::2/64", "dev", "vs", "nodad")
	srv.MustRun(t, "ip", "link", "set", "vs", "up")

	es := &echoServer{ended: map[int]error{}}
	var ln net.Listener
	if err := srv.Do(func() (err error) { ln, err = net.Listen("tcp", fmt.Sprintf(":%d", echoPort)); return }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go es.serve(ln)

	servers := []string{fmt.Sprintf("192.0.2.2:%d", echoPort), fmt.Sprintf("[2001:db8::2]:%d", echoPort)}
	dial := func(addr string, timeout time.Duration) (net.Conn, error) {
		var c net.Conn
		err := cli.Do(func() (err error) { c, err = net.DialTimeout("tcp", addr, timeout); return })
		if c != nil {
			t.Cleanup(func() { c.Close() })
		}
		return c, err
	}
	// Before any rule: the path works (retried while the fresh veth link
	// and neighbour discovery settle).
	for _, addr := range servers {
		var err error
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
			var c net.Conn
			if c, err = dial(addr, time.Second); err == nil {
				if err = echo(c, "plain"); err == nil {
					break
				}
			}
		}
		if err != nil {
			t.Fatalf("%s without rules: %v", addr, err)
		}
	}

	rules := iptables.Rules{Queues: [2]uint16{testQueue, testQueue}, Mark: testMark, Chain: "OUTPUT", IPv6: true}
	if err := cli.Do(func() error { return iptables.Install(rules) }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Do(func() error { return iptables.Remove(rules) }) })

	var (
		mode     atomic.Int32
		mu       sync.Mutex
		seen     = map[uint16]int{} // client port → packets handled
		resetErr error
	)
	exec := cli.Executor(t) // raw sockets of respond must be opened in cli
	handle := func(p *nfqueue.Packet) nfqueue.Verdict {
		sport, dport, rst, payload, ok, udpPort := tcpMeta(p.Data)
		if (udpPort == 53 || udpPort == 9999) && mode.Load() == modeRespond {
			var err error
			exec.Do(func() {
				if udpPort == 53 {
					err = respond.DNSAnswer(p.Data, sinkA, sinkAAAA, 60)
				} else {
					err = respond.Unreachable(p.Data)
				}
			})
			mu.Lock()
			resetErr = err
			mu.Unlock()
			return nfqueue.Verdict{}
		}
		if !ok || dport != echoPort {
			return nfqueue.Verdict{Accept: true} // ND, our own resets to the client, …
		}
		mu.Lock()
		seen[sport]++
		mu.Unlock()
		switch mode.Load() {
		case modeDrop:
			return nfqueue.Verdict{}
		case modeReset:
			if payload > 0 && !rst {
				exec.Do(func() {
					err := respond.Reset(p.Data)
					mu.Lock()
					resetErr = err
					mu.Unlock()
				})
				return nfqueue.Verdict{}
			}
		case modeMark:
			return nfqueue.Verdict{Accept: true, Mark: testMark}
		case modeRespond:
			if payload > 0 && !rst {
				exec.Do(func() {
					err := respond.HTTPNotice(p.Data, "notice-rule", "Blocked by the network policy.")
					mu.Lock()
					resetErr = err
					mu.Unlock()
				})
				return nfqueue.Verdict{}
			}
		}
		return nfqueue.Verdict{Accept: true}
	}
	seenFor := func(c net.Conn) int {
		mu.Lock()
		defer mu.Unlock()
		return seen[uint16(c.LocalAddr().(*net.TCPAddr).Port)]
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runErr := cli.Go(func() error { return nfqueue.Run(ctx, nfqueue.Config{Queue: testQueue}, handle) })
	waitQueue(t, cli, true)

	t.Run("accept", func(t *testing.T) {
		mode.Store(modeAccept)
		for _, addr := range servers {
			c, err := dial(addr, 2*time.Second)
			if err != nil {
				t.Fatalf("%s: %v", addr, err)
			}
			for i := range 5 {
				if err := echo(c, fmt.Sprint("accept ", i)); err != nil {
					t.Fatalf("%s: %v", addr, err)
				}
			}
			if n := seenFor(c); n < 6 {
				t.Errorf("%s: handler saw %d packets of the connection, want every one (≥ 6)", addr, n)
			}
		}
	})
	t.Run("drop", func(t *testing.T) {
		mode.Store(modeDrop)
		for _, addr := range servers {
			if _, err := dial(addr, 500*time.Millisecond); !isTimeout(err) {
				t.Errorf("%s with every packet dropped: %v, want a timeout", addr, err)
			}
		}
	})
	t.Run("reset", func(t *testing.T) {
		mode.Store(modeReset)
		for _, addr := range servers {
			c, err := dial(addr, 2*time.Second)
			if err != nil {
				t.Fatalf("%s: %v", addr, err)
			}
			start := time.Now()
			err = echo(c, "reset me")
			took := time.Since(start)
			if !errors.Is(err, syscall.ECONNRESET) {
				mu.Lock()
				t.Errorf("%s: client got %v, want ECONNRESET (respond.Reset: %v)", addr, err, resetErr)
				mu.Unlock()
			}
			if took > time.Second {
				t.Errorf("%s: reset took %v, want < 1 s", addr, took)
			}
			t.Logf("%s: client reset after %v", addr, took.Round(time.Microsecond))
			// The server end is reset too.
			port := c.LocalAddr().(*net.TCPAddr).Port
			var srvErr error
			var ended bool
			for deadline := time.Now().Add(time.Second); time.Now().Before(deadline) && !ended; time.Sleep(5 * time.Millisecond) {
				srvErr, ended = es.endedWith(port)
			}
			if !errors.Is(srvErr, syscall.ECONNRESET) {
				t.Errorf("%s: server side ended=%v with %v, want ECONNRESET", addr, ended, srvErr)
			}
		}
	})
	var offloaded []net.Conn
	t.Run("offload", func(t *testing.T) {
		mode.Store(modeMark)
		for _, addr := range servers {
			c, err := dial(addr, 2*time.Second)
			if err != nil {
				t.Fatalf("%s: %v", addr, err)
			}
			for i := range 20 {
				if err := echo(c, fmt.Sprint("offload ", i)); err != nil {
					t.Fatalf("%s: %v", addr, err)
				}
			}
			// Only the SYN reaches the handler: its verdict's mark becomes
			// the connection's mark, and the connmark rule accepts the rest.
			if n := seenFor(c); n != 1 {
				t.Errorf("%s: handler saw %d packets of an offloaded connection, want 1 (the SYN)", addr, n)
			}
			offloaded = append(offloaded, c)
		}
	})
	t.Run("respond", func(t *testing.T) {
		mode.Store(modeRespond)
		udpTo := func(addr string) net.Conn {
			var c net.Conn
			if err := cli.Do(func() (err error) { c, err = net.Dial("udp", addr); return }); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			c.SetDeadline(time.Now().Add(2 * time.Second))
			return c
		}
		for i, host := range []string{"192.0.2.2", "2001:db8::2"} {
			// HTTP notice: the client reads the 451 page, then EOF; the
			// server end is reset.
			c, err := dial(net.JoinHostPort(host, fmt.Sprint(echoPort)), 2*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			c.SetDeadline(time.Now().Add(2 * time.Second))
			fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: gambling.example\r\n\r\n")
			page, err := io.ReadAll(c)
			if err != nil || !strings.HasPrefix(string(page), "HTTP/1.1 451 ") || !strings.Contains(string(page), "notice-rule") {
				t.Errorf("%s: HTTP notice: read %q, %v", host, page, err)
			}
			port := c.LocalAddr().(*net.TCPAddr).Port
			var srvErr error
			for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
				if e, ok := es.endedWith(port); ok {
					srvErr = e
					break
				}
			}
			if !errors.Is(srvErr, syscall.ECONNRESET) {
				t.Errorf("%s: server side of the noticed connection ended with %v, want ECONNRESET", host, srvErr)
			}

			// DNS sinkhole: no DNS server runs; the answer comes from
			// respond.DNSAnswer.
			qtype, want := dnsmessage.TypeA, sinkA
			if i == 1 {
				qtype, want = dnsmessage.TypeAAAA, sinkAAAA
			}
			b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 4242, RecursionDesired: true})
			b.StartQuestions()
			b.Question(dnsmessage.Question{Name: dnsmessage.MustNewName("blocked.example."), Type: qtype, Class: dnsmessage.ClassINET})
			q, _ := b.Finish()
			u := udpTo(net.JoinHostPort(host, "53"))
			u.Write(q)
			buf := make([]byte, 512)
			n, err := u.Read(buf)
			var m dnsmessage.Message
			if err == nil {
				err = m.Unpack(buf[:n])
			}
			if err != nil || m.ID != 4242 || len(m.Answers) != 1 {
				mu.Lock()
				t.Errorf("%s: DNS sinkhole answer %+v, %v (respond: %v)", host, m, err, resetErr)
				mu.Unlock()
			} else {
				var got netip.Addr
				switch r := m.Answers[0].Body.(type) {
				case *dnsmessage.AResource:
					got = netip.AddrFrom4(r.A)
				case *dnsmessage.AAAAResource:
					got = netip.AddrFrom16(r.AAAA)
				}
				if got != want {
					t.Errorf("%s: DNS sinkhole answered %v, want %v", host, got, want)
				}
			}

			// Unreachable: a connected UDP socket sees the ICMP error.
			u = udpTo(net.JoinHostPort(host, "9999"))
			u.Write([]byte("quic-ish"))
			_, err = u.Read(buf)
			if !errors.Is(err, syscall.EHOSTUNREACH) && !errors.Is(err, syscall.EACCES) {
				t.Errorf("%s: UDP after ICMP admin-prohibited: %v, want EHOSTUNREACH (IPv4) or EACCES (IPv6)", host, err)
			}
		}
	})

	cancel()
	select {
	case err := <-runErr:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5 s of cancel")
	}
	waitQueue(t, cli, false)

	t.Run("fail-closed", func(t *testing.T) {
		for _, addr := range servers {
			if _, err := dial(addr, 500*time.Millisecond); !isTimeout(err) {
				t.Errorf("%s with no listener and no --queue-bypass: %v, want a timeout", addr, err)
			}
		}
		// Offloaded flows never reach the queue, so they live on.
		for _, c := range offloaded {
			if err := echo(c, "still offloaded"); err != nil {
				t.Errorf("offloaded connection with netsift gone: %v", err)
			}
		}
	})
	// Config.FailOpen: with the handler stuck and the queue (1 packet)
	// full, the kernel accepts further packets instead of dropping them.
	for _, failOpen := range []bool{true, false} {
		t.Run(fmt.Sprintf("queue-full-FailOpen=%v", failOpen), func(t *testing.T) {
			stuck, release := make(chan struct{}), make(chan struct{})
			var once sync.Once
			block := func(p *nfqueue.Packet) nfqueue.Verdict {
				once.Do(func() { close(stuck); <-release })
				return nfqueue.Verdict{Accept: true}
			}
			ctx, cancel := context.WithCancel(context.Background())
			cfg := nfqueue.Config{Queue: testQueue, MaxQueueLen: 1, FailOpen: failOpen}
			done := cli.Go(func() error { return nfqueue.Run(ctx, cfg, block) })
			defer func() {
				close(release)
				cancel()
				if err := <-done; err != nil {
					t.Errorf("Run: %v", err)
				}
				waitQueue(t, cli, false)
			}()
			waitQueue(t, cli, true)
			// The first connection's SYN sticks in the handler.
			go dial(servers[0], time.Second)
			select {
			case <-stuck:
			case <-time.After(2 * time.Second):
				t.Fatal("handler never got the first SYN")
			}
			// One more packet fills the queue; the rest overflow.
			go dial(servers[0], time.Second)
			time.Sleep(50 * time.Millisecond)
			c, err := dial(servers[0], time.Second)
			if failOpen {
				if err == nil {
					err = echo(c, "overflow")
				}
				if err != nil {
					t.Errorf("full queue with FailOpen: %v, want the connection to pass", err)
				}
			} else if !isTimeout(err) {
				t.Errorf("full queue without FailOpen: %v, want a timeout", err)
			}
		})
	}
	t.Run("fail-open", func(t *testing.T) {
		open := rules
		open.Bypass = true
		if err := cli.Do(func() error { return iptables.Install(open) }); err != nil {
			t.Fatal(err)
		}
		for _, addr := range servers {
			c, err := dial(addr, 2*time.Second)
			if err == nil {
				err = echo(c, "bypass")
			}
			if err != nil {
				t.Errorf("%s with no listener and --queue-bypass: %v, want it to pass", addr, err)
			}
		}
	})
	t.Run("remove", func(t *testing.T) {
		if err := cli.Do(func() error { return iptables.Remove(rules) }); err != nil {
			t.Fatal(err)
		}
		for _, argv := range [][]string{{"iptables-save"}, {"ip6tables-save"}} {
			if out := cli.MustRun(t, argv...); strings.Contains(out, iptables.ChainName) {
				t.Errorf("%s after Remove still has %s:\n%s", argv[0], iptables.ChainName, out)
			}
		}
	})
}
