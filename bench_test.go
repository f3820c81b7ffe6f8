package enet

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Micro-benchmarks of the hot paths, and a count of their cgo crossings.
// bench/run.sh runs them; BENCHMARKS.md has the numbers. The Go/C
// comparison over separate processes is in bench/.

// benchPayload is the 32-byte packet of the benchmarks.
var benchPayload = []byte("0123456789abcdef0123456789abcdef")

// benchFeed makes cli send n 32-byte reliable packets to the server and
// flushes them, servicing cli first so ENet's acknowledgements keep the
// reliable window open.
func benchFeed(tb testing.TB, cli *Host, cp *Peer, n int) {
	buf := make([]byte, 64)
	for {
		ev, err := cli.ServiceInto(0, buf)
		require.NoError(tb, err)
		if ev.Type == EventNone {
			break
		}
	}
	for range n {
		require.NoError(tb, cp.Send(0, benchPayload, FlagReliable))
	}
	require.NoError(tb, cli.Flush())
}

// BenchmarkSend measures Peer.Send of a 32-byte unsequenced packet and its
// share of the hand-over to ENet: Send checks and queues the packet in Go
// (no C call, no Go allocation), and every 256 sends the queue is handed to
// ENet in one C call, inside the timer (enet_packet_create and
// enet_peer_send for each packet). Putting the datagrams on the wire
// (Flush) and draining the server are outside it.
func BenchmarkSend(b *testing.B) {
	p := newPair(b, 1)
	buf := make([]byte, 64)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := p.cp.Send(0, benchPayload, FlagUnsequenced); err != nil {
			b.Fatal(err)
		}
		if i%256 == 255 || i == b.N-1 {
			p.cli.mu.Lock()
			p.cli.flushSends()
			p.cli.mu.Unlock()
			b.StopTimer()
			p.cli.Flush()
			for ev, _ := p.srv.ServiceInto(0, buf); ev.Type != EventNone; ev, _ = p.srv.ServiceInto(0, buf) {
			}
			b.StartTimer()
		}
	}
}

// BenchmarkServiceInto measures the receive path with a reused buffer: one
// op is one received 32-byte packet, serviced in batches of 64 (the
// client's sends are outside the timer). Target: 0 allocs/op.
func BenchmarkServiceInto(b *testing.B) {
	benchReceive(b, func(h *Host, buf []byte) (Event, error) {
		return h.ServiceInto(0, buf)
	})
}

// BenchmarkServiceIntoWait is BenchmarkServiceInto with the timeout a
// server loop passes (10 ms): events already drained must not pay for it.
func BenchmarkServiceIntoWait(b *testing.B) {
	benchReceive(b, func(h *Host, buf []byte) (Event, error) {
		return h.ServiceInto(10*time.Millisecond, buf)
	})
}

// BenchmarkServiceQueued measures the convenience path, Service then
// Peer.Packet: one op is one received packet, whose copy is the one
// allocation it must make.
func BenchmarkServiceQueued(b *testing.B) {
	benchReceive(b, func(h *Host, _ []byte) (Event, error) {
		ev, err := h.Service(0)
		if err == nil && ev.Type == EventReceive {
			_, err = ev.Peer.Packet()
		}
		return ev, err
	})
}

func benchReceive(b *testing.B, recv func(*Host, []byte) (Event, error)) {
	benchReceiveOn(b, newPair(b, 1), recv)
}

// benchReceiveOn is benchReceive on the given pair.
func benchReceiveOn(b *testing.B, p *pair, recv func(*Host, []byte) (Event, error)) {
	buf := make([]byte, 2048)
	const chunk = 64
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		b.StopTimer()
		n := min(chunk, b.N-done)
		benchFeed(b, p.cli, p.cp, n)
		b.StartTimer()
		// Loopback delivers during the client's sendmsg, so the packets
		// are in the server's socket; an empty service means ENet's
		// reliable window held some back in the client: service it again.
		for got, stalls := 0, 0; got < n; {
			ev, err := recv(p.srv, buf)
			if err != nil {
				b.Fatal(err)
			}
			switch ev.Type {
			case EventReceive:
				got, stalls = got+1, 0
			case EventNone:
				if stalls++; stalls > 1000 {
					b.Fatalf("packets stopped coming (%d of %d)", got, n)
				}
				b.StopTimer()
				benchFeed(b, p.cli, p.cp, 0)
				time.Sleep(100 * time.Microsecond)
				b.StartTimer()
			}
		}
		done += n
	}
}

// drainedBatch feeds the server of p a batch of packets and drains it
// with one ServiceInto, outside the timer; it reports whether events of
// the batch are left to take (false when the drain got one event or none:
// try again). After 1 000 fruitless tries the benchmark fails.
func drainedBatch(b *testing.B, p *pair, buf []byte, stalls *int) bool {
	b.StopTimer()
	defer b.StartTimer()
	if *stalls++; *stalls > 1000 {
		b.Fatal("no batch with more than one event in 1000 tries")
	}
	benchFeed(b, p.cli, p.cp, 64)
	time.Sleep(50 * time.Microsecond)
	ev, err := p.srv.ServiceInto(0, buf) // drains the batch
	require.NoError(b, err)
	if ev.Type == EventNone || p.srv.batchI == len(p.srv.batch) {
		return false
	}
	*stalls = 0
	return true
}

// BenchmarkBatchedEvent measures what ServiceInto costs for an event that
// is already drained, the common case under load: one op is one event
// taken from the batch, the drain and its socket I/O are outside the
// timer. It is the Go-side cost of the receive path.
func BenchmarkBatchedEvent(b *testing.B) {
	p := newPair(b, 1)
	buf := make([]byte, 2048)
	b.ReportAllocs()
	b.ResetTimer()
	for done, stalls := 0, 0; done < b.N; {
		if !drainedBatch(b, p, buf, &stalls) {
			continue
		}
		for p.srv.batchI < len(p.srv.batch) && done < b.N {
			ev, err := p.srv.ServiceInto(0, buf)
			if err != nil || ev.Type != EventReceive {
				b.Fatal(ev.Type, err)
			}
			done++
		}
	}
}

// BenchmarkServiceBatch is BenchmarkBatchedEvent for ServiceBatch: one op
// is one event of an already drained batch, taken by a ServiceBatch call
// that takes the rest of the batch at once.
func BenchmarkServiceBatch(b *testing.B) {
	p := newPair(b, 1)
	buf := make([]byte, 64<<10)
	evs := make([]Event, 64)
	b.ReportAllocs()
	b.ResetTimer()
	for done, stalls := 0, 0; done < b.N; {
		if !drainedBatch(b, p, buf, &stalls) {
			continue
		}
		n, err := p.srv.ServiceBatch(0, evs, buf)
		if err != nil || n == 0 || evs[n-1].Type != EventReceive {
			b.Fatal(n, err)
		}
		done += n
	}
}

// BenchmarkStatistics measures Peer.Statistics, 14 fields read at once.
func BenchmarkStatistics(b *testing.B) {
	p := newPair(b, 1)
	b.ReportAllocs()
	b.ResetTimer()
	var sink PeerStats
	for range b.N {
		sink = p.cp.Statistics()
	}
	runtime.KeepAlive(sink)
}

// BenchmarkPingPong measures an in-process round trip: the client sends 32
// reliable bytes, a server goroutine echoes them, the client receives the
// echo. ns/op is the round-trip time over loopback, both sides in Go.
func BenchmarkPingPong(b *testing.B) {
	benchPingPongOn(b, newPair(b, 1))
}

// benchPingPongOn is BenchmarkPingPong on the given pair.
func benchPingPongOn(b *testing.B, p *pair) {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 2048)
		for {
			select {
			case <-stop:
				return
			default:
			}
			ev, err := p.srv.ServiceInto(10*time.Millisecond, buf)
			if err != nil {
				return
			}
			if ev.Type == EventReceive {
				ev.Peer.Send(ev.Channel, ev.Packet, ev.Flags)
			}
		}
	}()
	defer func() { close(stop); <-done }()
	buf := make([]byte, 2048)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := p.cp.Send(0, benchPayload, FlagReliable); err != nil {
			b.Fatal(err)
		}
		for {
			ev, err := p.cli.ServiceInto(time.Second, buf)
			if err != nil {
				b.Fatal(err)
			}
			if ev.Type == EventReceive {
				break
			}
			if ev.Type == EventNone {
				b.Fatal("no echo within 1 s")
			}
		}
	}
}

// TestCgoCrossings counts cgo calls with runtime.NumCgoCall: Send of a
// packet up to deferMax bytes never crosses (the next C call on the host
// hands it over), a larger one once, Statistics never, and a Service batch
// once for however many events it holds, with the packets sent since the
// last drain, plus one empty drain before it waits. NumCgoCall is the process
// total and a GC cleanup of another test's host may cross meanwhile, so
// each count is the least of a few tries.
func TestCgoCrossings(t *testing.T) {
	p := newPair(t, 1)
	buf := make([]byte, 2048)
	pumpFor(t, 50*time.Millisecond, nil, p.srv, p.cli) // settle the handshake
	least := func(measure func() int64) int64 {
		n := int64(1 << 62)
		for range 5 {
			n = min(n, measure())
		}
		return n
	}
	count := func(f func()) int64 {
		n0 := runtime.NumCgoCall()
		f()
		return runtime.NumCgoCall() - n0
	}

	assert.EqualValues(t, 0, least(func() int64 {
		return count(func() { require.NoError(t, p.cp.Send(0, benchPayload, FlagReliable)) })
	}), "crossings per Send")
	large := make([]byte, deferMax+1)
	assert.EqualValues(t, 1, least(func() int64 {
		return count(func() { require.NoError(t, p.cp.Send(0, large, FlagReliable)) })
	}), "crossings per Send of %d bytes (with the pending ones before it)", len(large))
	assert.EqualValues(t, 1, least(func() int64 {
		for range 10 {
			require.NoError(t, p.cp.Send(0, benchPayload, FlagReliable))
		}
		return count(func() { require.NoError(t, p.cli.Flush()) })
	}), "crossings for Flush with 10 pending sends")
	assert.EqualValues(t, 0, least(func() int64 { return count(func() { p.cp.Statistics() }) }),
		"crossings per Statistics")

	const n = 40
	batch := func() int64 {
		benchFeed(t, p.cli, p.cp, n)
		time.Sleep(20 * time.Millisecond) // every datagram is in the server's socket
		got := 0
		c := count(func() {
			for ; got < n; got++ {
				ev, err := p.srv.ServiceInto(0, buf)
				if err != nil || ev.Type != EventReceive {
					break
				}
			}
		})
		for ev, _ := p.srv.ServiceInto(0, buf); ev.Type != EventNone; ev, _ = p.srv.ServiceInto(0, buf) {
		}
		if got < n {
			return 1 << 30 // ENet held packets back; try again
		}
		return c
	}
	// The 5 feeds of 40 plus the earlier sends also drain before counting.
	pumpFor(t, 20*time.Millisecond, nil, p.srv, p.cli)
	for ev, _ := p.srv.ServiceInto(0, buf); ev.Type != EventNone; ev, _ = p.srv.ServiceInto(0, buf) {
	} // pumpFor may stop inside a batch
	assert.EqualValues(t, 1, least(batch), "crossings for a batch of %d packets", n)
	assert.EqualValues(t, 1, least(func() int64 {
		return count(func() {
			ev, err := p.srv.ServiceInto(0, buf)
			require.NoError(t, err)
			assert.Equal(t, EventNone, ev.Type)
		})
	}), "crossings to find the batch empty")
}

// TestReceivePathAllocations checks the allocation targets the benchmarks
// report: ServiceInto with a large enough buffer allocates nothing per
// packet, Service + Packet allocates the copy (and, rarely, queue growth).
// allocsPerPacket feeds the server of p 20 chunks of 32 packets and
// returns the Go allocations per packet made while recv took them (the
// whole process's, from runtime.MemStats). recv returns how many packets
// its call took, or -1 when none came within its timeout, which fails the
// test; it must not allocate on its own account (no require with extra
// arguments).
func allocsPerPacket(t *testing.T, p *pair, recv func() int) float64 {
	t.Helper()
	const rounds, chunk = 20, 32
	var m0, m1 runtime.MemStats
	var allocs uint64
	for range rounds {
		benchFeed(t, p.cli, p.cp, chunk)
		time.Sleep(5 * time.Millisecond)
		runtime.ReadMemStats(&m0)
		for got := 0; got < chunk; {
			n := recv()
			if n < 0 {
				t.Fatalf("no packet within 10 ms (%d of %d)", got, chunk)
			}
			got += n
		}
		runtime.ReadMemStats(&m1)
		allocs += m1.Mallocs - m0.Mallocs
	}
	return float64(allocs) / (rounds * chunk)
}

// packets is what a one-event call took, for allocsPerPacket.
func packets(ev Event) int {
	switch ev.Type {
	case EventReceive:
		return 1
	case EventNone:
		return -1
	}
	return 0
}

func TestReceivePathAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts need a quiet process")
	}
	p := newPair(t, 1)
	buf := make([]byte, 2048)
	into := allocsPerPacket(t, p, func() int {
		ev, err := p.srv.ServiceInto(10*time.Millisecond, buf)
		require.NoError(t, err)
		return packets(ev)
	})
	// MemStats counts the whole process: allow a stray runtime allocation,
	// not one per packet.
	assert.Less(t, into, 0.05, "ServiceInto allocations per packet")
	queued := allocsPerPacket(t, p, func() int {
		ev, err := p.srv.Service(10 * time.Millisecond)
		require.NoError(t, err)
		if ev.Type == EventReceive {
			_, err = ev.Peer.Packet()
			require.NoError(t, err)
		}
		return packets(ev)
	})
	assert.InDelta(t, 1, queued, 0.05, "Service+Packet allocations per packet")

	// Queue a whole chunk before reading: the queue's slice grows once,
	// then its backing array is reused whenever the queue empties.
	burst := allocsPerPacket(t, p, func() int {
		ev, err := p.srv.Service(10 * time.Millisecond)
		require.NoError(t, err)
		if ev.Type == EventReceive {
			if ev.Peer.AvailablePacketCount() == 32 {
				for range 32 {
					_, err := ev.Peer.Packet()
					require.NoError(t, err)
				}
			}
		}
		return packets(ev)
	})
	assert.InDelta(t, 1, burst, 0.05, "Service of 32 packets, then 32 Packet calls: allocations per packet")
	t.Logf("allocations per packet: ServiceInto %.4f, Service+Packet %.4f, burst of 32 %.4f", into, queued, burst)
}
