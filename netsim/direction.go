package netsim

import (
	"container/heap"
	"math/rand/v2"
	"sync"
	"time"
)

// smallBuf is the capacity of pooled datagram buffers; larger datagrams
// get a buffer of their own that is not returned to the pool.
const smallBuf = 2048

// packet is one queued datagram.
type packet struct {
	due  time.Time
	seq  uint64
	data []byte
	sess *session
}

var packetPool = sync.Pool{
	New: func() any { return &packet{data: make([]byte, 0, smallBuf)} },
}

func getPacket(s *session, b []byte) *packet {
	pk := packetPool.Get().(*packet)
	pk.data = append(pk.data[:0], b...)
	pk.sess = s
	return pk
}

func putPacket(pk *packet) {
	if cap(pk.data) > smallBuf {
		pk.data = make([]byte, 0, smallBuf)
	}
	pk.sess = nil
	packetPool.Put(pk)
}

// pktHeap is a min-heap ordered by (due, seq).
type pktHeap []*packet

func (h pktHeap) Len() int { return len(h) }
func (h pktHeap) Less(i, j int) bool {
	if h[i].due.Equal(h[j].due) {
		return h[i].seq < h[j].seq
	}
	return h[i].due.Before(h[j].due)
}
func (h pktHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *pktHeap) Push(x any)   { *h = append(*h, x.(*packet)) }
func (h *pktHeap) Pop() any {
	old := *h
	n := len(old)
	x := old[n-1]
	old[n-1] = nil
	*h = old[:n-1]
	return x
}

// direction impairs and schedules the datagrams of one direction. A single
// scheduler goroutine (run) delivers due datagrams using one timer.
type direction struct {
	p  *Proxy
	up bool

	mu          sync.Mutex
	link        Link
	rng         *rand.Rand
	queue       pktHeap
	held        *packet // datagram held back for reordering
	heldUntil   time.Time
	queued      int
	queuedBytes int
	nextFree    time.Time // when the bandwidth bottleneck becomes idle
	seq         uint64

	wake chan struct{}
	c    dirCounters
}

func newDirection(p *Proxy, up bool, l Link, src rand.Source) *direction {
	return &direction{
		p:    p,
		up:   up,
		link: l,
		rng:  rand.New(src),
		wake: make(chan struct{}, 1),
	}
}

func (d *direction) stats() DirStats {
	d.mu.Lock()
	q := d.queued
	d.mu.Unlock()
	return DirStats{
		Received:         d.c.received.Load(),
		Forwarded:        d.c.forwarded.Load(),
		DroppedLoss:      d.c.dropLoss.Load(),
		DroppedBlackhole: d.c.dropBlackhole.Load(),
		DroppedQueue:     d.c.dropQueue.Load(),
		DroppedError:     d.c.dropError.Load(),
		Duplicated:       d.c.duplicated.Load(),
		Reordered:        d.c.reordered.Load(),
		BytesReceived:    d.c.bytesIn.Load(),
		BytesForwarded:   d.c.bytesOut.Load(),
		Queued:           q,
	}
}

// submit applies the impairments to one datagram entering the direction.
// b is copied; the caller may reuse it.
func (d *direction) submit(s *session, b []byte) {
	d.c.received.Add(1)
	d.c.bytesIn.Add(uint64(len(b)))
	if len(b) > d.p.cfg.MaxDatagramSize {
		d.c.dropError.Add(1)
		return
	}
	d.mu.Lock()
	l := d.link
	if l.Blackhole {
		d.mu.Unlock()
		d.c.dropBlackhole.Add(1)
		return
	}
	// Always draw the same number of values per datagram so that the
	// decisions for later datagrams depend only on the seed and the order.
	lost := d.rng.Float64() < l.Loss
	dup := d.rng.Float64() < l.Duplicate
	reorder := d.rng.Float64() < l.Reorder
	if lost {
		d.mu.Unlock()
		d.c.dropLoss.Add(1)
		return
	}
	now := time.Now()
	queuedOne := d.enqueue(now, &l, s, b, reorder && !dup)
	if dup {
		d.c.duplicated.Add(1)
		// The duplicate is the last copy, so it is the one held back if
		// this datagram is to be reordered.
		if d.enqueue(now, &l, s, b, reorder) {
			queuedOne = true
		}
	}
	d.mu.Unlock()
	if queuedOne {
		select {
		case d.wake <- struct{}{}:
		default:
		}
	}
}

// enqueue schedules one copy of a datagram; d.mu must be held. It reports
// whether the copy was queued.
func (d *direction) enqueue(now time.Time, l *Link, s *session, b []byte, hold bool) bool {
	n := len(b)
	if d.queued >= d.p.cfg.MaxQueued || d.queuedBytes+n > d.p.cfg.MaxQueuedBytes {
		d.c.dropQueue.Add(1)
		return false
	}
	out := now
	if l.Bandwidth > 0 {
		start := now
		if d.nextFree.After(now) {
			start = d.nextFree
			qb := l.QueueBytes
			if qb == 0 {
				qb = max(int(l.Bandwidth/10), DefaultMinQueueBytes)
			}
			backlog := float64(start.Sub(now)) * float64(l.Bandwidth) / float64(time.Second)
			if backlog+float64(n) > float64(qb) {
				d.c.dropQueue.Add(1)
				return false
			}
		}
		d.nextFree = start.Add(time.Duration(float64(n) * float64(time.Second) / float64(l.Bandwidth)))
		out = d.nextFree
	}
	due := out.Add(l.Delay)
	if l.Jitter > 0 {
		due = due.Add(time.Duration((d.rng.Float64()*2 - 1) * float64(l.Jitter)))
		if due.Before(out) {
			due = out
		}
	}
	pk := getPacket(s, b)
	pk.due = due
	pk.seq = d.seq
	d.seq++
	d.queued++
	d.queuedBytes += n

	if h := d.held; h != nil {
		// This datagram overtakes the held one.
		heap.Push(&d.queue, pk)
		if h.due.Before(pk.due) {
			h.due = pk.due
		}
		h.seq = d.seq
		d.seq++
		heap.Push(&d.queue, h)
		d.held = nil
		d.c.reordered.Add(1)
		return true
	}
	if hold {
		hold := l.ReorderHold
		if hold == 0 {
			hold = DefaultReorderHold
		}
		d.held = pk
		d.heldUntil = pk.due.Add(hold)
		return true
	}
	heap.Push(&d.queue, pk)
	return true
}

// run is the scheduler goroutine of the direction.
func (d *direction) run() {
	defer d.p.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var batch []*packet
	for {
		d.mu.Lock()
		now := time.Now()
		if d.held != nil && !now.Before(d.heldUntil) {
			// Nothing overtook it in time: deliver it on its own.
			heap.Push(&d.queue, d.held)
			d.held = nil
		}
		for len(d.queue) > 0 && !d.queue[0].due.After(now) {
			pk := heap.Pop(&d.queue).(*packet)
			d.queued--
			d.queuedBytes -= len(pk.data)
			batch = append(batch, pk)
		}
		var next time.Time
		if len(d.queue) > 0 {
			next = d.queue[0].due
		}
		if d.held != nil && (next.IsZero() || d.heldUntil.Before(next)) {
			next = d.heldUntil
		}
		d.mu.Unlock()

		for i, pk := range batch {
			d.send(pk)
			putPacket(pk)
			batch[i] = nil
		}
		sent := len(batch) > 0
		batch = batch[:0]

		if d.p.isDone() {
			d.drain()
			return
		}
		if sent {
			// Time has passed while sending; look again before sleeping.
			continue
		}
		if !next.IsZero() {
			timer.Reset(time.Until(next))
		}
		select {
		case <-d.p.done:
			d.drain()
			return
		case <-d.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// send writes one datagram out.
func (d *direction) send(pk *packet) {
	var err error
	if d.up {
		_, err = pk.sess.conn.Write(pk.data)
	} else {
		_, err = d.p.lconn.WriteToUDPAddrPort(pk.data, pk.sess.client)
	}
	if err != nil {
		d.c.dropError.Add(1)
		return
	}
	d.c.forwarded.Add(1)
	d.c.bytesOut.Add(uint64(len(pk.data)))
}

// drain discards all queued datagrams.
func (d *direction) drain() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, pk := range d.queue {
		putPacket(pk)
	}
	d.queue = nil
	if d.held != nil {
		putPacket(d.held)
		d.held = nil
	}
	d.queued, d.queuedBytes = 0, 0
}
