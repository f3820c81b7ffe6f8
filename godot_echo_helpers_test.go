package enet

// What the compression interop tests with real Godot 3.x and 4.x engines
// share: our echo servers running next to one Godot client program, and our
// client's round trip through one mode of a Godot echo server program.

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/enetgo/enet/internal/enettest"
	"github.com/enetgo/enet/internal/godottest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// compressServers makes one server per mode of g3Modes, with channels
// channels, compressing with that mode, each behind a relay that watches
// the wire, and returns them with the relays' ports (where the Godot
// client must connect).
func compressServers(t *testing.T, channels int) (hosts []*Host, ports []string, relays []*enettest.Relay) {
	t.Helper()
	for _, mode := range g3Modes {
		h := newServer(t, HostConfig{MaxChannels: channels})
		require.NoError(t, h.Compress(mode))
		r := newWireRelay(t, hostAddr(h))
		hosts, relays = append(hosts, h), append(relays, r)
		ports = append(ports, strconv.Itoa(int(r.Addr().Port())))
	}
	return hosts, ports, relays
}

// newWireRelay starts a relay to target that records every datagram of a
// compression round (a few hundred), closed with the test.
func newWireRelay(t *testing.T, target netip.AddrPort) *enettest.Relay {
	t.Helper()
	r, err := enettest.NewRelay(target, 1<<14)
	require.NoError(t, err)
	t.Cleanup(func() { r.Close() })
	return r
}

// compressedOnWire counts the datagrams relay r carried in direction dir
// (enettest.ToTarget or ToClient) with ENet's compressed-header flag,
// which ENet sets only on a datagram its compressor made smaller.
func compressedOnWire(r *enettest.Relay, dir int) int {
	n := 0
	for _, d := range r.Captured(dir) {
		if len(d) >= 2 && binary.BigEndian.Uint16(d)&enettest.HeaderFlagCompressed != 0 {
			n++
		}
	}
	return n
}

// serveEach runs serve for every host in its own goroutine until the
// returned stop is called (or the test ends); stop waits for all of them
// and returns their results in host order.
func serveEach[R any](t *testing.T, hosts []*Host, serve func(ctx context.Context, i int, h *Host) R) (stop func() []R) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	results := make([]R, len(hosts))
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = serve(ctx, i, h)
		}()
	}
	return func() []R {
		cancel()
		wg.Wait()
		return results
	}
}

// serveLog is what an echo server loop of ours (g3Serve, g4Serve) records
// on its host besides what it checks.
type serveLog struct {
	errs, events []string
	bytes        g3Bytes
	decompFail   uint64
}

// fail records a failed server-side check.
func (l *serveLog) fail(format string, args ...any) {
	l.errs = append(l.errs, fmt.Sprintf(format, args...))
}

// serve services h until ctx ends, servicing fails, or handle returns true
// for an event, and records every event; then it records h's wire bytes
// and decompression failures.
func (l *serveLog) serve(ctx context.Context, h *Host, handle func(Event) (done bool)) {
	defer func() {
		l.bytes = g3Bytes{sent: h.Statistic(HostTotalSentData), received: h.Statistic(HostTotalReceivedData)}
		l.decompFail = h.Statistic(HostDecompressFailures)
	}()
	for ctx.Err() == nil {
		ev, err := h.Service(10 * time.Millisecond)
		if err != nil {
			l.fail("service: %v", err)
			return
		}
		if ev.Type != EventNone {
			l.events = append(l.events, fmt.Sprintf("%v data=%d channel=%d flags=%v", ev.Type, ev.Data, ev.Channel, ev.Flags))
		}
		if handle(ev) {
			return
		}
	}
}

// echoRound is one mode of our client against a Godot echo server program.
type echoRound struct {
	proc     *godottest.Process
	port     int    // where the Godot server listens
	channels int    // the channel count of both sides
	data     uint32 // the connect data
	// send sends every kind of packet on the connected peer.
	send func(peer *Peer)
	// kinds is how many kinds of packets send sent; check returns the kind
	// of an echo, or an error if it is not the echo of that kind.
	kinds int
	check func(ev Event) (int, error)
	bye   uint32 // the disconnect data
	// served is the line the Godot server prints after the disconnect.
	served string
}

// run connects a fresh client compressing with mode, sends every kind,
// waits for every echo, disconnects, and waits for the served line. It
// returns the client's wire bytes.
func (r echoRound) run(t *testing.T, mode CompressionMode) g3Bytes {
	t.Helper()
	cli := newClient(t, HostConfig{MaxPeers: 1, MaxChannels: r.channels})
	require.NoError(t, cli.Compress(mode))
	wire := newWireRelay(t, netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(r.port)))
	peer, err := cli.ConnectToHost("127.0.0.1", int(wire.Addr().Port()), r.channels, r.data)
	require.NoError(t, err)
	err = g3Until(cli, 5*time.Second, func(ev Event) (bool, error) {
		if ev.Type == EventDisconnect {
			return false, fmt.Errorf("connect failed: %v", ev.Err)
		}
		return ev.Type == EventConnect, nil
	})
	require.NoError(t, err, "connect; Godot output:\n%s", r.proc.Output())

	r.send(peer)
	got := make([]bool, r.kinds)
	n := 0
	err = g3Until(cli, 5*time.Second, func(ev Event) (bool, error) {
		switch ev.Type {
		case EventDisconnect:
			return false, errors.New("disconnected while waiting for echoes")
		case EventReceive:
			kind, err := r.check(ev)
			if err != nil {
				return false, err
			}
			if !got[kind] {
				got[kind] = true
				n++
			}
		}
		return n == r.kinds, nil
	})
	require.NoError(t, err, "echoes %v; Godot output:\n%s", got, r.proc.Output())
	assert.Zero(t, cli.Statistic(HostDecompressFailures), "datagrams our decompressor rejected")
	bytes := g3Bytes{sent: cli.Statistic(HostTotalSentData), received: cli.Statistic(HostTotalReceivedData),
		zipSent: compressedOnWire(wire, enettest.ToTarget), zipReceived: compressedOnWire(wire, enettest.ToClient)}

	require.NoError(t, peer.Disconnect(r.bye))
	err = g3Until(cli, 3*time.Second, func(ev Event) (bool, error) { return ev.Type == EventDisconnect, nil })
	require.NoError(t, err, "disconnect")
	_, err = r.proc.WaitLine(r.served, 3*time.Second)
	assert.NoError(t, err, "Godot output:\n%s", r.proc.Output())
	return bytes
}

// godotFinished fails the test with Godot's output unless the program
// (what) exited 0 with a PASS line, logs the output if the test failed
// otherwise, and logs how long the test took since start.
func godotFinished(t *testing.T, what, out string, err error, start time.Time) {
	t.Helper()
	if err != nil || !godottest.HasLine(out, "PASS") {
		t.Errorf("%s failed (%v):\n%s", what, err, out)
	} else if t.Failed() {
		t.Logf("Godot output:\n%s", out)
	}
	t.Logf("took %v", time.Since(start).Round(time.Millisecond))
}
