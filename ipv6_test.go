package enet

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/enetgo/enet/internal/enettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requireIPv6 skips a test that needs dual-stack hosts where they are
// unavailable, after checking that IPv6 then fails cleanly.
func requireIPv6(t *testing.T) {
	t.Helper()
	ok, why := IPv6Supported()
	if ok {
		return
	}
	h, err := CreateHostBound("::", 0, HostConfig{})
	require.Nil(t, h)
	require.ErrorIs(t, err, ErrIPv6Unsupported)
	assert.Contains(t, err.Error(), "socket calls do not reach the binding")
	t.Skip("dual-stack hosts unavailable: " + why)
}

// reservedIfDual is an address ConnectToHost must refuse on h: one in the
// block dual-stack hosts reserve, or "" (empty) on an IPv4 host.
func reservedIfDual(h *Host) string {
	if h.DualStack() && !h.relayed {
		return "240.0.0.1"
	}
	return ""
}

// connectPacket builds the first datagram an ENet client sends: a CONNECT
// command (ENet's protocol.h layout, as Godot 4's bundled ENet sends it).
func connectPacket(connectID uint32) []byte {
	b := enettest.Header(enettest.MaximumPeerID, 0, 1)
	b = enettest.AppendCommandHeader(b, enettest.CmdConnect|enettest.FlagAcknowledge, 0xFF, 1)
	b = binary.BigEndian.AppendUint16(b, 0)                                      // outgoing peer id
	b = append(b, 0xFF, 0xFF)                                                    // session ids: let the server pick
	for _, v := range []uint32{1392, 32768, 2, 0, 0, 5000, 2, 2, connectID, 7} { // mtu, window, channels, bandwidths, throttle, connect id, data
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b
}

// hasVerifyConnect reports whether a datagram carries VERIFY_CONNECT.
func hasVerifyConnect(d []byte) bool {
	if len(d) < 2 {
		return false
	}
	off := 2
	if binary.BigEndian.Uint16(d)&enettest.HeaderFlagSentTime != 0 {
		off = 4
	}
	sizes := map[byte]int{enettest.CmdAcknowledge: 8, enettest.CmdVerifyConnect: 44}
	for off < len(d) {
		c := d[off] & 0x0F
		if c == enettest.CmdVerifyConnect {
			return true
		}
		n, ok := sizes[c]
		if !ok {
			return false
		}
		off += n
	}
	return false
}

// TestDualStackAnswersRawConnects is the reproduction, with a
// socket that is not ENet's: a default ("*") server answers an ENet CONNECT
// sent from a dual-stack socket to [::1] and to an IPv4-mapped address,
// and from a plain IPv4 socket, each at the address it came from.
func TestDualStackAnswersRawConnects(t *testing.T) {
	requireIPv6(t)
	srv, err := CreateHostBound("*", 0, HostConfig{})
	require.NoError(t, err)
	defer srv.Destroy()
	require.True(t, srv.DualStack())
	port := uint16(srv.LocalPort())
	type probe struct {
		net, to string
	}
	for i, p := range []probe{{"udp", "::1"}, {"udp", "::ffff:127.0.0.1"}, {"udp4", "127.0.0.1"}} {
		t.Run(p.to, func(t *testing.T) {
			laddr := &net.UDPAddr{IP: net.IPv6unspecified}
			if p.net == "udp4" {
				laddr = &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}
			}
			c, err := net.ListenUDP(p.net, laddr)
			require.NoError(t, err)
			defer c.Close()
			to := netip.AddrPortFrom(netip.MustParseAddr(p.to), port)
			_, err = c.WriteToUDPAddrPort(connectPacket(uint32(0x1000+i)), to)
			require.NoError(t, err)
			buf := make([]byte, 4096)
			deadline := time.Now().Add(3 * time.Second)
			for time.Now().Before(deadline) {
				srv.Service(5 * time.Millisecond)
				c.SetReadDeadline(time.Now().Add(5 * time.Millisecond))
				n, from, err := c.ReadFromUDPAddrPort(buf)
				if err != nil {
					continue
				}
				assert.Equal(t, to.Addr().Unmap(), from.Addr().Unmap(), "answered from the address it was sent to")
				assert.Equal(t, port, from.Port())
				require.True(t, hasVerifyConnect(buf[:n]), "the answer is a VERIFY_CONNECT: % x", buf[:n])
				return
			}
			t.Fatalf("no VERIFY_CONNECT to a CONNECT sent to %v", to)
		})
	}
}

// mixedClient is one client of TestDualStackMixedClients.
type mixedClient struct {
	name   string
	h      *Host
	to     string
	peer   *Peer // client side
	srv    *Peer // server side
	wantIP netip.Addr
}

// TestDualStackMixedClients connects, to one default server at once, two
// clients that behave as Godot 4's bundled ENet (a dual-stack socket, one
// sending from ::1, one from an IPv4-mapped address) and a plain IPv4
// client (an IPv4 socket, as upstream ENet's), exchanges reliable and
// unreliable packets both ways, and checks the server tells them apart by
// address in its peers, events, statistics and String.
func TestDualStackMixedClients(t *testing.T) {
	requireIPv6(t)
	srv, err := CreateHostBound("*", 0, HostConfig{})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Destroy() })
	v4, err := CreateHostBound("127.0.0.1", 0, HostConfig{MaxPeers: 1})
	require.NoError(t, err)
	t.Cleanup(func() { v4.Destroy() })
	assert.False(t, v4.DualStack())
	clients := []*mixedClient{
		{name: "godot4 from ::1", to: "::1", wantIP: netip.IPv6Loopback()},
		{name: "godot4 from ::ffff:127.0.0.1", to: "::ffff:127.0.0.1", wantIP: netip.MustParseAddr("127.0.0.1")},
		{name: "ipv4 only", h: v4, to: "127.0.0.1", wantIP: netip.MustParseAddr("127.0.0.1")},
	}
	hosts := []*Host{srv}
	for i, c := range clients {
		if c.h == nil {
			c.h = newClient(t, HostConfig{MaxPeers: 1})
			require.True(t, c.h.DualStack(), "CreateHost is dual-stack, as Godot 4's create_host")
		}
		hosts = append(hosts, c.h)
		c.peer, err = c.h.ConnectToHost(c.to, srv.LocalPort(), 2, uint32(100+i))
		require.NoError(t, err)
	}
	connected := 0
	pumpUntil(t, 5*time.Second, func(h *Host, ev Event) bool {
		if ev.Type != EventConnect {
			return false
		}
		connected++
		if h == srv {
			c := clients[ev.Data-100]
			c.srv = ev.Peer
			assert.Equal(t, c.wantIP, ev.Peer.RemoteAddress(), c.name)
			assert.Equal(t, c.h.LocalPort(), ev.Peer.RemotePort(), c.name)
			assert.Contains(t, ev.Peer.String(), c.wantIP.String())
		}
		return connected == 2*len(clients)
	}, hosts...)
	for _, c := range clients {
		require.NotNil(t, c.srv, c.name)
		assert.Equal(t, c.wantIP.Unmap(), c.peer.RemoteAddress().Unmap(), "client side: %s", c.name)
	}
	// Traffic: each client sends a reliable and an unreliable packet;
	// the server answers each on the peer it came from.
	for i, c := range clients {
		require.NoError(t, c.peer.Send(0, []byte(fmt.Sprintf("rel %d", i)), FlagReliable))
		require.NoError(t, c.peer.Send(1, []byte(fmt.Sprintf("unrel %d", i)), FlagUnsequenced))
	}
	got := map[string]bool{}
	echoed := 0
	pumpUntil(t, 5*time.Second, func(h *Host, ev Event) bool {
		if ev.Type != EventReceive {
			return false
		}
		b, err := ev.Peer.Packet()
		require.NoError(t, err)
		if h == srv {
			var kind string
			var i int
			_, err := fmt.Sscanf(string(b), "%s %d", &kind, &i)
			require.NoError(t, err)
			require.Same(t, clients[i].srv, ev.Peer, "packet %q on its own client's peer", b)
			assert.Equal(t, clients[i].wantIP, ev.Peer.RemoteAddress())
			got[string(b)] = true
			flags := FlagReliable
			if kind == "unrel" {
				flags = FlagUnsequenced
			}
			require.NoError(t, ev.Peer.Send(ev.Channel, append([]byte("echo "), b...), flags))
			return false
		}
		for _, c := range clients {
			if c.h == h {
				require.Same(t, c.peer, ev.Peer)
				echoed++
			}
		}
		return echoed == 2*len(clients)
	}, hosts...)
	assert.Len(t, got, 2*len(clients))
	// Statistics name the real addresses too.
	for _, c := range clients {
		assert.Equal(t, c.wantIP, c.srv.RemoteAddrPort().Addr())
		assert.NotZero(t, c.srv.Statistic(PeerRoundTripTime))
	}
	// The IPv6 client takes one table entry; IPv4 and mapped ones none.
	assert.Equal(t, 1, ipv6Entries(srv))
	// Disconnects are reported on the right peers.
	for _, c := range clients {
		require.NoError(t, c.peer.Disconnect(uint32(7)))
	}
	gone := 0
	pumpUntil(t, 5*time.Second, func(h *Host, ev Event) bool {
		if h == srv && ev.Type == EventDisconnect {
			assert.EqualValues(t, 7, ev.Data)
			found := false
			for _, c := range clients {
				found = found || c.srv == ev.Peer
			}
			assert.True(t, found, "a disconnect on one of the clients' peers")
			gone++
		}
		return gone == len(clients)
	}, hosts...)
}

// TestDualStackManyEndpointsReconnect connects many clients from ::1 (one
// IPv6 address, many ports: distinct endpoints, distinct ENet peers), lets
// half of them leave and come back from new ports, and checks every
// server peer keeps its own address and traffic.
func TestDualStackManyEndpointsReconnect(t *testing.T) {
	requireIPv6(t)
	const n = 10
	srv, err := CreateHostBound("::", 0, HostConfig{MaxPeers: 2 * n})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Destroy() })
	round := func(clis []*Host) map[*Host]*Peer {
		srvPeers := map[uint32]*Peer{}
		cps := map[*Host]*Peer{}
		for i, c := range clis {
			p, err := c.ConnectToHost("::1", srv.LocalPort(), 1, uint32(i))
			require.NoError(t, err)
			cps[c] = p
		}
		up := 0
		pumpUntil(t, 5*time.Second, func(h *Host, ev Event) bool {
			if ev.Type == EventConnect {
				up++
				if h == srv {
					srvPeers[ev.Data] = ev.Peer
				}
			}
			return up == 2*len(clis)
		}, append([]*Host{srv}, clis...)...)
		seen := map[netip.AddrPort]bool{}
		for i, c := range clis {
			sp := srvPeers[uint32(i)]
			require.NotNil(t, sp)
			want := netip.AddrPortFrom(netip.IPv6Loopback(), uint16(c.LocalPort()))
			assert.Equal(t, want, sp.RemoteAddrPort())
			assert.False(t, seen[want], "two peers share %v", want)
			seen[want] = true
			require.NoError(t, sp.Send(0, []byte{byte(i)}, FlagReliable))
		}
		got := 0
		pumpUntil(t, 5*time.Second, func(h *Host, ev Event) bool {
			if ev.Type == EventReceive {
				b, err := ev.Peer.Packet()
				require.NoError(t, err)
				require.Same(t, cps[clis[b[0]]], ev.Peer, "packet for client %d reached it", b[0])
				got++
			}
			return got == len(clis)
		}, append([]*Host{srv}, clis...)...)
		return cps
	}
	var clis []*Host
	for range n {
		c, err := CreateHost(HostConfig{MaxPeers: 1})
		require.NoError(t, err)
		clis = append(clis, c)
	}
	cps := round(clis)
	// Half leave; their hosts go and new ones (new ports) come back.
	for _, c := range clis[:n/2] {
		require.NoError(t, cps[c].DisconnectNow(0))
		require.NoError(t, c.Destroy())
	}
	left := 0
	pumpUntil(t, 5*time.Second, func(h *Host, ev Event) bool {
		if ev.Type == EventDisconnect && h == srv {
			left++
		}
		return left == n/2
	}, append([]*Host{srv}, clis[n/2:]...)...)
	for i := range clis[:n/2] {
		c, err := CreateHost(HostConfig{MaxPeers: 1})
		require.NoError(t, err)
		clis[i] = c
	}
	for _, c := range clis[n/2:] {
		require.NoError(t, cps[c].DisconnectNow(0))
		require.NoError(t, c.Destroy())
	}
	for i := range clis[n/2:] {
		c, err := CreateHost(HostConfig{MaxPeers: 1})
		require.NoError(t, err)
		clis[n/2+i] = c
	}
	pumpFor(t, 50*time.Millisecond, nil, srv)
	round(clis)
	if srv.relayed {
		// The relay keys by endpoint: one entry per port in use, and
		// the departed ones until a sweep needs their room.
		assert.GreaterOrEqual(t, ipv6Entries(srv), n, "one entry per endpoint")
	} else {
		assert.Equal(t, 1, ipv6Entries(srv), "one IPv6 address, one table entry, whatever the ports")
	}
	for _, c := range clis {
		c.Destroy()
	}
}

// TestDualStackTableBounded fills a server's IPv6 address table with far
// more addresses than it holds, through the function every datagram from
// a new IPv6 sender goes through, while a real ::1 client stays connected:
// the table never grows past its bound, sweeps free what no peer uses,
// the client's entry survives them and its traffic goes on, and no two
// addresses in the table ever share a stand-in.
func TestDualStackTableBounded(t *testing.T) {
	requireIPv6(t)
	srv, err := CreateHostBound("*", 0, HostConfig{MaxPeers: 2})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Destroy() })
	if srv.relayed {
		t.Skip("the relayed path has its own table: TestRelayTableBounded")
	}
	cli := newClient(t, HostConfig{MaxPeers: 1})
	cp, err := cli.ConnectToHost("::1", srv.LocalPort(), 1, 0)
	require.NoError(t, err)
	sp := serverPeer(t, srv, cli, cp)
	srv.mu.Lock()
	before := hostTable6Stats(srv.c)
	loop, ok := hostIntern6(srv.c, netip.IPv6Loopback())
	srv.mu.Unlock()
	require.True(t, ok)
	assert.Equal(t, 2+256, before.capacity, "peers + 256")
	for i := range 5 * before.capacity {
		a := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 14: byte(i >> 8), 15: byte(i)})
		srv.mu.Lock()
		s, ok := hostIntern6(srv.c, a)
		st := hostTable6Stats(srv.c)
		back := remote6(srv.c, ipToC(s))
		again, _ := hostIntern6(srv.c, netip.IPv6Loopback())
		srv.mu.Unlock()
		require.True(t, ok, "address %d", i)
		require.LessOrEqual(t, st.used, st.capacity)
		require.Equal(t, a, back, "the stand-in names its own address")
		require.NotEqual(t, loop, s)
		require.Equal(t, loop, again, "the connected peer's entry is never swept")
	}
	srv.mu.Lock()
	after := hostTable6Stats(srv.c)
	srv.mu.Unlock()
	assert.GreaterOrEqual(t, after.sweeps, uint64(4))
	assert.Zero(t, after.dropped)
	require.NoError(t, cp.Send(0, []byte("still here"), FlagReliable))
	ev, b := receive(t, srv, cli)
	assert.Same(t, sp, ev.Peer)
	assert.Equal(t, "still here", string(b))
	assert.Equal(t, netip.IPv6Loopback(), sp.RemoteAddress())
}

// TestDualStackWithoutBatches runs IPv6 with batched I/O turned off
// (ENETGO_BATCHIO=0): ENet's calls still reach the binding, which
// translates on its one-datagram path.
func TestDualStackWithoutBatches(t *testing.T) {
	requireIPv6(t)
	t.Setenv(batchIOEnv, "0")
	srv, err := CreateHostBound("*", 0, HostConfig{})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Destroy() })
	cli := newClient(t, HostConfig{MaxPeers: 1})
	require.False(t, srv.BatchedIO())
	require.True(t, srv.DualStack())
	cp, err := cli.ConnectToHost("::1", srv.LocalPort(), 1, 0)
	require.NoError(t, err)
	pumpCond(t, 3*time.Second, func() bool { return cp.State() == StateConnected }, srv, cli)
	require.NoError(t, cp.Send(0, []byte("unbatched"), FlagReliable))
	ev, b := receive(t, srv, cli)
	assert.Equal(t, "unbatched", string(b))
	assert.Equal(t, netip.AddrPortFrom(netip.IPv6Loopback(), uint16(cli.LocalPort())), ev.Peer.RemoteAddrPort())
	require.NoError(t, ev.Peer.Send(0, []byte("back"), FlagReliable))
	ev, b = receive(t, cli, srv)
	assert.Equal(t, "back", string(b))
	assert.Equal(t, netip.IPv6Loopback(), ev.Peer.RemoteAddress())
}

// TestSocketSendIPv6 sends a raw datagram to an IPv6 address (Godot's
// socket_send, used for NAT punching) from a dual-stack host.
func TestSocketSendIPv6(t *testing.T) {
	requireIPv6(t)
	c, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6loopback})
	require.NoError(t, err)
	defer c.Close()
	srv, err := CreateHostBound("*", 0, HostConfig{})
	require.NoError(t, err)
	defer srv.Destroy()
	require.NoError(t, srv.SocketSend("::1", c.LocalAddr().(*net.UDPAddr).Port, []byte("punch")))
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 64)
	n, from, err := c.ReadFromUDPAddrPort(buf)
	require.NoError(t, err)
	assert.Equal(t, "punch", string(buf[:n]))
	assert.Equal(t, srv.LocalPort(), int(from.Port()))
}

// hostsNSEnv marks the child process TestConnectNamesAsGodot4 runs in a
// mount namespace whose /etc/hosts names localhost ::1 first.
const hostsNSEnv = "ENETGO_TEST_HOSTS_NS"

// TestConnectNamesAsGodot4 connects to host names resolved as Godot 4's
// connect_to_host resolves them (getaddrinfo, any family with
// AI_ADDRCONFIG, first address). In this process "localhost" resolves as
// the machine says; then the test runs itself again in a private mount
// namespace where /etc/hosts lists "::1 localhost" (a resolver that answers
// ::1 first, common on current systems) and checks the client connects to
// [::1], as a Godot 4 client does, and a dual-stack server answers it.
func TestConnectNamesAsGodot4(t *testing.T) {
	requireIPv6(t)
	srv, err := CreateHostBound("*", 0, HostConfig{})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Destroy() })
	want, ok := resolveName("localhost", true)
	require.True(t, ok)
	cli := newClient(t, HostConfig{MaxPeers: 1})
	cp, err := cli.ConnectToHost("localhost", srv.LocalPort(), 1, 0)
	require.NoError(t, err)
	assert.Equal(t, want, cp.RemoteAddress(), "the first address getaddrinfo gives")
	sp := serverPeer(t, srv, cli, cp)
	assert.Equal(t, want.Unmap(), sp.RemoteAddress().Unmap())
	// An IPv4-only host resolves IPv4 only, as Godot's vanilla-ENet build.
	v4, err := CreateHostBound("127.0.0.1", 0, HostConfig{MaxPeers: 1})
	require.NoError(t, err)
	defer v4.Destroy()
	p4, err := v4.ConnectToHost("localhost", srv.LocalPort(), 1, 0)
	require.NoError(t, err)
	assert.True(t, p4.RemoteAddress().Is4())

	if os.Getenv(hostsNSEnv) == "1" {
		assert.Equal(t, netip.IPv6Loopback(), want, "the namespace's /etc/hosts answers ::1 first")
		return
	}
	hosts := filepath.Join(t.TempDir(), "hosts")
	require.NoError(t, os.WriteFile(hosts, []byte("::1 localhost\n127.0.0.1 localhost\n"), 0o644))
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("unshare(1) not found: cannot run the ::1-first resolver case")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, unshare, "--mount", "sh", "-c", `mount --bind "$1" /etc/hosts && shift && exec "$@"`,
		"sh", hosts, os.Args[0], "-test.run", "^TestConnectNamesAsGodot4$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), hostsNSEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil && strings.Contains(string(out), "mount") && !strings.Contains(string(out), "--- ") {
		t.Skipf("cannot bind-mount /etc/hosts in a private mount namespace (not root?): %v\n%s", err, out)
	}
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "--- PASS: TestConnectNamesAsGodot4")
}

// TestShardedHostDualStack shards a "*" server over SO_REUSEPORT
// dual-stack sockets and connects an IPv6 and an IPv4 client to it.
func TestShardedHostDualStack(t *testing.T) {
	requireIPv6(t)
	type seen struct {
		shard int
		addr  netip.Addr
	}
	got := make(chan seen, 4)
	s, err := NewShardedHost("*", 0, 2, HostConfig{MaxPeers: 4}, func(shard int, ev Event) {
		if ev.Type == EventConnect {
			got <- seen{shard, ev.Peer.RemoteAddress()}
		}
	})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() { cancel(); <-done }()
	want := map[netip.Addr]bool{}
	var clis []*Host
	for _, to := range []string{"::1", "127.0.0.1"} {
		c := newClient(t, HostConfig{MaxPeers: 1})
		_, err := c.ConnectToHost(to, s.Port(), 1, 0)
		require.NoError(t, err)
		clis = append(clis, c)
		want[netip.MustParseAddr(to)] = true
	}
	deadline := time.After(5 * time.Second)
	for len(want) > 0 {
		select {
		case x := <-got:
			assert.True(t, want[x.addr], "unexpected %v", x.addr)
			delete(want, x.addr)
		case <-deadline:
			t.Fatalf("not connected: %v", want)
		default:
			for _, c := range clis {
				c.Service(2 * time.Millisecond)
			}
		}
	}
}

// serverPeer services srv and cli until srv saw cli's connection and cli's
// peer cp is connected, and returns srv's peer.
func serverPeer(t *testing.T, srv, cli *Host, cp *Peer) *Peer {
	t.Helper()
	var sp *Peer
	pumpUntil(t, 3*time.Second, func(h *Host, ev Event) bool {
		if h == srv && ev.Type == EventConnect {
			sp = ev.Peer
		}
		return sp != nil && cp.State() == StateConnected
	}, srv, cli)
	return sp
}
