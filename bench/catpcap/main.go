// Command catpcap concatenates Ethernet captures (classic pcap or pcapng)
// into one classic pcap file whose timestamps never go backwards between
// inputs: each input is shifted in time so that its first packet follows the
// latest packet written so far by -gap. Packets inside one input keep their
// relative timing. The throughput benchmark (bench/run.sh) uses it to build
// one large capture from the nDPI corpus and from rewritten copies of it.
//
// Usage:
//
//	catpcap [-gap 1s] [-start 2024-01-01T00:00:00Z] -o OUT.pcap IN...
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
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: catpcap [-gap D] [-start T] -o OUT.pcap IN...")
		os.Exit(2)
	}
	t0, err := time.Parse(time.RFC3339, *start)
	if err != nil {
		fmt.Fprintln(os.Stderr, "catpcap: -start:", err)
		os.Exit(2)
	}
	if err := run(*out, flag.Args(), t0, *gap); err != nil {
		fmt.Fprintln(os.Stderr, "catpcap:", err)
		os.Exit(1)
	}
}

func run(out string, inputs []string, t0 time.Time, gap time.Duration) error {
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
	for _, in := range inputs {
		last, n, err := copyFile(w, in, next)
		if err != nil {
			fmt.Fprintf(os.Stderr, "catpcap: %s: %v\n", in, err)
		}
		if n > 0 {
			files++
			pkts += n
			next = last.Add(gap)
		}
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "catpcap: %s: %d packets from %d of %d inputs\n", out, pkts, files, len(inputs))
	return nil
}

// copyFile appends the packets of the capture in to w, shifted so that its
// first packet is stamped at. It returns the latest timestamp written and the
// number of packets; a non-nil error with n > 0 means the input was damaged
// after n packets (those are kept).
func copyFile(w *pcapgo.Writer, in string, at time.Time) (last time.Time, n int, err error) {
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
