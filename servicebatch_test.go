package enet

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// batchPayload is packet i of a test stream: its index, then filler up to
// size bytes.
func batchPayload(i, size int) []byte {
	b := []byte(fmt.Sprintf("%06d", i))
	for len(b) < size {
		b = append(b, byte('a'+i%26))
	}
	return b[:max(size, 6)]
}

// collectBatches calls ServiceBatch on h (servicing others too) until want
// packets arrived, checking each call's fill, and returns copies of the
// packets in arrival order with the size of every batch.
func collectBatches(t *testing.T, h *Host, evs []Event, buf []byte, want int, others ...*Host) (got [][]byte, sizes []int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(got) < want {
		require.True(t, time.Now().Before(deadline), "%d of %d packets after 5 s", len(got), want)
		for _, o := range others {
			_, err := o.Service(0)
			require.NoError(t, err)
		}
		n, err := h.ServiceBatch(time.Millisecond, evs, buf)
		require.NoError(t, err)
		require.LessOrEqual(t, n, len(evs))
		if n == 0 {
			continue
		}
		sizes = append(sizes, n)
		total := 0
		for i := range evs[:n] {
			ev := evs[i]
			require.Equal(t, EventReceive, ev.Type)
			require.NotNil(t, ev.Peer)
			assert.Equal(t, len(ev.Packet), cap(ev.Packet), "packet %d of the batch is capped at its length", i)
			total += len(ev.Packet)
			got = append(got, bytes.Clone(ev.Packet))
		}
		// Only a first packet larger than buf may live outside it.
		if n > 1 || len(evs[0].Packet) <= cap(buf) {
			assert.LessOrEqual(t, total, cap(buf), "a batch's packets fit in buf")
		}
	}
	return got, sizes
}

func TestServiceBatchDeliversInOrder(t *testing.T) {
	p := newPair(t, 1)
	const n = 200
	for i := range n {
		require.NoError(t, p.cp.Send(0, batchPayload(i, 20+i%50), FlagReliable))
	}
	require.NoError(t, p.cli.Flush())
	evs := make([]Event, 16)
	got, sizes := collectBatches(t, p.srv, evs, make([]byte, 4096), n, p.cli)
	require.Len(t, got, n)
	for i := range n {
		assert.Equal(t, batchPayload(i, 20+i%50), got[i], "packet %d", i)
	}
	assert.Greater(t, slices.Max(sizes), 1, "some call returned more than one event")
	assert.Equal(t, uint64(n), p.sp.traffic.PacketsReceived, "each packet counted once")
}

// A packet that no longer fits in buf waits for the next call; one larger
// than the whole buf is allocated when it comes first. No packet is lost,
// duplicated or overwritten by the next.
func TestServiceBatchBufLimit(t *testing.T) {
	p := newPair(t, 1)
	sizes := []int{40, 40, 40, 200, 40, 30, 100, 100, 6, 0, 99}
	for i, s := range sizes {
		data := batchPayload(i, s)
		if s == 0 {
			data = nil
		}
		require.NoError(t, p.cp.Send(0, data, FlagReliable))
	}
	require.NoError(t, p.cli.Flush())
	time.Sleep(20 * time.Millisecond) // one datagram: one batch
	buf := make([]byte, 100)
	got, batches := collectBatches(t, p.srv, make([]Event, 8), buf, len(sizes), p.cli)
	require.Len(t, got, len(sizes))
	for i, s := range sizes {
		want := batchPayload(i, s)
		if s == 0 {
			want = []byte{}
		}
		assert.Equal(t, want, got[i], "packet %d", i)
	}
	// In a buf of 100: 40+40 (the third 40 does not fit), 40 (200 does
	// not), 200 alone (allocated), 40+30, 100, 100, 6+0 (99 does not
	// fit), 99.
	assert.Equal(t, []int{2, 1, 1, 2, 1, 1, 2, 1}, batches)
}

// ServiceBatch, ServiceInto and Service share one batch: every event goes
// to exactly one caller, in order.
func TestServiceBatchMixedCallers(t *testing.T) {
	p := newPair(t, 1)
	const n = 120
	for i := range n {
		require.NoError(t, p.cp.Send(0, batchPayload(i, 16), FlagReliable))
	}
	require.NoError(t, p.cli.Flush())
	var got [][]byte
	evs := make([]Event, 3)
	buf := make([]byte, 1024)
	deadline := time.Now().Add(5 * time.Second)
	for call := 0; len(got) < n; call++ {
		require.True(t, time.Now().Before(deadline), "%d of %d packets", len(got), n)
		_, err := p.cli.Service(0)
		require.NoError(t, err)
		switch call % 3 {
		case 0:
			k, err := p.srv.ServiceBatch(time.Millisecond, evs, buf)
			require.NoError(t, err)
			for _, ev := range evs[:k] {
				got = append(got, bytes.Clone(ev.Packet))
			}
		case 1:
			ev, err := p.srv.ServiceInto(time.Millisecond, buf)
			require.NoError(t, err)
			if ev.Type == EventReceive {
				got = append(got, bytes.Clone(ev.Packet))
			}
		case 2:
			ev, err := p.srv.Service(time.Millisecond)
			require.NoError(t, err)
			if ev.Type == EventReceive {
				b, err := ev.Peer.Packet()
				require.NoError(t, err)
				got = append(got, b)
			}
		}
	}
	require.Len(t, got, n)
	for i := range n {
		assert.Equal(t, batchPayload(i, 16), got[i], "packet %d", i)
	}
}

// Connects and disconnects come through ServiceBatch with their peers,
// without data.
func TestServiceBatchControlEvents(t *testing.T) {
	srv := newServer(t, HostConfig{MaxPeers: 8})
	clients := make([]*Host, 3)
	outgoing := make([]*Peer, 3)
	for i := range clients {
		clients[i] = newClient(t, HostConfig{MaxPeers: 1})
		var err error
		outgoing[i], err = clients[i].ConnectToHost("127.0.0.1", srv.LocalPort(), 1, uint32(100+i))
		require.NoError(t, err)
	}
	evs := make([]Event, 8)
	buf := make([]byte, 256)
	peers := map[uint32]*Peer{}
	deadline := time.Now().Add(5 * time.Second)
	for len(peers) < len(clients) {
		require.True(t, time.Now().Before(deadline), "%d of %d connects", len(peers), len(clients))
		for _, c := range clients {
			_, err := c.Service(0)
			require.NoError(t, err)
		}
		n, err := srv.ServiceBatch(time.Millisecond, evs, buf)
		require.NoError(t, err)
		for _, ev := range evs[:n] {
			require.Equal(t, EventConnect, ev.Type)
			require.NotNil(t, ev.Peer)
			assert.Nil(t, ev.Packet)
			peers[ev.Data] = ev.Peer
		}
	}
	for i := range clients {
		p, ok := peers[uint32(100+i)]
		require.True(t, ok, "client %d connected", i)
		assert.True(t, p.IsActive())
	}
	// The second client disconnects with data 7.
	require.NoError(t, outgoing[1].Disconnect(7))
	var gone Event
	for gone.Type != EventDisconnect {
		require.True(t, time.Now().Before(deadline.Add(5*time.Second)), "no disconnect")
		_, err := clients[1].Service(0)
		require.NoError(t, err)
		n, err := srv.ServiceBatch(time.Millisecond, evs, buf)
		require.NoError(t, err)
		for _, ev := range evs[:n] {
			if ev.Type == EventDisconnect {
				gone = ev
			}
		}
	}
	assert.Same(t, peers[101], gone.Peer)
	assert.Equal(t, uint32(7), gone.Data)
	assert.False(t, gone.Peer.IsActive())
}

func TestServiceBatchBadInputAndDestroyed(t *testing.T) {
	h := newServer(t, HostConfig{})
	n, err := h.ServiceBatch(0, nil, nil)
	assert.True(t, errors.Is(err, ErrInvalidParameter), "empty events: %v", err)
	assert.Zero(t, n)
	n, err = h.ServiceBatch(5*time.Millisecond, make([]Event, 4), nil)
	assert.NoError(t, err, "timeout with nothing to report")
	assert.Zero(t, n)
	h.Destroy()
	n, err = h.ServiceBatch(time.Millisecond, make([]Event, 4), nil)
	assert.True(t, errors.Is(err, ErrUnconfigured), "after Destroy: %v", err)
	assert.Zero(t, n)
}

// With a buf large enough, ServiceBatch allocates nothing per packet.
func TestServiceBatchAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts need a quiet process")
	}
	p := newPair(t, 1)
	evs := make([]Event, 64)
	buf := make([]byte, 64<<10)
	perPacket := allocsPerPacket(t, p, func() int {
		n, err := p.srv.ServiceBatch(10*time.Millisecond, evs, buf)
		if err != nil {
			t.Fatal(err) // not require: its arguments would allocate
		}
		if n == 0 {
			return -1
		}
		return n
	})
	assert.Less(t, perPacket, 0.05, "ServiceBatch allocations per packet")
	t.Logf("ServiceBatch allocations per packet: %.4f", perPacket)
}
