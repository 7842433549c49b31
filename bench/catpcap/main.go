// Command catpcap concatenates Ethernet captures (classic pcap or pcapng)
// into one classic pcap file whose timestamps never go backwards between
// inputs: each input is shifted in time so that its first packet follows the
// latest packet written so far by -gap. Packets inside one input keep their
// relative timing. With -copies N the whole input list is written N times,
// copy k (counting from -first) with its IP addresses rewritten so that the
// copies share no flows (see rewrite). The throughput benchmark
// (bench/run.sh) uses it to build one large capture from the nDPI corpus.
//
// Usage:
//
//	catpcap [-copies N] [-first K] [-gap 1s] [-start 2024-01-01T00:00:00Z] -o OUT.pcap IN...
//
// Inputs whose link type is not Ethernet (1) are skipped with a warning;
// an input damaged part-way is used up to the damage, with a warning.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// snaplen is the snap length declared in the output header; it is the
// largest record any input may hold, so no packet is truncated.
const snaplen = 262144

// packetSource is the subset of pcapgo.Reader and pcapgo.NgReader used here.
type packetSource interface {
	ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	LinkType() layers.LinkType
}

func main() {
	out := flag.String("o", "", "output pcap file (required)")
	gap := flag.Duration("gap", time.Second, "time between the last packet of one input and the first of the next")
	start := flag.String("start", "2024-01-01T00:00:00Z", "timestamp of the first packet written (RFC 3339)")
	copies := flag.Int("copies", 1, "write the inputs this many times, each copy with its own addresses")
	first := flag.Int("first", 0, "address shift of the first copy (0: addresses unchanged)")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 || *copies < 1 || *first < 0 || *first+*copies > 255 {
		fmt.Fprintln(os.Stderr, "usage: catpcap [-copies N] [-first K] [-gap D] [-start T] -o OUT.pcap IN... (K+N <= 255)")
		os.Exit(2)
	}
	t0, err := time.Parse(time.RFC3339, *start)
	if err != nil {
		fmt.Fprintln(os.Stderr, "catpcap: -start:", err)
		os.Exit(2)
	}
	if err := run(*out, flag.Args(), t0, *gap, *first, *copies); err != nil {
		fmt.Fprintln(os.Stderr, "catpcap:", err)
		os.Exit(1)
	}
}

func run(out string, inputs []string, t0 time.Time, gap time.Duration, first, copies int) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := pcapgo.NewWriter(bw)
	if err := w.WriteFileHeader(snaplen, layers.LinkTypeEthernet); err != nil {
		f.Close()
		return err
	}
	// next is the timestamp the next input's first packet is moved to.
	next := t0
	var files, pkts int
	var st stats
	for k := first; k < first+copies; k++ {
		for _, in := range inputs {
			last, n, err := copyFile(w, in, next, k, &st)
			if err != nil && k == first {
				fmt.Fprintf(os.Stderr, "catpcap: %s: %v\n", in, err)
			}
			if n > 0 {
				files++
				pkts += n
				next = last.Add(gap)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "catpcap: %s: %d packets from %d copies of %d of %d inputs; addresses rewritten in %d packets, %d IP packets left as they are\n",
		out, pkts, copies, files/copies, len(inputs), st.rewritten, st.kept)
	return nil
}

// copyFile appends the packets of the capture in to w, shifted so that its
// first packet is stamped at. It returns the latest timestamp written and the
// number of packets; a non-nil error with n > 0 means the input was damaged
// after n packets (those are kept).
func copyFile(w *pcapgo.Writer, in string, at time.Time, k int, st *stats) (last time.Time, n int, err error) {
	f, err := os.Open(in)
	if err != nil {
		return last, 0, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	src, err := open(br)
	if err != nil {
		return last, 0, err
	}
	if lt := src.LinkType(); lt != layers.LinkTypeEthernet {
		return last, 0, fmt.Errorf("link type %d, not Ethernet: skipped", lt)
	}
	var shift time.Duration
	for {
		data, ci, err := src.ZeroCopyReadPacketData()
		if err == io.EOF {
			return last, n, nil
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				err = fmt.Errorf("truncated after %d packets", n)
			}
			return last, n, err
		}
		if n == 0 {
			shift = at.Sub(ci.Timestamp)
		}
		ci.Timestamp = ci.Timestamp.Add(shift)
		if ci.Timestamp.After(last) {
			last = ci.Timestamp
		}
		// The writer insists on CaptureLength == len(data) <= Length.
		ci.CaptureLength = len(data)
		if ci.Length < ci.CaptureLength {
			ci.Length = ci.CaptureLength
		}
		if k != 0 {
			st.count(rewrite(data, k))
		}
		if err := w.WritePacket(ci, data); err != nil {
			return last, n, err
		}
		n++
	}
}

// open detects the capture format from the first four bytes.
func open(br *bufio.Reader) (packetSource, error) {
	magic, err := br.Peek(4)
	if err != nil {
		return nil, err
	}
	if magic[0] == 0x0a && magic[1] == 0x0d && magic[2] == 0x0d && magic[3] == 0x0a {
		return pcapgo.NewNgReader(br, pcapgo.DefaultNgReaderOptions)
	}
	return pcapgo.NewReader(br)
}

// stats counts what rewrite did.
type stats struct{ rewritten, kept int }

func (s *stats) count(r result) {
	switch r {
	case rewritten:
		s.rewritten++
	case kept:
		s.kept++
	}
}

// result is rewrite's outcome for one frame.
type result int

const (
	notIP     result = iota // no IPv4/IPv6 header found behind Ethernet and VLAN tags
	kept                    // IP, but both addresses are special (multicast, broadcast, unspecified)
	rewritten               // at least one address changed
)

// rewrite changes the outer IP addresses of the Ethernet frame in place for
// copy k (1..255), as a function of each address alone, so that both
// directions of a flow map to the same new pair: IPv4 addresses get k added
// to their third octet (mod 256), keeping the /16 prefix (private stays
// private) and the last octet (.255 stays .255); IPv6 addresses get k added
// to their fourth 16-bit group (inside the /64 prefix). Multicast,
// broadcast, unspecified and IPv6 loopback addresses are left alone. The IPv4
// header checksum and the TCP/UDP/ICMPv6 checksum are updated incrementally
// (RFC 1624) where the capture holds them, so malformed or truncated packets
// need no parsing beyond that. Nothing else changes: lengths, padding and
// payload are kept byte for byte (tcprewrite 4.4.1-4.4.4 instead grows the
// IP length over Ethernet padding, which corrupts TCP streams).
func rewrite(b []byte, k int) result {
	if len(b) < 14 {
		return notIP
	}
	off := 12
	etype := be16(b[off:])
	for etype == 0x8100 || etype == 0x88a8 || etype == 0x9100 {
		off += 4
		if len(b) < off+2 {
			return notIP
		}
		etype = be16(b[off:])
	}
	l3 := off + 2
	var ch changes
	switch etype {
	case 0x0800:
		if len(b) < l3+20 || b[l3]>>4 != 4 {
			return notIP
		}
		for _, a := range [][]byte{b[l3+12 : l3+16], b[l3+16 : l3+20]} {
			if !special4(a) {
				old := be16(a[2:])
				a[2] += byte(k)
				ch.add(old, be16(a[2:]))
			}
		}
		if ch.n == 0 {
			return kept
		}
		ch.fix(b[l3+10:]) // header checksum
		hl := int(b[l3]&15) * 4
		if hl >= 20 && be16(b[l3+6:])&0x1fff == 0 { // first fragment or whole
			fixL4(b, l3+hl, b[l3+9], &ch)
		}
		return rewritten
	case 0x86dd:
		if len(b) < l3+40 || b[l3]>>4 != 6 {
			return notIP
		}
		for _, a := range [][]byte{b[l3+8 : l3+24], b[l3+24 : l3+40]} {
			if !special6(a) {
				old := be16(a[6:])
				put16(a[6:], old+uint16(k))
				ch.add(old, be16(a[6:]))
			}
		}
		if ch.n == 0 {
			return kept
		}
		// Walk the extension headers to the transport header.
		next, p := b[l3+6], l3+40
	walk:
		for hops := 0; hops < 8; hops++ {
			switch next {
			case 0, 43, 60: // hop-by-hop, routing, destination options
				if len(b) < p+2 {
					return rewritten
				}
				next, p = b[p], p+8+int(b[p+1])*8
			case 44: // fragment: only the first fragment has the transport header
				if len(b) < p+8 || be16(b[p+2:])&0xfff8 != 0 {
					return rewritten
				}
				next, p = b[p], p+8
			default:
				break walk
			}
		}
		fixL4(b, p, next, &ch)
		return rewritten
	}
	return notIP
}

// changes records up to two rewritten 16-bit words of a checksummed header.
type changes struct {
	n        int
	old, new [2]uint16
}

func (c *changes) add(old, new uint16) {
	c.old[c.n], c.new[c.n] = old, new
	c.n++
}

// fix updates the checksum at b[0:2] for the recorded word changes
// (RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m')).
func (c *changes) fix(b []byte) {
	s := uint32(^be16(b))
	for i := 0; i < c.n; i++ {
		s += uint32(^c.old[i]) + uint32(c.new[i])
	}
	for s > 0xffff {
		s = s&0xffff + s>>16
	}
	put16(b, ^uint16(s))
}

// fixL4 updates the transport checksum of the header at b[off:] with
// protocol proto for the address changes (which its pseudo-header covers),
// if the checksum field was captured. A zero UDP checksum means "none" and
// stays zero; a computed zero is sent as 0xffff.
func fixL4(b []byte, off int, proto byte, ch *changes) {
	var at int
	switch proto {
	case 6: // TCP
		at = off + 16
	case 17: // UDP
		at = off + 6
	case 58: // ICMPv6
		at = off + 2
	default:
		return
	}
	if off < 0 || len(b) < at+2 {
		return
	}
	c := b[at : at+2]
	if proto == 17 && be16(c) == 0 {
		return
	}
	ch.fix(c)
	if proto == 17 && be16(c) == 0 {
		put16(c, 0xffff)
	}
}

// special4 reports whether the IPv4 address a must keep its value:
// 0.0.0.0/8, multicast, reserved and broadcast. Loopback is rewritten (it
// stays inside 127/8), as the corpus has captures taken on lo.
func special4(a []byte) bool {
	return a[0] == 0 || a[0] >= 224
}

// special6 reports whether the IPv6 address a must keep its value:
// multicast, the unspecified address and loopback.
func special6(a []byte) bool {
	if a[0] == 0xff {
		return true
	}
	for _, x := range a[:15] {
		if x != 0 {
			return false
		}
	}
	return a[15] <= 1
}

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }

func put16(b []byte, v uint16) { b[0], b[1] = byte(v>>8), byte(v) }
