package enet_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enetgo/enet"
)

// shardClients connects n clients, each from its own host (so its own
// source port), to port, and returns them with their peers once all are
// connected.
func shardClients(t *testing.T, port, n int) ([]*enet.Host, []*enet.Peer) {
	t.Helper()
	hosts := make([]*enet.Host, n)
	peers := make([]*enet.Peer, n)
	for i := range hosts {
		h, err := enet.CreateHost(enet.HostConfig{MaxPeers: 1, MaxChannels: 1})
		require.NoError(t, err)
		t.Cleanup(func() { h.Close() })
		hosts[i] = h
		peers[i], err = h.ConnectToHost("127.0.0.1", port, 1, uint32(i))
		require.NoError(t, err)
	}
	up := 0
	shardPump(t, hosts, 5*time.Second, func(ev enet.Event) bool {
		if ev.Type == enet.EventConnect {
			up++
		}
		return up == n
	})
	return hosts, peers
}

// shardPump services hosts round-robin until done returns true; it fails
// the test after timeout unless done is nil, which just pumps for timeout.
func shardPump(t *testing.T, hosts []*enet.Host, timeout time.Duration, done func(enet.Event) bool) {
	t.Helper()
	buf := make([]byte, 256)
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		idle := true
		for _, h := range hosts {
			ev, err := h.ServiceInto(0, buf)
			require.NoError(t, err)
			if ev.Type == enet.EventNone {
				continue
			}
			idle = false
			if done != nil && done(ev) {
				return
			}
		}
		if idle {
			time.Sleep(time.Millisecond)
		}
	}
	if done != nil {
		t.Fatalf("clients did not finish within %v", timeout)
	}
}

// runSharded runs s until the end of the test, then checks Run ended
// without error.
func runSharded(t *testing.T, s *enet.ShardedHost) {
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-ran)
	})
}

// TestShardedHostKeepsEachClientOnOneShard connects 24 clients to a
// 2-shard host; each sends 20 packets carrying its number. Every packet of
// a client must reach the shard that accepted its connection, from the
// Peer that shard created for it, and both shards must get clients.
func TestShardedHostKeepsEachClientOnOneShard(t *testing.T) {
	const clients, packets = 24, 20
	type key struct {
		shard int
		peer  *enet.Peer
	}
	var mu sync.Mutex
	connectShard := map[uint32]int{}     // client number -> shard of its EventConnect
	peerClient := map[key]uint32{}       // shard's peer -> client number
	received := map[uint32]map[int]int{} // client number -> shard -> packets
	total := 0
	// Many clients from one address: the per-address limits are off.
	s, err := enet.NewShardedHost("127.0.0.1", 0, 2, enet.HostConfig{MaxPeers: clients,
		PendingPerAddress: -1, PendingLimit: -1, AddressShare: -1},
		func(shard int, ev enet.Event) {
			mu.Lock()
			defer mu.Unlock()
			switch ev.Type {
			case enet.EventConnect:
				connectShard[ev.Data] = shard
				peerClient[key{shard, ev.Peer}] = ev.Data
			case enet.EventReceive:
				c := binary.LittleEndian.Uint32(ev.Packet)
				if received[c] == nil {
					received[c] = map[int]int{}
				}
				received[c][shard]++
				total++
				if owner, ok := peerClient[key{shard, ev.Peer}]; assert.True(t, ok, "packet from a peer the shard did not connect") {
					assert.Equal(t, owner, c, "shard %d peer %v carried another client's packet", shard, ev.Peer)
				}
			}
		})
	require.NoError(t, err)
	require.Equal(t, 2, s.Shards())
	require.NotZero(t, s.Port())
	runSharded(t, s)

	hosts, peers := shardClients(t, s.Port(), clients)
	for i, p := range peers {
		for range packets {
			var b [4]byte
			binary.LittleEndian.PutUint32(b[:], uint32(i))
			require.NoError(t, p.Send(0, b[:], enet.FlagReliable))
		}
	}
	for _, h := range hosts {
		require.NoError(t, h.Flush())
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := total
		mu.Unlock()
		if n == clients*packets || time.Now().After(deadline) {
			break
		}
		shardPump(t, hosts, 10*time.Millisecond, nil)
	}

	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, clients*packets, total, "packets received")
	perShard := map[int]int{}
	for c := uint32(0); c < clients; c++ {
		require.Len(t, received[c], 1, "client %d's packets reached more than one shard: %v", c, received[c])
		for shard, n := range received[c] {
			assert.Equal(t, connectShard[c], shard, "client %d connected on another shard", c)
			assert.Equal(t, packets, n)
			perShard[shard]++
		}
	}
	assert.Len(t, perShard, 2, "clients per shard: %v", perShard)
	assert.Equal(t, clients, s.PeerCount())
	assert.Equal(t, clients, s.ShardPeerCount(0)+s.ShardPeerCount(1))
	t.Logf("clients per shard: %v", perShard)
}

// TestShardedHostValidationAndClose checks arguments, a second Run, and
// that Close ends Run.
func TestShardedHostValidationAndClose(t *testing.T) {
	handler := func(int, enet.Event) {}
	_, err := enet.NewShardedHost("127.0.0.1", 0, 0, enet.HostConfig{}, handler)
	assert.ErrorIs(t, err, enet.ErrInvalidParameter)
	_, err = enet.NewShardedHost("127.0.0.1", 0, 2, enet.HostConfig{}, nil)
	assert.ErrorIs(t, err, enet.ErrInvalidParameter)
	_, err = enet.NewShardedHost("not an address", 0, 2, enet.HostConfig{}, handler)
	assert.ErrorIs(t, err, enet.ErrInvalidParameter)

	s, err := enet.NewShardedHost("127.0.0.1", 0, 3, enet.HostConfig{}, handler)
	require.NoError(t, err)
	for i := range s.Shards() {
		assert.Equal(t, s.Port(), s.Host(i).LocalPort(), "shard %d port", i)
	}
	ran := make(chan error, 1)
	go func() { ran <- s.Run(context.Background()) }()
	time.Sleep(20 * time.Millisecond)
	assert.ErrorIs(t, s.Run(context.Background()), enet.ErrAlreadyInUse)
	require.NoError(t, s.Close())
	select {
	case err := <-ran:
		assert.NoError(t, err)
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return after Close")
	}
	assert.NoError(t, s.Close(), "second Close")
}

// ExampleShardedHost runs an echo server on two shards of one port.
func ExampleShardedHost() {
	s, err := enet.NewShardedHost("127.0.0.1", 0, 2, enet.HostConfig{},
		func(shard int, ev enet.Event) {
			if ev.Type == enet.EventReceive {
				// ev.Packet is borrowed: Send copies it.
				ev.Peer.Send(ev.Channel, ev.Packet, ev.Flags)
			}
		})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	defer func() { cancel(); <-done }()

	client, err := enet.CreateHost(enet.HostConfig{MaxPeers: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Destroy()
	client.ConnectToHost("127.0.0.1", s.Port(), 1, 0)
	buf := make([]byte, 64)
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		ev, err := client.ServiceInto(10*time.Millisecond, buf)
		if err != nil {
			break
		}
		switch ev.Type {
		case enet.EventConnect:
			ev.Peer.Send(0, []byte("hello"), enet.FlagReliable)
		case enet.EventReceive:
			fmt.Printf("echo %q from one of %d shards\n", ev.Packet, s.Shards())
			return
		}
	}
	// Output: echo "hello" from one of 2 shards
}

// TestShardedHostPacketSizesAndDisconnect sends a shard packets below and
// above its 64 KiB receive buffer, interleaved: each must reach the handler
// whole and in order (a large one comes alone from its batch call,
// allocated). The client's disconnect then brings the peer count back to 0.
func TestShardedHostPacketSizesAndDisconnect(t *testing.T) {
	sizes := []int{10, 100_000, 20, 70_000, 65_536, 1, 0, 300}
	payload := func(i, n int) []byte {
		b := make([]byte, n)
		for k := range b {
			b[k] = byte(i*31 + k*7)
		}
		return b
	}
	var mu sync.Mutex
	var got [][]byte
	s, err := enet.NewShardedHost("127.0.0.1", 0, 1, enet.HostConfig{MaxPeers: 4},
		func(_ int, ev enet.Event) {
			if ev.Type == enet.EventReceive {
				mu.Lock()
				got = append(got, append([]byte{}, ev.Packet...)) // the packet is borrowed
				mu.Unlock()
			}
		})
	require.NoError(t, err)
	runSharded(t, s)
	hosts, peers := shardClients(t, s.Port(), 1)
	for i, n := range sizes {
		require.NoError(t, peers[0].Send(0, payload(i, n), enet.FlagReliable))
	}
	received := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for received() < len(sizes) && time.Now().Before(deadline) {
		shardPump(t, hosts, 10*time.Millisecond, nil)
	}
	mu.Lock()
	require.Len(t, got, len(sizes), "packets received")
	for i, n := range sizes {
		assert.Equal(t, payload(i, n), got[i], "packet %d (%d bytes)", i, n)
	}
	mu.Unlock()
	require.Equal(t, 1, s.PeerCount())

	require.NoError(t, peers[0].Disconnect(0))
	deadline = time.Now().Add(5 * time.Second)
	for s.PeerCount() != 0 && time.Now().Before(deadline) {
		shardPump(t, hosts, 10*time.Millisecond, nil)
	}
	assert.Equal(t, 0, s.PeerCount(), "peer count after the client disconnected")
}
