package enet

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// ipv6BenchPair connects a client to a server bound to bind over to,
// with the relay asked for (ENETGO_IPV6_RELAY=1) when relayed is set.
func ipv6BenchPair(b *testing.B, bind, to string, relayed bool) *pair {
	b.Helper()
	if relayed {
		if !relayAvailable() {
			b.Skip("no IPv6 relay on this platform")
		}
		b.Setenv(relayEnv, "1")
	} else {
		b.Setenv(relayEnv, "0")
	}
	if ok, _ := IPv6Supported(); !ok {
		b.Skip("no IPv6")
	}
	srv, err := CreateHostBound(bind, 0, HostConfig{})
	require.NoError(b, err)
	b.Cleanup(func() { srv.Destroy() })
	cli := newClient(b, HostConfig{MaxPeers: 1})
	cp, err := cli.ConnectToHost(to, srv.LocalPort(), 1, 0)
	require.NoError(b, err)
	var sp *Peer
	pumpUntil(b, 3*time.Second, func(h *Host, ev Event) bool {
		if ev.Type == EventConnect && h == srv {
			sp = ev.Peer
		}
		return sp != nil && cp.State() == StateConnected
	}, srv, cli)
	pumpCond(b, 3*time.Second, func() bool { return cp.State() == StateConnected }, srv, cli)
	return &pair{t: b, srv: srv, cli: cli, sp: sp, cp: cp}
}

// ipv6BenchCases are the paths compared: IPv4 to an IPv4-only server, IPv4
// to a relayed "::" server (ENet's own socket: the relay is not in the
// path), IPv6 direct (translated at the socket), IPv6 relayed.
var ipv6BenchCases = []struct {
	name, bind, to string
	relayed        bool
}{
	{"ipv4", "0.0.0.0", "127.0.0.1", false},
	{"ipv4-relayed-host", "::", "127.0.0.1", true},
	{"ipv6-direct", "::", "::1", false},
	{"ipv6-relayed", "::", "::1", true},
}

// BenchmarkIPv6PingPong is BenchmarkPingPong (one reliable 32-byte packet
// there and back per op) over each path.
func BenchmarkIPv6PingPong(b *testing.B) {
	for _, c := range ipv6BenchCases {
		b.Run(c.name, func(b *testing.B) {
			benchPingPongOn(b, ipv6BenchPair(b, c.bind, c.to, c.relayed))
		})
	}
}

// BenchmarkIPv6Throughput sends reliable 1 KiB packets from the client in
// windows of 64 and counts one op per packet the server received.
func BenchmarkIPv6Throughput(b *testing.B) {
	for _, c := range ipv6BenchCases {
		b.Run(c.name, func(b *testing.B) {
			p := ipv6BenchPair(b, c.bind, c.to, c.relayed)
			payload := make([]byte, 1024)
			buf := make([]byte, 2048)
			b.SetBytes(int64(len(payload)))
			b.ResetTimer()
			for done := 0; done < b.N; {
				n := min(64, b.N-done)
				for range n {
					if err := p.cp.Send(0, payload, FlagReliable); err != nil {
						b.Fatal(err)
					}
				}
				deadline := time.Now().Add(10 * time.Second)
				for got := 0; got < n; {
					if _, err := p.cli.Service(0); err != nil {
						b.Fatal(err)
					}
					ev, err := p.srv.ServiceInto(200*time.Microsecond, buf)
					if err != nil {
						b.Fatal(err)
					}
					if ev.Type == EventReceive {
						got++
					}
					if time.Now().After(deadline) {
						b.Fatalf("packets stopped coming (%d of %d)", got, n)
					}
				}
				done += n
			}
		})
	}
}
