package enet

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enetgo/enet/internal/enettest"
)

// How a soak client peer ends its connection.
var soakEndings = []string{"Disconnect", "DisconnectLater", "DisconnectNow", "Reset", "timeout"}

// TestSoakChurn runs a server under connection churn for ENETGO_SOAK (a
// duration such as "5m"; skipped when unset, see make soak): client hosts
// connect, exchange reliable messages, and end every connection in one of
// five ways (Disconnect, DisconnectLater, DisconnectNow, Reset, and
// timing out by destroying the client host). The Go heap and ENet's live
// allocations are sampled every few seconds and must stay flat.
func TestSoakChurn(t *testing.T) {
	env := os.Getenv("ENETGO_SOAK")
	if env == "" {
		t.Skip("set ENETGO_SOAK=<duration> (make soak) to run the soak test")
	}
	duration, err := time.ParseDuration(env)
	require.NoError(t, err, "ENETGO_SOAK")
	const (
		workers      = 4
		peersPerHost = 4
		messages     = 20
		pause        = 50 * time.Millisecond
	)
	server := testHost(t, true, 1024, 2)
	var serverPeers, serverConnects atomic.Int64
	pumpHost(t, server, func(ev Event) {
		switch ev.Type {
		case EventConnect:
			serverPeers.Add(1)
			serverConnects.Add(1)
			assert.NoError(t, ev.Peer.SetTimeout(32, time.Second, 2*time.Second)) // quick timeouts of vanished clients
		case EventDisconnect:
			serverPeers.Add(-1)
		case EventReceive:
			ev.Peer.Send(ev.Channel, ev.Packet, FlagReliable) // may fail if the client just left
		}
	})

	var (
		rounds, echoes atomic.Int64
		endings        [5]atomic.Int64
		stop           = make(chan struct{})
		wg             sync.WaitGroup
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; ; round++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := soakRound(server.LocalPort(), peersPerHost, messages, (w+round)%len(soakEndings), &echoes); err != nil {
					t.Errorf("worker %d round %d (%s): %v", w, round, soakEndings[(w+round)%len(soakEndings)], err)
					return
				}
				endings[(w+round)%len(soakEndings)].Add(peersPerHost)
				rounds.Add(1)
				time.Sleep(pause) // keep vanished peers (timing out for 1-2 s) well under MaxPeers
			}
		}()
	}

	const every = 3 * time.Second
	warmup := min(duration/5, 15*time.Second)
	var samples []memSample
	start := time.Now()
	for time.Since(start) < duration {
		time.Sleep(min(every, duration-time.Since(start)+time.Millisecond))
		runtime.GC()
		m := sampleMem()
		t.Logf("%v: %d rounds, %d server connects, %d live server peers, %d echoes; %v",
			time.Since(start).Round(time.Second), rounds.Load(), serverConnects.Load(), serverPeers.Load(), echoes.Load(), m)
		if time.Since(start) >= warmup {
			samples = append(samples, m)
		}
	}
	close(stop)
	wg.Wait()
	assert.True(t, enettest.WaitFor(10*time.Second, func() bool { return serverPeers.Load() == 0 }),
		"%d server peers still connected after the churn", serverPeers.Load())
	var ends []string
	for i := range endings {
		ends = append(ends, fmt.Sprintf("%s %d", soakEndings[i], endings[i].Load()))
	}
	t.Logf("%v of churn: %d rounds, %d connections (%v), %d reliable echoes, %d server service errors",
		duration, rounds.Load(), serverConnects.Load(), ends, echoes.Load(), server.Statistic(HostServiceErrors))
	assert.Zero(t, server.Statistic(HostServiceErrors))
	require.GreaterOrEqual(t, len(samples), 3, "soak too short to sample after warm-up")
	// Single samples swing with the packets in flight at that instant, so
	// compare the means of the first and last thirds of the samples.
	third := len(samples) / 3
	first, last := meanMem(samples[:third]), meanMem(samples[len(samples)-third:])
	t.Logf("memory after warm-up: first third %v, last third %v (%d samples)", first, last, len(samples))
	assert.LessOrEqual(t, last.heap, max(2*first.heap, first.heap+4<<20), "Go heap grew: %v -> %v", first, last)
	assert.LessOrEqual(t, last.allocs, max(2*first.allocs, first.allocs+500), "ENet allocations grew: %v -> %v", first, last)
}

// meanMem averages memory samples.
func meanMem(s []memSample) memSample {
	var m memSample
	for _, x := range s {
		m.heap += x.heap
		m.allocs += x.allocs
	}
	m.heap /= uint64(len(s))
	m.allocs /= int64(len(s))
	return m
}

// soakRound creates a client host, connects peers to the server, has each
// echo messages reliable packets, ends every connection the given way and
// destroys the host. Every wait is bounded.
func soakRound(port, peers, messages, ending int, echoes *atomic.Int64) error {
	h, err := CreateHost(HostConfig{MaxPeers: peers, MaxChannels: 2})
	if err != nil {
		return err
	}
	defer h.Destroy()
	var ps []*Peer
	for range peers {
		p, err := h.ConnectToHost("127.0.0.1", port, 2, 0)
		if err != nil {
			return err
		}
		ps = append(ps, p)
	}
	connected, got, disconnected := 0, 0, 0
	buf := make([]byte, 0, 256)
	serve := func(what string, done func() bool) error {
		deadline := time.Now().Add(10 * time.Second)
		for !done() {
			if time.Now().After(deadline) {
				return fmt.Errorf("%s: timed out (%d connected, %d echoes, %d disconnected)", what, connected, got, disconnected)
			}
			ev, err := h.ServiceInto(10*time.Millisecond, buf)
			if err != nil {
				return err
			}
			switch ev.Type {
			case EventConnect:
				connected++
			case EventReceive:
				got++
				echoes.Add(1)
			case EventDisconnect:
				if ev.Err != nil {
					return ev.Err
				}
				disconnected++
			}
		}
		return nil
	}
	if err := serve("connect", func() bool { return connected == peers }); err != nil {
		return err
	}
	for i := range messages {
		for _, p := range ps {
			if err := p.Send(i%2, seqPayload('S', i%2, uint32(i), 32), FlagReliable); err != nil {
				return err
			}
		}
	}
	if err := serve("echo", func() bool { return got == peers*messages }); err != nil {
		return err
	}
	for _, p := range ps {
		switch soakEndings[ending] {
		case "Disconnect":
			err = p.Disconnect(7)
		case "DisconnectLater":
			p.Send(0, []byte("last words"), FlagReliable)
			err = p.DisconnectLater(7)
		case "DisconnectNow":
			err = p.DisconnectNow(7)
		case "Reset":
			err = p.Reset()
		case "timeout": // destroying the host leaves the server to time out
		}
		if err != nil {
			return err
		}
	}
	if e := soakEndings[ending]; e == "Disconnect" || e == "DisconnectLater" {
		return serve(e, func() bool { return disconnected == peers })
	}
	return nil
}
