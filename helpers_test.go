package enet

import (
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// pair is a server host and a client host connected over loopback.
type pair struct {
	t        testing.TB
	srv, cli *Host
	sp, cp   *Peer // the server's peer for the client, the client's peer for the server
}

// newServer creates a host bound to 127.0.0.1 on an OS-chosen port and
// destroys it at the end of the test.
func newServer(t testing.TB, cfg HostConfig) *Host {
	t.Helper()
	h, err := CreateHostBound("127.0.0.1", 0, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { h.Close() })
	return h
}

// newClient creates an unbound host destroyed at the end of the test.
func newClient(t testing.TB, cfg HostConfig) *Host {
	t.Helper()
	h, err := CreateHost(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { h.Close() })
	return h
}

// connect connects cli to srv and services both until each side has seen
// its EventConnect.
func connect(t testing.TB, srv, cli *Host, channels int, data uint32) (sp, cp *Peer) {
	t.Helper()
	cp, err := cli.ConnectToHost("127.0.0.1", srv.LocalPort(), channels, data)
	require.NoError(t, err)
	var cliUp bool
	pumpUntil(t, 3*time.Second, func(h *Host, ev Event) bool {
		if ev.Type == EventConnect && h == srv {
			sp = ev.Peer
		}
		if ev.Type == EventConnect && h == cli {
			require.Same(t, cp, ev.Peer)
			cliUp = true
		}
		return sp != nil && cliUp
	}, srv, cli)
	return sp, cp
}

func newPair(t testing.TB, channels int) *pair {
	t.Helper()
	srv := newServer(t, HostConfig{})
	cli := newClient(t, HostConfig{MaxPeers: 1})
	sp, cp := connect(t, srv, cli, channels, 0)
	return &pair{t: t, srv: srv, cli: cli, sp: sp, cp: cp}
}

// pumpUntil services hosts in turn, passing every event to done, until done
// returns true; the test fails after timeout.
func pumpUntil(t testing.TB, timeout time.Duration, done func(*Host, Event) bool, hosts ...*Host) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		for _, h := range hosts {
			for {
				ev, err := h.Service(time.Millisecond)
				require.NoError(t, err)
				if ev.Type == EventNone {
					break
				}
				if done(h, ev) {
					return
				}
			}
		}
	}
	t.Fatalf("condition not reached within %v", timeout)
}

// pumpFor services hosts for d, passing events to seen (which may be nil).
func pumpFor(t testing.TB, d time.Duration, seen func(*Host, Event), hosts ...*Host) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		for _, h := range hosts {
			ev, err := h.Service(time.Millisecond)
			require.NoError(t, err)
			if ev.Type != EventNone && seen != nil {
				seen(h, ev)
			}
		}
	}
}

// receive pumps until h gets an EventReceive and returns it with its
// packet, read from the peer's queue.
func receive(t testing.TB, h *Host, others ...*Host) (Event, []byte) {
	t.Helper()
	var got Event
	pumpUntil(t, 3*time.Second, func(x *Host, ev Event) bool {
		if x == h && ev.Type == EventReceive {
			got = ev
			return true
		}
		return false
	}, append([]*Host{h}, others...)...)
	b, err := got.Peer.Packet()
	require.NoError(t, err)
	return got, b
}

// pumpCond services hosts until cond holds; the test fails after timeout.
func pumpCond(t testing.TB, timeout time.Duration, cond func() bool, hosts ...*Host) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not reached within %v", timeout)
		}
		pumpFor(t, 2*time.Millisecond, nil, hosts...)
	}
}

// socketReadable peeks at socket fd without consuming: true when a
// datagram (or an error) is waiting.
func socketReadable(fd uintptr) bool {
	var b [1]byte
	_, _, errno := syscall.Syscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&b[0])), 1,
		syscall.MSG_PEEK|syscall.MSG_DONTWAIT, 0, 0)
	return errno != syscall.EAGAIN && errno != syscall.EINTR
}
