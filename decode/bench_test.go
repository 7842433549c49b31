package decode

import (
	"testing"
	"time"
)

func benchDecode(b *testing.B, name string) {
	f := benchFrames(b)[name]
	d := NewDecoder(Config{})
	var p Packet
	b.ReportAllocs()
	b.SetBytes(int64(len(f)))
	b.ResetTimer()
	for b.Loop() {
		d.Decode(LinkEthernet, f, t0, &p)
	}
	if p.Anomaly != AnomalyNone {
		b.Fatal(p.Anomaly)
	}
}

func BenchmarkDecodeEthIPv4TCP(b *testing.B)       { benchDecode(b, "EthIPv4TCP") }
func BenchmarkDecodeVLANIPv6UDP(b *testing.B)      { benchDecode(b, "VLANIPv6UDP") }
func BenchmarkDecodeGTPIPv4TCP(b *testing.B)       { benchDecode(b, "GTPIPv4TCP") }
func BenchmarkDecodeVXLANIPv4TCP(b *testing.B)     { benchDecode(b, "VXLANIPv4TCP") }
func BenchmarkDecodeQinQPPPoEIPv4TCP(b *testing.B) { benchDecode(b, "QinQPPPoEIPv4TCP") }

// BenchmarkDecodeFragments reassembles a three-fragment IPv4 datagram per
// iteration.
func BenchmarkDecodeFragments(b *testing.B) {
	dg := udp4Datagram(b, 1, bigPayload)
	frags := frag4(dg, piece{lo: 0, hi: 1480}, piece{lo: 1480, hi: 2960}, piece{lo: 2960, hi: len(dg) - 20})
	d := NewDecoder(Config{})
	var p Packet
	ts := t0
	b.ReportAllocs()
	b.SetBytes(int64(len(dg)))
	for b.Loop() {
		for _, f := range frags {
			ts = ts.Add(time.Millisecond)
			d.Decode(LinkEthernet, f, ts, &p)
		}
	}
	if p.Anomaly != AnomalyNone {
		b.Fatal(p.Anomaly)
	}
}

// BenchmarkDecodeCorpus decodes every frame of the nDPI corpus per
// iteration (skipped without the corpus).
func BenchmarkDecodeCorpus(b *testing.B) {
	var frames []frame
	for _, f := range corpusFiles(b) {
		fr, _ := readCapture(f)
		frames = append(frames, fr...)
	}
	d := NewDecoder(Config{})
	var p Packet
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, fr := range frames {
			d.Decode(fr.link, fr.data, fr.ts, &p)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(frames)), "ns/frame")
}
