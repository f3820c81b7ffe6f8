package enet

import (
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWaitModesWakeAndDestroy puts more hosts into a long Service than
// there are places to sleep in C (GOMAXPROCS-1), so some sleep in C and
// the rest in the netpoller, and checks both kinds: a Send from another
// goroutine goes out at once (not when the wait's 5 s cap ends), Destroy
// ends each wait with ErrUnconfigured, and every place is given back.
func TestWaitModesWakeAndDestroy(t *testing.T) {
	// Hosts of earlier tests dropped without Destroy give their places
	// back when the GC cleans them up.
	require.Eventually(t, func() bool { runtime.GC(); return cSlots.Load() == 0 }, 5*time.Second, 10*time.Millisecond,
		"places held before the test")
	limit := runtime.GOMAXPROCS(0) - 1
	n := limit + 2
	server := testHost(t, true, n, 1)
	got := make(chan *Peer, n)
	// The server never waits (Service(0) and a sleep in Go), so the places
	// to sleep in C all go to the client hosts.
	stop := make(chan struct{})
	serverDone := make(chan struct{})
	go func() {
		defer close(serverDone)
		for {
			select {
			case <-stop:
				return
			default:
			}
			ev, err := server.Service(0)
			if err != nil {
				return
			}
			if ev.Type == EventReceive {
				got <- ev.Peer
			} else if ev.Type == EventNone {
				time.Sleep(200 * time.Microsecond)
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-serverDone })
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

	type result struct {
		ev  Event
		err error
	}
	done := make([]chan result, n)
	for i, h := range hosts {
		done[i] = make(chan result, 1)
		go func() {
			for {
				ev, err := h.Service(30 * time.Second)
				if err != nil || ev.Type != EventNone && ev.Type != EventReceive {
					done[i] <- result{ev, err}
					return
				}
			}
		}()
	}
	// Every host's Service is asleep: the first limit in C, the rest in
	// the netpoller.
	require.Eventually(t, func() bool {
		for _, h := range hosts {
			if h.waiting.Load() == notWaiting {
				return false
			}
		}
		return true
	}, 5*time.Second, time.Millisecond)
	inC, inGo := 0, 0
	for _, h := range hosts {
		switch h.waiting.Load() {
		case waitingInC:
			inC++
		case waitingInGo:
			inGo++
		}
	}
	assert.Equal(t, limit, inC, "Services asleep in C")
	assert.Equal(t, n-limit, inGo, "Services asleep in the netpoller")
	assert.EqualValues(t, limit, cSlots.Load())

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
	t.Logf("%d hosts (%d asleep in C, %d in the netpoller): every Send delivered in %v", n, inC, inGo, time.Since(start).Round(time.Microsecond))

	for i, h := range hosts {
		require.NoError(t, h.Destroy())
		select {
		case r := <-done[i]:
			assert.True(t, errors.Is(r.err, ErrUnconfigured), "host %d: Service returned %v, %v", i, r.ev.Type, r.err)
		case <-time.After(2 * time.Second):
			t.Fatalf("host %d: Destroy did not end its Service", i)
		}
	}
	assert.Zero(t, cSlots.Load(), "places to sleep in C not given back")
}

// serviceUntil services h until an event of type want, failing after 5 s.
func serviceUntil(t *testing.T, h *Host, want EventType) Event {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		ev, err := h.Service(10 * time.Millisecond)
		require.NoError(t, err)
		if ev.Type == want {
			return ev
		}
	}
	t.Fatalf("no %v within 5 s", want)
	return Event{}
}

// TestBusyPoll checks HostConfig.BusyPoll's bounds and that hosts with it
// exchange packets both ways, one host sleeping in C and the other in the
// netpoller when GOMAXPROCS is 2 (both kinds of polling).
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
