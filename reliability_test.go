package enet

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enetgo/enet/internal/enettest"
	"github.com/enetgo/enet/netsim"
)

// Helpers shared by reliability_test.go, hostile_test.go, load_test.go,
// lifetime_test.go, fuzz_host_test.go and soak_test.go. They use package
// enet's types, so they cannot live in internal/enettest (import cycle).

// testHost creates a host bound to 127.0.0.1:0 (or an unbound one for
// bound=false) and destroys it when the test ends.
func testHost(t testing.TB, bound bool, maxPeers, channels int) *Host {
	t.Helper()
	cfg := HostConfig{MaxPeers: maxPeers, MaxChannels: channels}
	var h *Host
	var err error
	if bound {
		h, err = CreateHostBound("127.0.0.1", 0, cfg)
	} else {
		h, err = CreateHost(cfg)
	}
	require.NoError(t, err)
	t.Cleanup(func() { h.Close() })
	return h
}

// pumpHost services h in a goroutine with ServiceInto until the test ends
// (or the host is destroyed), calling handle for every event other than
// EventNone. ev.Packet is only valid during handle.
func pumpHost(t testing.TB, h *Host, handle func(Event)) *enettest.Pump {
	buf := make([]byte, 0, 64<<10)
	p := enettest.StartPump(func(d time.Duration) (Event, error) { return h.ServiceInto(d, buf) },
		func(ev Event) {
			if ev.Type != EventNone {
				handle(ev)
			}
		})
	t.Cleanup(p.Stop)
	return p
}

// hostAddr is the loopback address of a bound host.
func hostAddr(h *Host) netip.AddrPort {
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(h.LocalPort()))
}

// seqPayload builds a test payload: kind, channel, sequence number, padding.
func seqPayload(kind byte, ch int, seq uint32, pad int) []byte {
	b := make([]byte, 6+pad)
	b[0], b[1] = kind, byte(ch)
	binary.BigEndian.PutUint32(b[2:], seq)
	return b
}

// parseSeq reads back seqPayload's fields.
func parseSeq(b []byte) (kind byte, ch int, seq uint32, ok bool) {
	if len(b) < 6 {
		return 0, 0, 0, false
	}
	return b[0], int(b[1]), binary.BigEndian.Uint32(b[2:]), true
}

// seqChecker checks that per-channel sequence numbers of one kind arrive
// exactly once and in order (strict) or at least never duplicated or
// backwards (sequenced, where gaps are loss).
type seqChecker struct {
	mu       sync.Mutex
	next     map[[2]int]uint32 // (kind, channel) -> next expected, or last+1
	count    map[byte]int
	failures []string
}

func newSeqChecker() *seqChecker {
	return &seqChecker{next: map[[2]int]uint32{}, count: map[byte]int{}}
}

func (c *seqChecker) see(b []byte, strict bool) {
	kind, ch, seq, ok := parseSeq(b)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !ok {
		c.failures = append(c.failures, fmt.Sprintf("short payload %x", b))
		return
	}
	key := [2]int{int(kind), ch}
	want := c.next[key]
	switch {
	case strict && seq != want:
		c.failures = append(c.failures, fmt.Sprintf("%c ch %d: got seq %d, want %d", kind, ch, seq, want))
	case !strict && seq < want:
		c.failures = append(c.failures, fmt.Sprintf("%c ch %d: seq %d after %d (duplicate or out of order)", kind, ch, seq, want-1))
	}
	if seq+1 > want {
		c.next[key] = seq + 1
	}
	c.count[kind]++
}

func (c *seqChecker) counts(kind byte) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count[kind]
}

func (c *seqChecker) problems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.failures...)
}

// lossyLink is the impaired link of the reliability tests: 20 % loss,
// 5 % duplication, reordering and 20±10 ms delay, in both directions.
var lossyLink = netsim.Link{Loss: 0.20, Duplicate: 0.05, Reorder: 0.10, Delay: 20 * time.Millisecond, Jitter: 10 * time.Millisecond}

// TestReliabilityLossyLink sends through a netsim proxy with lossyLink:
// 10 000 reliable packets over 4 channels, a 1 MiB reliable packet,
// unreliable sequenced packets, and reliable packets followed by
// DisconnectLater. It usually takes 12 to 30 s; its deadlines are generous
// because ENet's exponential retransmission backoff makes the time vary.
func TestReliabilityLossyLink(t *testing.T) {
	const (
		channels   = 4 // for the sequence-numbered packets
		bigChannel = channels
		reliableN  = 10000
		unreliable = 2000
		laterN     = 1000
	)
	start := time.Now()
	server := testHost(t, true, 4, channels+1)
	proxy, err := netsim.New(hostAddr(server), netsim.Config{Up: lossyLink, Down: lossyLink, Seed: 7})
	require.NoError(t, err)
	t.Cleanup(func() { proxy.Close() })

	check := newSeqChecker()
	var (
		mu           sync.Mutex
		bigSum       [32]byte
		bigLen       int
		serverDisc   = make(chan int, 1) // 'L' packets seen when the DISCONNECT came
		serverConnOK = make(chan *Peer, 1)
	)
	pumpHost(t, server, func(ev Event) {
		switch ev.Type {
		case EventConnect:
			assert.NoError(t, ev.Peer.SetTimeout(32, 10*time.Second, 30*time.Second))
			serverConnOK <- ev.Peer
		case EventReceive:
			if ev.Packet[0] == 'B' {
				mu.Lock()
				bigSum, bigLen = sha256.Sum256(ev.Packet), len(ev.Packet)
				mu.Unlock()
				return
			}
			check.see(ev.Packet, ev.Flags&FlagReliable != 0)
		case EventDisconnect:
			serverDisc <- check.counts('L')
		}
	})

	client := testHost(t, false, 1, channels+1)
	clientConn := make(chan struct{}, 1)
	clientDisc := make(chan Event, 1)
	pumpHost(t, client, func(ev Event) {
		switch ev.Type {
		case EventConnect:
			clientConn <- struct{}{}
		case EventDisconnect:
			clientDisc <- ev
		}
	})
	peer, err := client.ConnectToHost("127.0.0.1", int(proxy.Addr().Port()), channels+1, 0)
	require.NoError(t, err)
	require.NoError(t, peer.SetTimeout(32, 10*time.Second, 30*time.Second))
	select {
	case <-clientConn:
	case <-time.After(10 * time.Second):
		t.Fatal("no connection through the lossy proxy within 10 s")
	}
	select {
	case <-serverConnOK:
	case <-time.After(5 * time.Second):
		t.Fatal("server saw no connection")
	}

	// Phases 1 and 2 together: 10 000 reliable packets, round-robin over 4
	// channels, and a 1 MiB reliable packet on a fifth channel.
	phase := time.Now()
	for i := range reliableN {
		require.NoError(t, peer.Send(i%channels, seqPayload('R', i%channels, uint32(i/channels), 8), FlagReliable))
	}
	big := make([]byte, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range big {
		big[i] = byte(rng.Uint32())
	}
	big[0] = 'B'
	want := sha256.Sum256(big)
	require.NoError(t, peer.Send(bigChannel, big, FlagReliable))
	// ENet doubles a command's retransmission timeout at every loss, and
	// in-order delivery waits for the unluckiest command: with 36 % of
	// round trips failing (data or ack lost) this takes 5 to 25 s.
	var reliableTook time.Duration
	ok := enettest.WaitFor(60*time.Second, func() bool {
		if reliableTook == 0 && check.counts('R') >= reliableN {
			reliableTook = time.Since(phase)
		}
		mu.Lock()
		defer mu.Unlock()
		return check.counts('R') >= reliableN && bigLen != 0
	})
	require.True(t, ok, "%d of %d reliable packets arrived, 1 MiB packet arrived: %v; problems: %v",
		check.counts('R'), reliableN, bigLen != 0, check.problems())
	mu.Lock()
	assert.Equal(t, len(big), bigLen)
	assert.True(t, bytes.Equal(want[:], bigSum[:]), "1 MiB packet corrupted")
	mu.Unlock()
	st := peer.Statistics()
	t.Logf("%d reliable packets over %d channels: %v; with the 1 MiB packet: %v; client peer: packet loss %.1f %%, RTT %d ms (±%d), throttle %d/%d",
		reliableN, channels, reliableTook.Round(time.Millisecond), time.Since(phase).Round(time.Millisecond),
		100*float64(st[PeerPacketLoss])/PacketLossScale, st[PeerRoundTripTime], st[PeerRoundTripTimeVariance],
		st[PeerPacketThrottle], PacketThrottleScale)

	// Phase 3: unreliable sequenced packets, paced so ENet's throttle
	// drops few.
	phase = time.Now()
	for i := range unreliable {
		require.NoError(t, peer.Send(i%channels, seqPayload('U', i%channels, uint32(i/channels), 8), 0))
		if i%20 == 19 {
			time.Sleep(time.Millisecond)
		}
	}
	time.Sleep(300 * time.Millisecond) // 20±10 ms delay plus reorder hold
	gotU := check.counts('U')
	assert.Positive(t, gotU, "no unreliable packet arrived")
	t.Logf("unreliable sequenced: %d of %d arrived in order (%.1f %%), %v", gotU, unreliable, 100*float64(gotU)/unreliable, time.Since(phase).Round(time.Millisecond))

	// Phase 4: reliable packets queued right before DisconnectLater.
	phase = time.Now()
	for i := range laterN {
		require.NoError(t, peer.Send(i%channels, seqPayload('L', i%channels, uint32(i/channels), 8), FlagReliable))
	}
	require.NoError(t, peer.DisconnectLater(42))
	select {
	case n := <-serverDisc:
		assert.Equal(t, laterN, n, "packets queued before DisconnectLater lost")
		t.Logf("DisconnectLater after %d reliable packets: server DISCONNECT after %v with all of them", laterN, time.Since(phase).Round(time.Millisecond))
	case <-time.After(40 * time.Second):
		t.Fatalf("server saw no disconnect; %d of %d packets", check.counts('L'), laterN)
	}
	// The client's DISCONNECT comes with the server's acknowledgement of
	// its disconnect command. If the link loses that acknowledgement, the
	// server has already forgotten the peer and ignores the resends, so
	// the client only gets its DISCONNECT by timing out (ENet behaviour):
	// shorten its timeout now that everything was delivered.
	_ = peer.SetTimeout(32, time.Second, 3*time.Second) // fails if already disconnected
	select {
	case ev := <-clientDisc:
		assert.NoError(t, ev.Err)
	case <-time.After(8 * time.Second):
		t.Fatal("client saw no disconnect")
	}
	t.Logf("client DISCONNECT after %v", time.Since(phase).Round(time.Millisecond))

	assert.Empty(t, check.problems())
	ps := proxy.Stats()
	t.Logf("proxy up: received %d, lost %d, duplicated %d, reordered %d; down: received %d, lost %d, duplicated %d, reordered %d",
		ps.Up.Received, ps.Up.DroppedLoss, ps.Up.Duplicated, ps.Up.Reordered, ps.Down.Received, ps.Down.DroppedLoss, ps.Down.Duplicated, ps.Down.Reordered)
	t.Logf("client sent %d datagrams / %d bytes; server received %d datagrams; total %v",
		client.Statistic(HostTotalSentPackets), client.Statistic(HostTotalSentData), server.Statistic(HostTotalReceivedPackets), time.Since(start).Round(time.Millisecond))
	assert.Zero(t, server.Statistic(HostServiceErrors))
}

// TestBlackholeTimeout cuts a connection with netsim's blackhole and checks
// that both sides get a DISCONNECT within the SetTimeout bounds: not before
// the minimum (less one loopback round trip), and not much after the maximum (plus one ping interval, the
// latest an unacknowledged reliable command is sent after the cut, and
// service granularity).
func TestBlackholeTimeout(t *testing.T) {
	const (
		limit      = 32
		minTimeout = 1 * time.Second
		maxTimeout = 3 * time.Second
		slack      = 500*time.Millisecond + 500*time.Millisecond // ping interval + scheduling
	)
	server := testHost(t, true, 2, 1)
	proxy, err := netsim.New(hostAddr(server), netsim.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { proxy.Close() })

	type stamped struct {
		ev Event
		at time.Time
	}
	serverEv := make(chan stamped, 4)
	clientEv := make(chan stamped, 4)
	pumpHost(t, server, func(ev Event) {
		if ev.Type == EventConnect {
			assert.NoError(t, ev.Peer.SetTimeout(limit, minTimeout, maxTimeout))
		}
		serverEv <- stamped{ev, time.Now()}
	})
	client := testHost(t, false, 1, 1)
	pumpHost(t, client, func(ev Event) { clientEv <- stamped{ev, time.Now()} })
	peer, err := client.ConnectToHost("127.0.0.1", int(proxy.Addr().Port()), 1, 0)
	require.NoError(t, err)
	require.NoError(t, peer.SetTimeout(limit, minTimeout, maxTimeout))
	for _, ch := range []chan stamped{clientEv, serverEv} {
		select {
		case s := <-ch:
			require.Equal(t, EventConnect, s.ev.Type)
		case <-time.After(5 * time.Second):
			t.Fatal("no connection")
		}
	}
	time.Sleep(200 * time.Millisecond) // a few pings for a round-trip estimate

	proxy.SetBlackhole(true)
	cut := time.Now()
	require.NoError(t, peer.Send(0, []byte("into the void"), FlagReliable))
	for name, ch := range map[string]chan stamped{"client": clientEv, "server": serverEv} {
		select {
		case s := <-ch:
			require.Equal(t, EventDisconnect, s.ev.Type, name)
			took := s.at.Sub(cut)
			t.Logf("%s: DISCONNECT %v after the blackhole (bounds %v..%v+%v)", name, took.Round(time.Millisecond), minTimeout, maxTimeout, slack)
			// The oldest unacknowledged command may predate the cut by up
			// to one round trip (its acknowledgement was blackholed).
			assert.GreaterOrEqual(t, took, minTimeout-100*time.Millisecond, "%s timed out before the minimum", name)
			assert.LessOrEqual(t, took, maxTimeout+slack, "%s timed out after the maximum", name)
			assert.False(t, s.ev.Peer.IsActive())
		case <-time.After(maxTimeout + 3*time.Second):
			t.Fatalf("%s: no DISCONNECT within %v", name, maxTimeout+3*time.Second)
		}
	}
	st := proxy.Stats()
	t.Logf("blackholed datagrams: up %d, down %d", st.Up.DroppedBlackhole, st.Down.DroppedBlackhole)
}
