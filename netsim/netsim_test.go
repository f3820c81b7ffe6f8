package netsim_test

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enetgo/enet/netsim"
)

func TestForwardByteExactEcho(t *testing.T) {
	srv, _ := echoServer(t, nil)
	p := newProxy(t, addrOf(srv), netsim.Config{})
	c := dial(t, p.Addr())

	rng := rand.New(rand.NewPCG(1, 2))
	sizes := []int{0, 1, 2, 3, 15, 16, 17, 100, 1400, 1472, 1500, 4000, 9000, 65507}
	for len(sizes) < 300 {
		sizes = append(sizes, rng.IntN(4001))
	}
	buf := make([]byte, 65536)
	for i, size := range sizes {
		msg := make([]byte, size)
		for j := range msg {
			msg[j] = byte(rng.Uint32())
		}
		_, err := c.Write(msg)
		require.NoError(t, err)
		require.NoError(t, c.SetReadDeadline(time.Now().Add(3*time.Second)))
		n, err := c.Read(buf)
		require.NoError(t, err, "datagram %d of size %d", i, size)
		require.Equal(t, size, n, "datagram %d", i)
		require.True(t, bytes.Equal(msg, buf[:n]), "datagram %d of size %d differs", i, size)
	}
	// The proxy counts a datagram after its write returns, which can be
	// after the client has already read the echo: wait for the counters.
	var st netsim.Stats
	waitUntil(3*time.Second, func() bool { st = p.Stats(); return st.Down.BytesForwarded == st.Up.BytesForwarded })
	assert.Equal(t, uint64(len(sizes)), st.Up.Received)
	assert.Equal(t, uint64(len(sizes)), st.Up.Forwarded)
	assert.Equal(t, st.Up.BytesReceived, st.Up.BytesForwarded)
	assert.Equal(t, st.Up.BytesForwarded, st.Down.BytesForwarded)
	assert.Equal(t, 1, st.Clients)
}

// TestForwardByteExactPipelined checks content integrity with many
// datagrams in flight through the delay heap and the buffer pool.
func TestForwardByteExactPipelined(t *testing.T) {
	sink := listen(t)
	col := collect(t, sink, true)
	p := newProxy(t, addrOf(sink), netsim.Config{Up: netsim.Link{Delay: time.Millisecond, Jitter: time.Millisecond}})
	c := dial(t, p.Addr())

	const n = 2000
	size := func(i int) int { return 16 + (i*7919)%3985 } // 16..4000
	base := p.Stats().Up.Received
	for i := 0; i < n; i++ {
		if i%64 == 0 && i > 0 {
			want := base + uint64(i)
			require.True(t, waitUntil(5*time.Second, func() bool { return p.Stats().Up.Received >= want }))
		}
		_, err := c.Write(seqPacket(uint64(i), size(i)))
		require.NoError(t, err)
	}
	require.True(t, waitUntil(5*time.Second, func() bool { return col.count() >= n }), "got %d of %d", col.count(), n)
	seen := make(map[uint64]bool)
	for _, a := range col.snapshot() {
		want := seqPacket(a.seq, size(int(a.seq)))
		require.Equal(t, len(want), len(a.data), "seq %d", a.seq)
		require.True(t, bytes.Equal(want[16:], a.data[16:]), "seq %d payload differs", a.seq)
		require.False(t, seen[a.seq], "seq %d seen twice", a.seq)
		seen[a.seq] = true
	}
	assert.Len(t, seen, n)
}

func oneWay(t *testing.T, cfg netsim.Config, n, size int) (*netsim.Proxy, *collector, netsim.Stats) {
	t.Helper()
	sink := listen(t)
	col := collect(t, sink, false)
	p := newProxy(t, addrOf(sink), cfg)
	c := dial(t, p.Addr())
	sendSeq(t, p, c, n, size, 100)
	return p, col, settle(t, p, col)
}

func TestLossRate(t *testing.T) {
	const n = 10000
	_, col, st := oneWay(t, netsim.Config{Seed: 7, Up: netsim.Link{Loss: 0.2}}, n, 16)
	rate := float64(st.Up.DroppedLoss) / n
	t.Logf("loss 20%%: dropped %d of %d (%.2f%%), received %d", st.Up.DroppedLoss, n, 100*rate, col.count())
	// 5 standard deviations: sqrt(0.2*0.8/10000) = 0.4%.
	assert.InDelta(t, 0.2, rate, 0.02)
	assert.Equal(t, uint64(n), st.Up.Received)
	assert.Equal(t, n-int(st.Up.DroppedLoss), col.count(), "every datagram not lost must arrive")
	assert.Equal(t, st.Up.Forwarded, uint64(col.count()))
}

func TestLossNoneAndAll(t *testing.T) {
	t.Run("0%", func(t *testing.T) {
		_, col, st := oneWay(t, netsim.Config{Seed: 1}, 2000, 16)
		assert.Zero(t, st.Up.DroppedLoss)
		assert.Equal(t, 2000, col.count())
	})
	t.Run("100%", func(t *testing.T) {
		_, col, st := oneWay(t, netsim.Config{Seed: 1, Up: netsim.Link{Loss: 1}}, 2000, 16)
		assert.Equal(t, uint64(2000), st.Up.DroppedLoss)
		assert.Zero(t, st.Up.Forwarded)
		time.Sleep(50 * time.Millisecond)
		assert.Zero(t, col.count())
	})
}

func TestDuplicateRate(t *testing.T) {
	const n = 4000
	_, col, st := oneWay(t, netsim.Config{Seed: 3, Up: netsim.Link{Duplicate: 0.25}}, n, 16)
	rate := float64(st.Up.Duplicated) / n
	t.Logf("duplicate 25%%: %d extra copies for %d datagrams (%.2f%%), received %d", st.Up.Duplicated, n, 100*rate, col.count())
	assert.InDelta(t, 0.25, rate, 0.035) // sd 0.68%
	assert.Equal(t, n+int(st.Up.Duplicated), col.count())
	counts := make(map[uint64]int)
	for _, a := range col.snapshot() {
		counts[a.seq]++
	}
	assert.Len(t, counts, n)
	twice := 0
	for _, c := range counts {
		require.LessOrEqual(t, c, 2)
		if c == 2 {
			twice++
		}
	}
	assert.Equal(t, int(st.Up.Duplicated), twice)
}

func inversions(s []uint64) int {
	inv := 0
	var maxSeen uint64
	for i, v := range s {
		if i > 0 && v < maxSeen {
			inv++
		}
		maxSeen = max(maxSeen, v)
	}
	return inv
}

func TestReorder(t *testing.T) {
	t.Run("Reorder=0.1", func(t *testing.T) {
		const n = 2000
		_, col, st := oneWay(t, netsim.Config{Seed: 5, Up: netsim.Link{Reorder: 0.1}}, n, 16)
		inv := inversions(seqs(col.snapshot()))
		t.Logf("reorder 10%%: %d of %d observed out of order, Stats.Reordered=%d", inv, n, st.Up.Reordered)
		assert.Positive(t, inv)
		assert.Positive(t, st.Up.Reordered)
		assert.InDelta(t, 0.1, float64(st.Up.Reordered)/n, 0.04)
		assert.Equal(t, n, col.count(), "reordering must not lose datagrams")
	})
	t.Run("Reorder=0,Delay", func(t *testing.T) {
		const n = 2000
		_, col, st := oneWay(t, netsim.Config{Seed: 5, Up: netsim.Link{Delay: 2 * time.Millisecond}}, n, 16)
		s := seqs(col.snapshot())
		require.Len(t, s, n)
		assert.Zero(t, inversions(s))
		assert.Zero(t, st.Up.Reordered)
	})
	t.Run("Jitter", func(t *testing.T) {
		const n = 1000
		_, col, _ := oneWay(t, netsim.Config{Seed: 5, Up: netsim.Link{Delay: 5 * time.Millisecond, Jitter: 5 * time.Millisecond}}, n, 16)
		inv := inversions(seqs(col.snapshot()))
		t.Logf("jitter ±5ms: %d of %d observed out of order", inv, n)
		assert.Positive(t, inv)
	})
}

func TestDelay(t *testing.T) {
	t.Run("fixed", func(t *testing.T) {
		const delay = 40 * time.Millisecond
		sink := listen(t)
		col := collect(t, sink, false)
		p := newProxy(t, addrOf(sink), netsim.Config{Up: netsim.Link{Delay: delay}})
		c := dial(t, p.Addr())
		for i := 0; i < 50; i++ {
			_, err := c.Write(seqPacket(uint64(i), 64))
			require.NoError(t, err)
			time.Sleep(2 * time.Millisecond)
		}
		require.True(t, waitUntil(5*time.Second, func() bool { return col.count() >= 50 }))
		var ds []time.Duration
		for _, a := range col.snapshot() {
			ds = append(ds, a.at.Sub(a.sent))
		}
		med := median(ds)
		t.Logf("delay %v: median one-way %v, min %v, max %v", delay, med, slicesMin(ds), slicesMax(ds))
		assert.GreaterOrEqual(t, med, delay)
		assert.GreaterOrEqual(t, slicesMin(ds), delay)
		assert.Less(t, med, delay+100*time.Millisecond, "far too slow")
	})
	t.Run("jitter", func(t *testing.T) {
		const delay, jitter = 30 * time.Millisecond, 10 * time.Millisecond
		sink := listen(t)
		col := collect(t, sink, false)
		p := newProxy(t, addrOf(sink), netsim.Config{Seed: 9, Up: netsim.Link{Delay: delay, Jitter: jitter}})
		c := dial(t, p.Addr())
		for i := 0; i < 100; i++ {
			_, err := c.Write(seqPacket(uint64(i), 64))
			require.NoError(t, err)
			time.Sleep(time.Millisecond)
		}
		require.True(t, waitUntil(5*time.Second, func() bool { return col.count() >= 100 }))
		var ds []time.Duration
		for _, a := range col.snapshot() {
			ds = append(ds, a.at.Sub(a.sent))
		}
		lo, hi, med := slicesMin(ds), slicesMax(ds), median(ds)
		t.Logf("delay %v ± %v: median %v, min %v, max %v", delay, jitter, med, lo, hi)
		assert.GreaterOrEqual(t, lo, delay-jitter)
		assert.GreaterOrEqual(t, med, delay-jitter/2)
		assert.Greater(t, hi-lo, jitter, "jitter should spread delays")
	})
	t.Run("round trip", func(t *testing.T) {
		srv, _ := echoServer(t, nil)
		p := newProxy(t, addrOf(srv), netsim.Config{
			Up:   netsim.Link{Delay: 15 * time.Millisecond},
			Down: netsim.Link{Delay: 25 * time.Millisecond},
		})
		c := dial(t, p.Addr())
		buf := make([]byte, 64)
		var ds []time.Duration
		for i := 0; i < 10; i++ {
			start := time.Now()
			_, err := c.Write([]byte("ping"))
			require.NoError(t, err)
			require.NoError(t, c.SetReadDeadline(time.Now().Add(3*time.Second)))
			_, err = c.Read(buf)
			require.NoError(t, err)
			ds = append(ds, time.Since(start))
		}
		t.Logf("round trip with 15ms up + 25ms down: median %v", median(ds))
		assert.GreaterOrEqual(t, slicesMin(ds), 40*time.Millisecond)
	})
}

func slicesMin(ds []time.Duration) time.Duration {
	m := time.Duration(math.MaxInt64)
	for _, d := range ds {
		m = min(m, d)
	}
	return m
}

func slicesMax(ds []time.Duration) time.Duration {
	var m time.Duration
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

func TestBandwidth(t *testing.T) {
	const bw = 200_000 // bytes per second
	const size = 1000
	sink := listen(t)
	col := collect(t, sink, false)
	p := newProxy(t, addrOf(sink), netsim.Config{Up: netsim.Link{Bandwidth: bw}})
	c := dial(t, p.Addr())

	// Offer about three times the cap for one second.
	start := time.Now()
	seq := uint64(0)
	for time.Since(start) < time.Second {
		for i := 0; i < 6; i++ {
			_, err := c.Write(seqPacket(seq, size))
			require.NoError(t, err)
			seq++
		}
		time.Sleep(10 * time.Millisecond)
	}
	offered := float64(seq*size) / time.Since(start).Seconds()
	require.True(t, waitUntil(3*time.Second, func() bool { return p.Stats().Up.Queued == 0 }))
	time.Sleep(20 * time.Millisecond)
	got := col.snapshot()
	require.Greater(t, len(got), 10)
	span := got[len(got)-1].at.Sub(got[0].at)
	rate := float64((len(got)-1)*size) / span.Seconds()
	st := p.Stats()
	t.Logf("bandwidth cap %d B/s: offered %.0f B/s, delivered %.0f B/s over %v (%d datagrams), queue drops %d",
		bw, offered, rate, span, len(got), st.Up.DroppedQueue)
	assert.InEpsilon(t, bw, rate, 0.2)
	assert.Positive(t, st.Up.DroppedQueue)
	assert.Equal(t, st.Up.Received, st.Up.Forwarded+st.Up.DroppedQueue)
}

func TestBlackhole(t *testing.T) {
	srv, _ := echoServer(t, nil)
	p := newProxy(t, addrOf(srv), netsim.Config{})
	c := dial(t, p.Addr())
	col := collect(t, c, false)

	send := func(n int) {
		for i := 0; i < n; i++ {
			_, err := c.Write(seqPacket(uint64(i), 32))
			require.NoError(t, err)
		}
	}
	p.SetBlackhole(true)
	assert.True(t, p.Link(netsim.Up).Blackhole)
	assert.True(t, p.Link(netsim.Down).Blackhole)
	send(20)
	require.True(t, waitUntil(3*time.Second, func() bool { return p.Stats().Up.DroppedBlackhole == 20 }))
	time.Sleep(50 * time.Millisecond)
	assert.Zero(t, col.count())

	p.SetBlackhole(false)
	send(20)
	require.True(t, waitUntil(3*time.Second, func() bool { return col.count() == 20 }))

	// Down only: requests reach the server, replies are swallowed.
	p.SetBlackholeDir(netsim.Down, true)
	send(10)
	require.True(t, waitUntil(3*time.Second, func() bool { return p.Stats().Down.DroppedBlackhole == 10 }))
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, 20, col.count())
	st := p.Stats()
	assert.Equal(t, uint64(30), st.Up.Forwarded)
	assert.Equal(t, uint64(20), st.Up.DroppedBlackhole)

	p.SetBlackholeDir(netsim.Down, false)
	send(5)
	require.True(t, waitUntil(3*time.Second, func() bool { return col.count() == 25 }))
}

// droppedSet runs n datagrams through a lossy proxy with the given seed and
// returns the sequence numbers that did not arrive.
func droppedSet(t *testing.T, seed int64, n int) map[uint64]bool {
	_, col, st := oneWay(t, netsim.Config{Seed: seed, Up: netsim.Link{Loss: 0.3, Duplicate: 0.1, Reorder: 0.05}}, n, 16)
	arrived := make(map[uint64]bool)
	for _, a := range col.snapshot() {
		arrived[a.seq] = true
	}
	dropped := make(map[uint64]bool)
	for i := uint64(0); i < uint64(n); i++ {
		if !arrived[i] {
			dropped[i] = true
		}
	}
	require.Len(t, dropped, int(st.Up.DroppedLoss))
	return dropped
}

func TestDeterministicSeed(t *testing.T) {
	const n = 1000
	a := droppedSet(t, 42, n)
	b := droppedSet(t, 42, n)
	c := droppedSet(t, 43, n)
	t.Logf("seed 42: %d dropped (twice identical), seed 43: %d dropped", len(a), len(c))
	assert.Equal(t, a, b, "same seed must drop the same datagrams")
	assert.NotEqual(t, a, c, "different seeds should drop different datagrams")
}

func TestManyClients(t *testing.T) {
	const clients = 20
	// The server replies with the client's message and the address it saw.
	srv, _ := echoServer(t, func(req []byte, from netip.AddrPort) []byte {
		return []byte(string(req) + "|" + from.String())
	})
	p := newProxy(t, addrOf(srv), netsim.Config{
		Up:   netsim.Link{Delay: time.Millisecond, Jitter: time.Millisecond},
		Down: netsim.Link{Delay: time.Millisecond, Jitter: time.Millisecond},
	})
	seen := make(map[string]int)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		c := dial(t, p.Addr())
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 256)
			var upstream string
			for j := 0; j < 5; j++ {
				msg := fmt.Sprintf("client-%d-%d", i, j)
				if _, err := c.Write([]byte(msg)); !assert.NoError(t, err) {
					return
				}
				_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
				n, err := c.Read(buf)
				if !assert.NoError(t, err) {
					return
				}
				got, addr, ok := strings.Cut(string(buf[:n]), "|")
				assert.True(t, ok)
				assert.Equal(t, msg, got, "reply went to the wrong client")
				if upstream == "" {
					upstream = addr
				}
				assert.Equal(t, upstream, addr, "upstream address must be stable per client")
			}
			mu.Lock()
			seen[upstream]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	assert.Len(t, seen, clients, "each client needs its own upstream address")
	for a, n := range seen {
		assert.Equal(t, 1, n, "upstream %s shared", a)
		ap, err := netip.ParseAddrPort(a)
		require.NoError(t, err)
		assert.True(t, ap.Addr().IsLoopback())
		assert.NotEqual(t, p.Addr().Port(), ap.Port())
	}
	st := p.Stats()
	assert.Equal(t, clients, st.Clients)
	assert.Equal(t, uint64(clients), st.ClientsOpened)
	// Forwarded is counted just after the write, possibly after the client read.
	assert.True(t, waitUntil(time.Second, func() bool { return p.Stats().Down.Forwarded == clients*5 }))
}

func TestMaxClients(t *testing.T) {
	srv, _ := echoServer(t, nil)
	p := newProxy(t, addrOf(srv), netsim.Config{MaxClients: 2})
	buf := make([]byte, 16)
	for i := 0; i < 2; i++ {
		c := dial(t, p.Addr())
		_, err := c.Write([]byte("hi"))
		require.NoError(t, err)
		require.NoError(t, c.SetReadDeadline(time.Now().Add(3*time.Second)))
		_, err = c.Read(buf)
		require.NoError(t, err)
	}
	c := dial(t, p.Addr())
	_, err := c.Write([]byte("hi"))
	require.NoError(t, err)
	require.True(t, waitUntil(3*time.Second, func() bool { return p.Stats().RejectedDatagrams == 1 }))
	assert.Equal(t, 2, p.Stats().Clients)
}

func TestIdleTimeout(t *testing.T) {
	srv, _ := echoServer(t, func(req []byte, from netip.AddrPort) []byte { return []byte(from.String()) })
	p := newProxy(t, addrOf(srv), netsim.Config{IdleTimeout: 100 * time.Millisecond})
	c := dial(t, p.Addr())
	buf := make([]byte, 64)
	roundTrip := func() string {
		_, err := c.Write([]byte("x"))
		require.NoError(t, err)
		require.NoError(t, c.SetReadDeadline(time.Now().Add(3*time.Second)))
		n, err := c.Read(buf)
		require.NoError(t, err)
		return string(buf[:n])
	}
	first := roundTrip()
	require.Equal(t, 1, p.Stats().Clients)
	require.True(t, waitUntil(3*time.Second, func() bool { return p.Stats().Clients == 0 }), "idle client not reclaimed")
	second := roundTrip()
	assert.NotEqual(t, first, second, "a new upstream socket is expected after the idle timeout")
	assert.Equal(t, uint64(2), p.Stats().ClientsOpened)
}

func TestMaxLifetime(t *testing.T) {
	sink := listen(t)
	p := newProxy(t, addrOf(sink), netsim.Config{MaxLifetime: 100 * time.Millisecond})
	select {
	case <-p.Done():
	case <-time.After(3 * time.Second):
		t.Fatal("proxy did not close itself")
	}
	require.NoError(t, p.Close())
	// Sending to a closed proxy must not panic or hang.
	c := dial(t, p.Addr())
	_, _ = c.Write([]byte("late"))
}

func TestSetLinkConcurrent(t *testing.T) {
	srv, _ := echoServer(t, nil)
	p := newProxy(t, addrOf(srv), netsim.Config{Seed: 1})
	c := dial(t, p.Addr())
	col := collect(t, c, false)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			l := netsim.Link{Loss: 0.1, Delay: time.Duration(i%3) * time.Millisecond, Jitter: time.Millisecond, Bandwidth: int64(i%2) * 1_000_000, Duplicate: 0.1, Reorder: 0.1}
			assert.NoError(t, p.SetLink(netsim.Direction(1+i%3), l))
			p.SetBlackholeDir(netsim.Up, i%5 == 0)
			_ = p.Link(netsim.Down)
			_ = p.Stats()
			time.Sleep(100 * time.Microsecond)
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			_, _ = c.Write(seqPacket(uint64(i), 100))
			time.Sleep(50 * time.Microsecond)
		}
	}()
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	assert.Positive(t, col.count())
}

func TestConfigValidation(t *testing.T) {
	sink := listen(t)
	target := addrOf(sink)
	for name, cfg := range map[string]netsim.Config{
		"loss>1":         {Up: netsim.Link{Loss: 1.5}},
		"dup<0":          {Down: netsim.Link{Duplicate: -0.1}},
		"reorder NaN":    {Up: netsim.Link{Reorder: math.NaN()}},
		"negative delay": {Up: netsim.Link{Delay: -time.Second}},
		"negative bw":    {Down: netsim.Link{Bandwidth: -1}},
		"negative limit": {MaxClients: -1},
	} {
		_, err := netsim.New(target, cfg)
		assert.Error(t, err, name)
	}
	_, err := netsim.New(netip.AddrPort{}, netsim.Config{})
	assert.Error(t, err)

	p := newProxy(t, target, netsim.Config{})
	assert.Error(t, p.SetLink(netsim.Both, netsim.Link{Loss: 2}))
	require.NoError(t, p.SetLink(netsim.Both, netsim.Link{Loss: 0.5, Delay: time.Millisecond}))
	assert.Equal(t, 0.5, p.Link(netsim.Down).Loss)
	assert.Equal(t, p.Target(), target)
	assert.Equal(t, "up", netsim.Up.String())
	assert.True(t, p.Addr().Addr().IsLoopback())
}

func TestCloseNoGoroutineLeak(t *testing.T) {
	runtime.GC()
	before := runtime.NumGoroutine()

	srv, stopSrv := echoServer(t, nil)
	p, err := netsim.New(addrOf(srv), netsim.Config{
		Up:   netsim.Link{Delay: 50 * time.Millisecond, Reorder: 0.5},
		Down: netsim.Link{Delay: 50 * time.Millisecond, Bandwidth: 10_000},
	})
	require.NoError(t, err)
	var conns []*net.UDPConn
	for i := 0; i < 5; i++ {
		c := dial(t, p.Addr())
		conns = append(conns, c)
		for j := 0; j < 20; j++ {
			_, err := c.Write(seqPacket(uint64(j), 500))
			require.NoError(t, err)
		}
	}
	require.True(t, waitUntil(3*time.Second, func() bool { return p.Stats().Clients == 5 }))
	require.True(t, waitUntil(3*time.Second, func() bool { return p.Stats().Down.Received > 0 }))
	assert.Greater(t, runtime.NumGoroutine(), before)

	done := make(chan struct{})
	go func() { _ = p.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hangs")
	}
	require.NoError(t, p.Close(), "second Close")
	stopSrv()
	for _, c := range conns {
		_ = c.Close()
	}
	ok := waitUntil(2*time.Second, func() bool { return runtime.NumGoroutine() <= before })
	if !ok {
		buf := make([]byte, 1<<16)
		t.Fatalf("goroutine leak: %d before, %d after\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
	}
}

func TestMaxDatagramSize(t *testing.T) {
	sink := listen(t)
	col := collect(t, sink, true)
	p := newProxy(t, addrOf(sink), netsim.Config{MaxDatagramSize: 100})
	c := dial(t, p.Addr())
	_, err := c.Write(make([]byte, 101))
	require.NoError(t, err)
	_, err = c.Write(make([]byte, 100))
	require.NoError(t, err)
	require.True(t, waitUntil(3*time.Second, func() bool { return col.count() == 1 }))
	assert.Equal(t, 100, col.snapshot()[0].size)
	assert.Equal(t, uint64(1), p.Stats().Up.DroppedError)
}
