package enet

import (
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/enetgo/enet/internal/enettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ipv6Entries is the number of entries in use in h's IPv6 table: the
// direct path's (one per remote IPv6 address) or the relay's (one per
// remote endpoint).
func ipv6Entries(h *Host) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.relayed {
		return hostRelayStats(h.c).used
	}
	return hostTable6Stats(h.c).used
}

// requireRelay skips a test where relayed hosts cannot be built, and
// makes the hosts it creates relayed (ENETGO_IPV6_RELAY=1).
func requireRelay(t *testing.T) {
	t.Helper()
	require.NoError(t, initOnce())
	if !relayAvailable() {
		t.Skip("no IPv6 relay on this platform")
	}
	t.Setenv(relayEnv, "1")
	ok, why := IPv6Supported()
	require.True(t, ok)
	require.Contains(t, why, "relayed")
}

// dirEntries counts a /proc/self directory's entries (descriptors or
// threads), or -1 without /proc.
func dirEntries(dir string) int {
	e, err := os.ReadDir(dir)
	if err != nil {
		return -1
	}
	return len(e)
}

// TestRelayedIPv6 runs the IPv6 tests on the relayed path with the
// system's libenet, where they otherwise take the direct one (on a
// libenet that bypasses the binding they are relayed already).
func TestRelayedIPv6(t *testing.T) {
	require.NoError(t, initOnce())
	if !interposed() {
		t.Skip("libenet's socket calls bypass the binding: the IPv6 tests ran relayed already")
	}
	for name, f := range map[string]func(*testing.T){
		"AnswersRawConnects":      TestDualStackAnswersRawConnects,
		"MixedClients":            TestDualStackMixedClients,
		"ManyEndpointsReconnect":  TestDualStackManyEndpointsReconnect,
		"WithoutBatches":          TestDualStackWithoutBatches,
		"SocketSendIPv6":          TestSocketSendIPv6,
		"ConnectNamesAsGodot4":    TestConnectNamesAsGodot4,
		"ShardedHostDualStack":    TestShardedHostDualStack,
		"CreateHostValidation":    TestCreateHostValidation,
		"PeerArgumentsValidation": TestPeerAndHostArgumentValidation,
	} {
		t.Run(name, func(t *testing.T) {
			requireRelay(t)
			f(t)
		})
	}
}

// TestRelayPaths checks which sockets a relayed host has: "::" serves
// IPv4 on ENet's own socket (no relay in its path) and IPv6 through the
// relay on the same port; an IPv6 literal only through the relay; a
// client starts its relay at its first IPv6 target.
func TestRelayPaths(t *testing.T) {
	requireRelay(t)
	layer, _ := socketLayer()
	assert.Equal(t, interposed(), layer, "the socket layer DTLS needs is not the relay")
	srv, err := CreateHostBound("::", 0, HostConfig{})
	require.NoError(t, err)
	defer srv.Destroy()
	require.True(t, srv.DualStack())
	require.True(t, srv.relayed)
	port := srv.LocalPort()
	assert.Equal(t, netip.AddrPortFrom(netip.IPv6Unspecified(), uint16(port)), srv.LocalAddr())
	srv.mu.Lock()
	inner, _ := hostLocalAddr(srv.c)
	srv.mu.Unlock()
	assert.Equal(t, netip.AddrPortFrom(netip.IPv4Unspecified(), uint16(port)), inner, "ENet's socket serves IPv4 on the same port")

	v4 := newClient(t, HostConfig{MaxPeers: 1})
	cp, err := v4.ConnectToHost("127.0.0.1", port, 1, 0)
	require.NoError(t, err)
	serverPeer(t, srv, v4, cp)
	v4.mu.Lock()
	assert.False(t, hostRelayed(v4.c), "an IPv4 target starts no relay")
	v4.mu.Unlock()
	srv.mu.Lock()
	st := hostRelayStats(srv.c)
	srv.mu.Unlock()
	assert.Zero(t, st.in+st.out, "IPv4 traffic does not pass the relay")

	v6 := newClient(t, HostConfig{MaxPeers: 1})
	cp6, err := v6.ConnectToHost("::1", port, 1, 0)
	require.NoError(t, err)
	sp6 := serverPeer(t, srv, v6, cp6)
	assert.Equal(t, netip.AddrPortFrom(netip.IPv6Loopback(), uint16(v6.LocalPort())), sp6.RemoteAddrPort())
	assert.Equal(t, netip.AddrPortFrom(netip.IPv6Loopback(), uint16(port)), cp6.RemoteAddrPort())
	srv.mu.Lock()
	st = hostRelayStats(srv.c)
	srv.mu.Unlock()
	assert.NotZero(t, st.in)
	assert.NotZero(t, st.out)
	_, err = srv.ConnectToHost("127.100.0.1", int(st.port), 1, 0)
	assert.ErrorIs(t, err, ErrInvalidParameter, "a stand-in is not a remote address")

	lit, err := CreateHostBound("::1", 0, HostConfig{})
	require.NoError(t, err)
	defer lit.Destroy()
	lit.mu.Lock()
	inner, _ = hostLocalAddr(lit.c)
	lit.mu.Unlock()
	assert.Equal(t, netip.AddrFrom4([4]byte{127, 0, 0, 1}), inner.Addr(), "an IPv6 literal's ENet socket is private")
	assert.Equal(t, netip.IPv6Loopback(), lit.LocalAddr().Addr())
}

// TestRelayTableBounded fills a relayed server's table with far more
// endpoints than it holds while a real ::1 client stays connected: it
// never grows past its bound, sweeps free what no peer holds, the client's
// entry survives them, and every stand-in names its own endpoint.
func TestRelayTableBounded(t *testing.T) {
	requireRelay(t)
	srv, err := CreateHostBound("::", 0, HostConfig{MaxPeers: 2})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Destroy() })
	cli := newClient(t, HostConfig{MaxPeers: 1})
	cp, err := cli.ConnectToHost("::1", srv.LocalPort(), 1, 0)
	require.NoError(t, err)
	sp := serverPeer(t, srv, cli, cp)
	me := netip.AddrPortFrom(netip.IPv6Loopback(), uint16(cli.LocalPort()))
	srv.mu.Lock()
	before := hostRelayStats(srv.c)
	mine, ok := relayIntern(srv.c, me)
	srv.mu.Unlock()
	require.True(t, ok)
	assert.Equal(t, 2+256, before.capacity, "peers + 256")
	for i := range 5 * before.capacity {
		e := netip.AddrPortFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 1}), uint16(1000+i))
		srv.mu.Lock()
		s, ok := relayIntern(srv.c, e)
		st := hostRelayStats(srv.c)
		back, found := relayRemote(srv.c, ipToC(s.Addr()), s.Port())
		again, _ := relayIntern(srv.c, me)
		srv.mu.Unlock()
		require.True(t, ok, "endpoint %d", i)
		require.LessOrEqual(t, st.used, st.capacity)
		require.True(t, found)
		require.Equal(t, e, back, "the stand-in names its own endpoint")
		require.NotEqual(t, mine, s)
		require.Equal(t, mine, again, "the connected peer's entry is never swept")
	}
	srv.mu.Lock()
	after := hostRelayStats(srv.c)
	srv.mu.Unlock()
	assert.GreaterOrEqual(t, after.sweeps, uint64(4))
	assert.Zero(t, after.dropped)
	require.NoError(t, cp.Send(0, []byte("still here"), FlagReliable))
	ev, b := receive(t, srv, cli)
	assert.Same(t, sp, ev.Peer)
	assert.Equal(t, "still here", string(b))
	assert.Equal(t, me, sp.RemoteAddrPort())
}

// TestRelayFlood floods a relayed server from many distinct IPv6
// endpoints (::1, one port each) with CONNECTs and junk, and sends junk to
// the relay's own port: the table stays bounded, nothing from outside is
// relayed as ENet's, a real client keeps being served, and destroying the
// hosts gives back every descriptor, thread and ENet allocation.
func TestRelayFlood(t *testing.T) {
	requireRelay(t)
	// Where every host is relayed (Ubuntu's libenet), an earlier test's
	// host may still be going away: count from here.
	threads := relayThreads()
	fds, allocs := dirEntries("/proc/self/fd"), liveAllocations()
	func() {
		srv, err := CreateHostBound("::", 0, HostConfig{MaxPeers: 4})
		require.NoError(t, err)
		defer srv.Destroy()
		cli, err := CreateHost(HostConfig{MaxPeers: 1})
		require.NoError(t, err)
		defer cli.Destroy()
		cp, err := cli.ConnectToHost("::1", srv.LocalPort(), 1, 0)
		require.NoError(t, err)
		sp := serverPeer(t, srv, cli, cp)
		srv.mu.Lock()
		capacity, rport := hostRelayStats(srv.c).capacity, hostRelayStats(srv.c).port
		srv.mu.Unlock()

		const endpoints = 800 // about three times the table
		to := netip.AddrPortFrom(netip.IPv6Loopback(), uint16(srv.LocalPort()))
		relayPort := netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), rport)
		for i := range endpoints {
			c, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6loopback})
			require.NoError(t, err)
			c.WriteToUDPAddrPort(connectPacket(uint32(0x5000+i)), to)
			c.WriteToUDPAddrPort([]byte{0xde, 0xad, byte(i)}, to)
			c.Close()
			if i%50 == 0 {
				// Junk at the relay's port from a socket that is not
				// ENet's: refused, never relayed to an endpoint.
				j, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
				require.NoError(t, err)
				j.WriteToUDPAddrPort([]byte("not from enet"), relayPort)
				j.Close()
				_, err = srv.Service(0)
				require.NoError(t, err)
				_, err = cli.Service(0)
				require.NoError(t, err)
			}
		}
		// The real client is still served, both ways, at its own address.
		require.NoError(t, cp.Send(0, []byte("after the flood"), FlagReliable))
		ev, b := receive(t, srv, cli)
		assert.Same(t, sp, ev.Peer)
		assert.Equal(t, "after the flood", string(b))
		require.NoError(t, sp.Send(0, []byte("answer"), FlagReliable))
		ev, b = receive(t, cli, srv)
		assert.Same(t, cp, ev.Peer)
		assert.Equal(t, "answer", string(b))
		assert.Equal(t, StateConnected, cp.State())
		assert.Equal(t, netip.AddrPortFrom(netip.IPv6Loopback(), uint16(cli.LocalPort())), sp.RemoteAddrPort())
		srv.mu.Lock()
		st := hostRelayStats(srv.c)
		srv.mu.Unlock()
		t.Logf("relay after the flood: %+v", st)
		assert.LessOrEqual(t, st.used, capacity)
		assert.Equal(t, capacity, st.capacity)
		assert.GreaterOrEqual(t, st.sweeps+st.dropped, uint64(1), "the table filled")
		assert.GreaterOrEqual(t, st.refused, uint64(endpoints/50), "junk at the relay port is refused")
		assert.GreaterOrEqual(t, relayThreads(), threads+2, "one relay thread per host with IPv6 in use")
		for _, p := range srv.Peers() {
			a := p.RemoteAddress()
			assert.True(t, a == netip.IPv6Loopback(), "server peer at %v", a)
		}
	}()
	if fds >= 0 {
		assert.True(t, waitForCount("/proc/self/fd", fds), "descriptors: %d, were %d", dirEntries("/proc/self/fd"), fds)
	}
	assert.True(t, enettest.WaitFor(2*time.Second, func() bool { return relayThreads() <= threads }),
		"relay threads left: %d, were %d", relayThreads(), threads)
	assert.LessOrEqual(t, liveAllocations(), allocs, "ENet allocations freed")
}

// relayThreads counts the process's threads named as relay threads.
func relayThreads() int {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return 0
	}
	n := 0
	for _, task := range tasks {
		b, err := os.ReadFile("/proc/self/task/" + task.Name() + "/comm")
		if err == nil && strings.TrimSpace(string(b)) == "enetgo-relay6" {
			n++
		}
	}
	return n
}

// waitForCount waits up to two seconds for a /proc/self directory to hold
// at most n entries (Go's runtime may close a descriptor or end a thread
// of its own a moment later).
func waitForCount(dir string, n int) bool {
	deadline := time.Now().Add(2 * time.Second)
	for dirEntries(dir) > n {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// TestRelayNoSweepWhileQueued fills a relayed server's table with CONNECTs
// from new endpoints while the server is not serviced: their datagrams
// wait in ENet's socket naming their entries, so no sweep may free those
// entries (the datagrams from further endpoints are dropped instead). Once
// ENet has read them, a sweep frees what no peer holds, and every peer
// ENet made keeps its own endpoint.
func TestRelayNoSweepWhileQueued(t *testing.T) {
	requireRelay(t)
	srv, err := CreateHostBound("::", 0, HostConfig{MaxPeers: 4})
	require.NoError(t, err)
	defer srv.Destroy()
	srv.mu.Lock()
	capacity := hostRelayStats(srv.c).capacity
	srv.mu.Unlock()
	to := netip.AddrPortFrom(netip.IPv6Loopback(), uint16(srv.LocalPort()))
	var socks []*net.UDPConn
	defer func() {
		for _, c := range socks {
			c.Close()
		}
	}()
	flood := func(n int) {
		for i := range n {
			c, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6loopback})
			require.NoError(t, err)
			socks = append(socks, c)
			_, err = c.WriteToUDPAddrPort(connectPacket(uint32(len(socks)+i)), to)
			require.NoError(t, err)
		}
	}
	stats := func() relayStats {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return hostRelayStats(srv.c)
	}
	flood(capacity + 40)
	require.True(t, enettestWait(func() bool { s := stats(); return s.in+s.dropped >= uint64(capacity+40) }))
	st := stats()
	assert.Zero(t, st.sweeps, "no sweep while ENet's socket holds datagrams naming the entries")
	assert.Equal(t, capacity, st.used)
	assert.Equal(t, uint64(40), st.dropped)

	pumpFor(t, 50*time.Millisecond, nil, srv) // ENet reads them; 4 become peers
	flood(10)
	require.True(t, enettestWait(func() bool { return stats().sweeps > 0 }), "a sweep once ENet read them")
	st = stats()
	assert.LessOrEqual(t, st.used, 4+10, "only entries ENet's peers hold survive the sweep")

	// The peers ENet made from the first CONNECTs answer the endpoints
	// they came from: each socket that got a VERIFY_CONNECT sent a CONNECT.
	answered := 0
	buf := make([]byte, 2048)
	for _, c := range socks {
		c.SetReadDeadline(time.Now().Add(time.Millisecond))
		for {
			n, from, err := c.ReadFromUDPAddrPort(buf)
			if err != nil {
				break
			}
			assert.Equal(t, to, from)
			if hasVerifyConnect(buf[:n]) {
				answered++
			}
		}
	}
	assert.Equal(t, 4, answered, "one VERIFY_CONNECT per peer slot, each to its own endpoint")
}

// TestRelaySweepKeepsPeersExact connects real clients from distinct ::1
// ports to a relayed server while junk from far more endpoints than its
// table holds forces sweeps: every server peer names its own client's
// endpoint and traffic reaches the right client.
func TestRelaySweepKeepsPeersExact(t *testing.T) {
	requireRelay(t)
	const clients = 6
	srv, err := CreateHostBound("::", 0, HostConfig{MaxPeers: clients})
	require.NoError(t, err)
	defer srv.Destroy()
	to := netip.AddrPortFrom(netip.IPv6Loopback(), uint16(srv.LocalPort()))
	junk := func(n int) {
		for range n {
			c, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6loopback})
			require.NoError(t, err)
			c.WriteToUDPAddrPort([]byte{0x0f, 0xff, 1, 2}, to)
			c.Close()
		}
		pumpFor(t, 5*time.Millisecond, nil, srv)
	}
	var clis []*Host
	cps := map[*Peer]int{}
	for i := range clients {
		junk(120)
		c := newClient(t, HostConfig{MaxPeers: 1})
		cp, err := c.ConnectToHost("::1", srv.LocalPort(), 1, uint32(i))
		require.NoError(t, err)
		clis = append(clis, c)
		cps[cp] = i
	}
	srvPeers := map[int]*Peer{}
	pumpUntil(t, 5*time.Second, func(h *Host, ev Event) bool {
		if h == srv && ev.Type == EventConnect {
			srvPeers[int(ev.Data)] = ev.Peer
		}
		return len(srvPeers) == clients
	}, append([]*Host{srv}, clis...)...)
	srv.mu.Lock()
	st := hostRelayStats(srv.c)
	srv.mu.Unlock()
	assert.NotZero(t, st.sweeps, "the junk forced sweeps")
	for i, sp := range srvPeers {
		assert.Equal(t, netip.AddrPortFrom(netip.IPv6Loopback(), uint16(clis[i].LocalPort())), sp.RemoteAddrPort())
		require.NoError(t, sp.Send(0, []byte{byte(i)}, FlagReliable))
	}
	got := 0
	pumpUntil(t, 5*time.Second, func(h *Host, ev Event) bool {
		if ev.Type == EventReceive {
			b, err := ev.Peer.Packet()
			require.NoError(t, err)
			assert.Equal(t, cps[ev.Peer], int(b[0]), "packet for client %d reached client %d", b[0], cps[ev.Peer])
			got++
		}
		return got == clients
	}, append([]*Host{srv}, clis...)...)
}

// enettestWait waits up to two seconds for cond.
func enettestWait(cond func() bool) bool { return enettest.WaitFor(2*time.Second, cond) }
