package enet

import (
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWaitManyHostsWakeAndDestroy puts more hosts into a long Service
// than the process has Ps, so every P is held by a Service asleep in C,
// and checks that the goroutines that need a P still run (sysmon hands
// them one), that a Send from another goroutine goes out at once (not
// when the wait's 5 s cap ends) and that Destroy ends each wait with
// ErrUnconfigured.
func TestWaitManyHostsWakeAndDestroy(t *testing.T) {
	n := runtime.GOMAXPROCS(0) + 1
	server := testHost(t, true, n, 1)
	got := make(chan *Peer, n)
	pumpHost(t, server, func(ev Event) {
		if ev.Type == EventReceive {
			got <- ev.Peer
		}
	})
	hosts := make([]*Host, n)
	peers := make([]*Peer, n)
	for i := range hosts {
		h, err := CreateHost(HostConfig{MaxPeers: 1, MaxChannels: 1})
		require.NoError(t, err)
		hosts[i] = h
		p, err := h.ConnectToHost("127.0.0.1", server.LocalPort(), 1, 0)
		require.NoError(t, err)
		ev := serviceUntil(t, h, EventConnect)
		require.Equal(t, p, ev.Peer)
		// Pings every 10 s: a waiting Service then sleeps 5 s at a time
		// unless something wakes it.
		require.NoError(t, p.PingInterval(10*time.Second))
		peers[i] = p
	}

	done := make([]chan error, n)
	for i, h := range hosts {
		done[i] = make(chan error, 1)
		go func() {
			for {
				ev, err := h.Service(30 * time.Second)
				if err != nil || ev.Type != EventNone && ev.Type != EventReceive {
					done[i] <- err
					return
				}
			}
		}()
	}
	require.Eventually(t, func() bool {
		for _, h := range hosts {
			if !h.waiting.Load() {
				return false
			}
		}
		return true
	}, 5*time.Second, time.Millisecond, "every Service asleep in C")

	start := time.Now()
	for _, p := range peers {
		require.NoError(t, p.Send(0, []byte("wake"), FlagReliable))
	}
	for range peers {
		select {
		case <-got:
		case <-time.After(2 * time.Second):
			t.Fatalf("a Send did not wake its host's Service: %d packets in %v", len(peers)-len(got), time.Since(start))
		}
	}
	t.Logf("%d hosts asleep in C, GOMAXPROCS %d: every Send delivered in %v", n, runtime.GOMAXPROCS(0), time.Since(start).Round(time.Microsecond))

	for i, h := range hosts {
		require.NoError(t, h.Destroy())
		select {
		case err := <-done[i]:
			assert.ErrorIs(t, err, ErrUnconfigured, "host %d", i)
		case <-time.After(2 * time.Second):
			t.Fatalf("host %d: Destroy did not end its Service", i)
		}
	}
}

// TestWaitInCWakeAndDestroy checks that ConnectToHost from another
// goroutine wakes it to send the CONNECT at once, and that Destroy ends
// the sleep with ErrUnconfigured. The far end is a plain UDP socket.
func TestWaitInCWakeAndDestroy(t *testing.T) {
	udp, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer udp.Close()

	// BusyPoll covers the polling loop in C before the sleep as well.
	h, err := CreateHost(HostConfig{MaxPeers: 1, MaxChannels: 1, BusyPoll: 100 * time.Microsecond})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		for {
			if _, err := h.Service(30 * time.Second); err != nil {
				done <- err
				return
			}
		}
	}()
	require.Eventually(t, func() bool { return h.waiting.Load() }, 5*time.Second, time.Millisecond,
		"Service asleep in C")

	start := time.Now()
	_, err = h.ConnectToHost("127.0.0.1", udp.LocalAddr().(*net.UDPAddr).Port, 1, 0)
	require.NoError(t, err)
	require.NoError(t, udp.SetReadDeadline(time.Now().Add(2*time.Second)))
	buf := make([]byte, 2048)
	n, _, err := udp.ReadFromUDP(buf)
	require.NoError(t, err, "ConnectToHost did not wake the Service asleep in C")
	t.Logf("CONNECT datagram (%d bytes) %v after ConnectToHost", n, time.Since(start).Round(time.Microsecond))

	require.Eventually(t, func() bool { return h.waiting.Load() }, 5*time.Second, time.Millisecond)
	require.NoError(t, h.Destroy())
	select {
	case err := <-done:
		assert.ErrorIs(t, err, ErrUnconfigured)
	case <-time.After(2 * time.Second):
		t.Fatal("Destroy did not end the Service asleep in C")
	}
}

// TestWaitInCTimeouts checks that a Service asleep in C on an idle host
// returns after its timeout, neither early nor much late, for a timeout
// under a millisecond, one with a fraction of a millisecond (the whole
// milliseconds go to poll, the rest to ppoll) and a longer one.
func TestWaitInCTimeouts(t *testing.T) {
	h, err := CreateHost(HostConfig{MaxPeers: 1, MaxChannels: 1})
	require.NoError(t, err)
	defer h.Destroy()
	for _, d := range []time.Duration{300 * time.Microsecond, 2500 * time.Microsecond, 30 * time.Millisecond} {
		for range 3 {
			start := time.Now()
			ev, err := h.Service(d)
			took := time.Since(start)
			require.NoError(t, err)
			assert.Equal(t, EventNone, ev.Type)
			assert.GreaterOrEqual(t, took, d, "Service(%v) returned early", d)
			assert.Less(t, took, d+250*time.Millisecond, "Service(%v) overslept", d)
		}
	}
}

// serviceUntil services h until an event of type want (pumpUntil's),
// failing after 5 s.
func serviceUntil(t *testing.T, h *Host, want EventType) Event {
	t.Helper()
	var got Event
	pumpUntil(t, 5*time.Second, func(_ *Host, ev Event) bool {
		got = ev
		return ev.Type == want
	}, h)
	return got
}

// TestBusyPoll checks HostConfig.BusyPoll's bounds and that hosts with it
// exchange packets both ways.
func TestBusyPoll(t *testing.T) {
	for _, d := range []time.Duration{-time.Nanosecond, maxBusyPoll + time.Nanosecond} {
		_, err := CreateHost(HostConfig{BusyPoll: d})
		assert.ErrorIs(t, err, ErrInvalidParameter, "BusyPoll %v", d)
	}
	cfg := HostConfig{MaxPeers: 1, MaxChannels: 1, BusyPoll: 200 * time.Microsecond}
	server, err := CreateHostBound("127.0.0.1", 0, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { server.Destroy() })
	client, err := CreateHost(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { client.Destroy() })
	_, err = client.ConnectToHost("127.0.0.1", server.LocalPort(), 1, 0)
	require.NoError(t, err)

	echoed := make(chan error, 1)
	go func() {
		buf := make([]byte, 64)
		for n := 0; n < 200; {
			ev, err := server.ServiceInto(2*time.Second, buf)
			if err != nil {
				echoed <- err
				return
			}
			if ev.Type == EventReceive {
				if err := ev.Peer.Send(0, ev.Packet, FlagReliable); err != nil {
					echoed <- err
					return
				}
				n++
			}
		}
		echoed <- server.Flush() // the last echo is only queued
	}()
	cp := serviceUntil(t, client, EventConnect).Peer
	start := time.Now()
	buf := make([]byte, 64)
	for i := range 200 {
		msg := []byte{byte(i), byte(i >> 8)}
		require.NoError(t, cp.Send(0, msg, FlagReliable))
		for {
			ev, err := client.ServiceInto(2*time.Second, buf)
			require.NoError(t, err)
			require.NotEqual(t, EventNone, ev.Type, "round trip %d timed out", i)
			if ev.Type == EventReceive {
				require.Equal(t, msg, ev.Packet)
				break
			}
		}
	}
	t.Logf("200 round trips with BusyPoll %v in %v", cfg.BusyPoll, time.Since(start).Round(time.Microsecond))
	require.NoError(t, <-echoed)
}
