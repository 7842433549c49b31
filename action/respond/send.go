package respond

import (
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"
)

// send writes whole IP packets (built by this package) with a raw socket
// in the current network namespace. The socket is opened per call: these
// actions are rare (one per blocked flow), and a per-call socket follows
// the calling thread's namespace.
func send(pkts ...[]byte) error {
	for _, b := range pkts {
		if len(b) == 0 {
			continue
		}
		if err := sendOne(b); err != nil {
			return err
		}
	}
	return nil
}

func sendOne(b []byte) error {
	var (
		fd  int
		err error
		sa  unix.Sockaddr
		dst netip.Addr
	)
	if b[0]>>4 == 4 {
		dst = netip.AddrFrom4([4]byte(b[16:20]))
		fd, err = unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_RAW)
		if err == nil {
			err = unix.SetsockoptInt(fd, unix.IPPROTO_IP, unix.IP_HDRINCL, 1)
		}
		sa = &unix.SockaddrInet4{Addr: dst.As4()}
	} else {
		dst = netip.AddrFrom16([16]byte(b[24:40]))
		fd, err = unix.Socket(unix.AF_INET6, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_RAW)
		if err == nil {
			// IPPROTO_RAW implies IPV6_HDRINCL on Linux; set it anyway.
			err = unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_HDRINCL, 1)
		}
		sa = &unix.SockaddrInet6{Addr: dst.As16()}
	}
	if err != nil {
		if fd > 0 {
			unix.Close(fd)
		}
		return fmt.Errorf("respond: open raw socket: %w (needs root or CAP_NET_RAW)", err)
	}
	defer unix.Close(fd)
	if err := unix.Sendto(fd, b, 0, sa); err != nil {
		return fmt.Errorf("respond: send %d-byte packet to %v: %w", len(b), dst, err)
	}
	return nil
}

// Reset sends BuildReset's resets: first to the server, then to the client.
func Reset(pkt []byte) error {
	toClient, toServer, err := BuildReset(pkt)
	if err != nil {
		return err
	}
	return send(toServer, toClient)
}

// Unreachable sends BuildUnreachable's ICMP error to the datagram's sender.
func Unreachable(pkt []byte) error {
	b, err := BuildUnreachable(pkt)
	if err != nil {
		return err
	}
	return send(b)
}

// DNSAnswer sends BuildDNSAnswer's answer to the querier.
func DNSAnswer(pkt []byte, a, aaaa netip.Addr, ttl uint32) error {
	b, err := BuildDNSAnswer(pkt, a, aaaa, ttl)
	if err != nil {
		return err
	}
	return send(b)
}

// HTTPNotice sends BuildHTTPNotice's 451 page to the client and the reset
// to the server.
func HTTPNotice(pkt []byte, rule, text string) error {
	toClient, toServer, err := BuildHTTPNotice(pkt, rule, text)
	if err != nil {
		return err
	}
	return send(toServer, toClient)
}
