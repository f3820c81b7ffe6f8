package enet

import (
	"bytes"

	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// receiveN pumps until the server has received n packets and returns them
// in arrival order.
func receiveN(t *testing.T, p *pair, n int) [][]byte {
	t.Helper()
	var got [][]byte
	pumpUntil(t, 10*time.Second, func(h *Host, ev Event) bool {
		if h == p.srv && ev.Type == EventReceive {
			b, err := ev.Peer.Packet()
			require.NoError(t, err)
			got = append(got, b)
		}
		return len(got) == n
	}, p.srv, p.cli)
	return got
}

// Deferred packets, packets too large to defer and broadcasts reach the
// remote side in the order they were sent, on one reliable channel.
func TestDeferredSendsKeepOrderAcrossPaths(t *testing.T) {
	p := newPair(t, 1)
	large := bytes.Repeat([]byte("L"), deferMax+1)
	want := [][]byte{[]byte("a"), large, []byte("b"), []byte("broadcast"), []byte("c"), {}, []byte("d")}
	require.NoError(t, p.cp.Send(0, want[0], FlagReliable))
	require.NoError(t, p.cp.Send(0, want[1], FlagReliable)) // handed over at once, after "a"
	require.NoError(t, p.cp.Send(0, want[2], FlagReliable))
	require.NoError(t, p.cli.Broadcast(0, want[3], FlagReliable))
	require.NoError(t, p.cp.Send(0, want[4], FlagReliable))
	require.NoError(t, p.cp.Send(0, want[5], FlagReliable))
	require.NoError(t, p.cp.Send(0, want[6], FlagReliable))
	got := receiveN(t, p, len(want))
	for i := range want {
		assert.Equal(t, string(want[i]), string(got[i]), "packet %d", i)
	}
}

// Send copies the caller's bytes: changing them after Send returns, before
// the packet is handed to ENet, changes nothing on the wire.
func TestDeferredSendCopiesData(t *testing.T) {
	p := newPair(t, 1)
	buf := []byte("first")
	require.NoError(t, p.cp.Send(0, buf, FlagReliable))
	copy(buf, "XXXXX")
	require.NoError(t, p.cp.Send(0, buf, FlagReliable))
	got := receiveN(t, p, 2)
	assert.Equal(t, "first", string(got[0]))
	assert.Equal(t, "XXXXX", string(got[1]))
}

// A loop that sends without servicing hands its packets over once their
// bytes fill the arena, so Go holds a bounded amount; all of them arrive.
func TestDeferredSendsBoundedWithoutService(t *testing.T) {
	p := newPair(t, 1)
	const n, size = 300, 1000
	for i := range n {
		b := bytes.Repeat([]byte{byte(i)}, size)
		require.NoError(t, p.cp.Send(0, b, FlagReliable))
		p.cli.mu.Lock()
		held := len(p.cli.arena)
		p.cli.mu.Unlock()
		require.Less(t, held, arenaFlush, "bytes held in Go after %d sends", i+1)
	}
	got := receiveN(t, p, n)
	for i, b := range got {
		assert.Equal(t, bytes.Repeat([]byte{byte(i)}, size), b, "packet %d", i)
	}
}

// Packets still pending when the host is destroyed are dropped, as ENet
// drops what it has queued, and leave no allocation behind; Send on the
// destroyed host's peer then fails cleanly.
func TestDeferredSendsDroppedByDestroy(t *testing.T) {
	base := liveAllocations()
	p := newPairNoCleanup(t)
	for range 50 {
		require.NoError(t, p.cp.Send(0, []byte("pending"), FlagReliable))
	}
	p.cli.mu.Lock()
	assert.Len(t, p.cli.pend, 50, "sends wait in Go for the next C call")
	p.cli.mu.Unlock()
	require.NoError(t, p.cli.Destroy())
	require.NoError(t, p.srv.Destroy())
	assert.ErrorIs(t, p.cp.Send(0, []byte("late"), FlagReliable), ErrUnconfigured)
	assert.Equal(t, base, liveAllocations(), "every ENet allocation is freed")
}

// A peer call hands the packets sent before it to ENet first (so a
// DisconnectLater, Reset or DisconnectNow treats them as ENet treats its own
// queue): after a Ping nothing is pending in Go, and every packet arrives.
func TestDeferredSendsBeforeControlCalls(t *testing.T) {
	p := newPair(t, 1)
	for range 5 {
		require.NoError(t, p.cp.Send(0, []byte("x"), FlagReliable))
	}
	require.NoError(t, p.cp.Ping()) // hands them over first
	p.cli.mu.Lock()
	assert.Empty(t, p.cli.pend, "Ping handed the pending packets to ENet")
	p.cli.mu.Unlock()
	got := receiveN(t, p, 5)
	assert.Len(t, got, 5)
	assert.Zero(t, p.cli.Statistic(HostSendFailures))
	assert.Equal(t, "HOST_SEND_FAILURES", HostSendFailures.String())
}

// A peer retired while a batch of its received packets is still pending
// (DisconnectNow from the event handler), whose slot a new outgoing
// connection then takes, loses its remaining events: none of them is
// reported as the new peer's.
func TestRetiredPeerEventsNotGivenToSlotsNewPeer(t *testing.T) {
	srv := newServer(t, HostConfig{MaxPeers: 1})
	other := newServer(t, HostConfig{})
	cli := newClient(t, HostConfig{MaxPeers: 1})
	sp, cp := connect(t, srv, cli, 1, 0)
	benchFeed(t, cli, cp, 20)
	time.Sleep(20 * time.Millisecond) // every datagram is in the server's socket
	buf := make([]byte, 64)
	var first Event
	deadline := time.Now().Add(3 * time.Second)
	for first.Type != EventReceive {
		require.True(t, time.Now().Before(deadline), "no packet reached the server")
		var err error
		first, err = srv.ServiceInto(time.Millisecond, buf)
		require.NoError(t, err)
	}
	require.Same(t, sp, first.Peer)
	srv.mu.Lock()
	pending := len(srv.batch) - srv.batchI
	srv.mu.Unlock()
	require.Positive(t, pending, "more of the client's packets wait in the batch")
	require.NoError(t, sp.DisconnectNow(0))
	np, err := srv.ConnectToHost("127.0.0.1", other.LocalPort(), 1, 0)
	require.NoError(t, err)
	require.Equal(t, sp.slot, np.slot, "the new connection took the freed slot")
	for {
		ev, err := srv.ServiceInto(0, buf)
		require.NoError(t, err)
		if ev.Type == EventNone {
			break
		}
		assert.NotEqual(t, EventReceive, ev.Type, "a packet of the retired peer, given to %v", ev.Peer)
	}
}

// The small-block cache of each thread stays within its bound under load,
// and hosts used from a thread that then exits leave nothing behind (the
// thread's cache is freed; ENet's allocations are all returned).
func TestAllocatorCacheBounded(t *testing.T) {
	if !poolEnabled() {
		t.Skip("the cache is not compiled in (AddressSanitizer)")
	}
	base := liveAllocations()
	done := make(chan int, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
		p := newPairNoCleanup(t)
		for i := range 2000 {
			require.NoError(t, p.cp.Send(0, make([]byte, 16+i%1000), FlagReliable))
			if i%100 == 99 {
				pumpFor(t, 2*time.Millisecond, nil, p.srv, p.cli)
			}
		}
		pumpFor(t, 20*time.Millisecond, nil, p.srv, p.cli)
		require.NoError(t, p.cli.Destroy())
		require.NoError(t, p.srv.Destroy())
		done <- poolCached()
	}()
	cached := <-done
	assert.LessOrEqual(t, cached, 256*1024, "bytes the thread's cache holds")
	assert.Positive(t, cached, "the thread's cache was used")
	assert.Equal(t, base, liveAllocations(), "every ENet allocation is freed")
}

// newPairNoCleanup is newPair for tests that destroy the hosts themselves
// (to check what destruction frees, or before their goroutine ends).
func newPairNoCleanup(t *testing.T) *pair {
	srv, err := CreateHostBound("127.0.0.1", 0, HostConfig{})
	require.NoError(t, err)
	cli, err := CreateHost(HostConfig{MaxPeers: 1})
	require.NoError(t, err)
	sp, cp := connect(t, srv, cli, 1, 0)
	return &pair{t: t, srv: srv, cli: cli, sp: sp, cp: cp}
}
