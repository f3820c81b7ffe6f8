package enet

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
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
	if h.DualStack() {
		return "240.0.0.1"
	}
	return ""
}

// connectPacket builds the first datagram an ENet client sends: a CONNECT
// command (ENet's protocol.h layout, as Godot 4's bundled ENet sends it).
func connectPacket(connectID uint32) []byte {
	b := enettest.Header(enettest.MaximumPeerID, 0, 1)
	b = enettest.AppendCommandHeader(b, enettest.CmdConnect|enettest.FlagAcknowledge, 0xFF, 1)
	b = binary.BigEndian.AppendUint16(b, 0)        // outgoing peer id
	b = append(b, 0xFF, 0xFF)                      // session ids: let the server pick
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
	srv.mu.Lock()
	st := hostTable6Stats(srv.c)
	srv.mu.Unlock()
	assert.Equal(t, 1, st.used)
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
