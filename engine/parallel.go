package engine

import (
	"errors"
	"io"
	"sync"

	"github.com/netsift/netsift/capture"
	"github.com/netsift/netsift/decode"
	"github.com/netsift/netsift/flow"
)

// batchSize is how many packets go to a worker at once.
const batchSize = 256

// runParallel decodes in the calling goroutine and hands packets to
// workers by flow hash, in batches.
func (e *Engine) runParallel(src capture.Source) error {
	n := len(e.workers)
	free := make(chan *batchX, n*8)
	for i := 0; i < n*8; i++ {
		free <- &batchX{arena: make([]byte, 0, 256<<10)}
	}
	queues := make([]chan *batchX, n)
	var wg sync.WaitGroup
	for i := range queues {
		queues[i] = make(chan *batchX, 4)
		wg.Add(1)
		go func(w *worker, q chan *batchX) {
			defer wg.Done()
			for b := range q {
				for j := 0; j < b.n; j++ {
					p := &b.pkts[j]
					o := b.offs[j]
					p.Payload = b.arena[o[0] : o[0]+o[1] : o[0]+o[1]]
					w.handle(p)
				}
				b.n, b.arena = 0, b.arena[:0]
				free <- b
			}
		}(e.workers[i], queues[i])
	}
	cur := make([]*batchX, n)
	var ci capture.Info
	var rerr error
	for {
		frame, err := src.Next(&ci)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				rerr = err
			}
			break
		}
		if !e.decodeFrame(frame, &ci) {
			continue
		}
		k, _ := flow.MakeKey(&e.pkt)
		wi := int(k.Hash() % uint64(n))
		b := cur[wi]
		if b == nil {
			b = <-free
			cur[wi] = b
		}
		b.add(&e.pkt)
		if b.n == batchSize {
			queues[wi] <- b
			cur[wi] = nil
		}
	}
	for i, b := range cur {
		if b != nil && b.n > 0 {
			queues[i] <- b
		}
		close(queues[i])
	}
	wg.Wait()
	return rerr
}

// batchX carries decoded packets from the reading goroutine to one
// worker. Payloads are copied into arena (the frame buffer is reused by the
// source), and re-sliced by offset on the worker's side because the arena
// may move while it grows.
type batchX struct {
	pkts  [batchSize]decode.Packet
	offs  [batchSize][2]int
	n     int
	arena []byte
}

func (b *batchX) add(p *decode.Packet) {
	q := &b.pkts[b.n]
	*q = *p
	b.offs[b.n] = [2]int{len(b.arena), len(p.Payload)}
	b.arena = append(b.arena, p.Payload...)
	q.Payload = nil
	b.n++
}
