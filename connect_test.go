package enet

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLinkedVersion(t *testing.T) {
	assert.Regexp(t, `^1\.3\.(1[7-9]|[2-9][0-9])$`, LinkedVersion())
}

func TestConnectEventsAddressesAndState(t *testing.T) {
	srv := newServer(t, HostConfig{MaxPeers: 4})
	cli := newClient(t, HostConfig{MaxPeers: 1})
	require.NotZero(t, srv.LocalPort())
	assert.Equal(t, netip.MustParseAddr("127.0.0.1"), srv.LocalAddr().Addr())

	cp, err := cli.ConnectToHost("127.0.0.1", srv.LocalPort(), 5, 0xdeadbeef)
	require.NoError(t, err)
	assert.True(t, cp.IsActive())
	assert.Equal(t, StateConnecting, cp.State(), "before any service")
	assert.Equal(t, []*Peer{cp}, cli.Peers(), "a connecting peer is listed")

	var sp *Peer
	var srvData uint32
	cliConnected := false
	pumpUntil(t, 3*time.Second, func(h *Host, ev Event) bool {
		if ev.Type == EventConnect && h == srv {
			sp, srvData = ev.Peer, ev.Data
		}
		if ev.Type == EventConnect && h == cli {
			cliConnected = true
			assert.Same(t, cp, ev.Peer)
		}
		return sp != nil && cliConnected
	}, srv, cli)

	assert.Equal(t, uint32(0xdeadbeef), srvData, "connect data reaches the server")
	assert.Equal(t, StateConnected, cp.State())
	assert.Equal(t, StateConnected, sp.State())
	assert.Equal(t, 5, cp.Channels())
	assert.Equal(t, 5, sp.Channels())
	assert.Equal(t, "127.0.0.1", cp.RemoteAddress().String())
	assert.Equal(t, srv.LocalPort(), cp.RemotePort())
	assert.Equal(t, cli.LocalPort(), sp.RemotePort(), "the server sees the client's real port")
	assert.NotZero(t, cli.LocalPort(), "an unbound host is bound by its first send")
	assert.Equal(t, netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(srv.LocalPort())), cp.RemoteAddrPort())
	assert.Equal(t, []*Peer{sp}, srv.Peers())
}

func TestConnectChannelsDefaultAndLimit(t *testing.T) {
	srv := newServer(t, HostConfig{MaxChannels: 3})
	assert.Equal(t, 3, srv.MaxChannels())
	cli := newClient(t, HostConfig{})
	sp, cp := connect(t, srv, cli, 0, 0) // 0 asks for 255
	assert.Equal(t, 3, sp.Channels(), "the server's channel limit caps the request")
	assert.Equal(t, 3, cp.Channels())

	require.NoError(t, srv.ChannelLimit(2))
	assert.Equal(t, 2, srv.MaxChannels())
	sp2, cp2 := connect(t, srv, cli, 8, 0)
	assert.Equal(t, 2, sp2.Channels(), "ChannelLimit applies to new connections")
	assert.Equal(t, 2, cp2.Channels())
	assert.Equal(t, 3, sp.Channels(), "existing connections keep theirs")

	require.NoError(t, srv.ChannelLimit(0))
	assert.Equal(t, 255, srv.MaxChannels(), "0 means 255")
}

func TestConnectResolvesHostnamesInGo(t *testing.T) {
	srv := newServer(t, HostConfig{})
	cli := newClient(t, HostConfig{})
	cp, err := cli.ConnectToHost("localhost", srv.LocalPort(), 1, 0)
	require.NoError(t, err)
	pumpUntil(t, 3*time.Second, func(h *Host, ev Event) bool {
		return h == cli && ev.Type == EventConnect && ev.Peer == cp
	}, srv, cli)
	assert.Equal(t, "127.0.0.1", cp.RemoteAddress().String())
}

func TestConnectToNobodyFailsWithClearError(t *testing.T) {
	// A bound UDP port with no ENet behind it: the connect times out.
	srv := newServer(t, HostConfig{})
	port := srv.LocalPort()
	require.NoError(t, srv.Destroy())
	cli := newClient(t, HostConfig{})
	require.NoError(t, cli.Compress(CompressZlib))
	cp, err := cli.ConnectToHost("127.0.0.1", port, 1, 0)
	require.NoError(t, err)
	require.NoError(t, cp.SetTimeout(1, 200*time.Millisecond, 400*time.Millisecond))
	var ev Event
	pumpUntil(t, 10*time.Second, func(h *Host, e Event) bool { ev = e; return e.Type == EventDisconnect }, cli)
	assert.Same(t, cp, ev.Peer)
	require.Error(t, ev.Err)
	assert.ErrorIs(t, ev.Err, ErrConnectFailed)
	assert.Contains(t, ev.Err.Error(), "compression")
	assert.Contains(t, ev.Err.Error(), "COMPRESS_ZLIB")
	assert.False(t, cp.IsActive())
}

func TestSlotReuseGetsNewPeer(t *testing.T) {
	srv := newServer(t, HostConfig{MaxPeers: 1})
	cli := newClient(t, HostConfig{})
	sp1, cp1 := connect(t, srv, cli, 1, 1)
	require.NoError(t, cp1.Disconnect(7))
	var gotData uint32
	pumpUntil(t, 3*time.Second, func(h *Host, ev Event) bool {
		if h == srv && ev.Type == EventDisconnect {
			assert.Same(t, sp1, ev.Peer)
			gotData = ev.Data
			return true
		}
		return false
	}, srv, cli)
	assert.Equal(t, uint32(7), gotData, "disconnect data reaches the other side")
	assert.False(t, sp1.IsActive())

	sp2, _ := connect(t, srv, cli, 1, 2)
	assert.NotSame(t, sp1, sp2, "a reused slot is a new *Peer")
	assert.False(t, sp1.IsActive(), "the old peer stays inactive")
	assert.True(t, sp2.IsActive())
	assert.Equal(t, []*Peer{sp2}, srv.Peers())
}

func TestServerFullRefusesNextConnection(t *testing.T) {
	srv := newServer(t, HostConfig{MaxPeers: 1})
	cli := newClient(t, HostConfig{MaxPeers: 2})
	connect(t, srv, cli, 1, 0)
	cp2, err := cli.ConnectToHost("127.0.0.1", srv.LocalPort(), 1, 0)
	require.NoError(t, err)
	require.NoError(t, cp2.SetTimeout(1, 200*time.Millisecond, 500*time.Millisecond))
	var ev Event
	srvConnects := 0
	pumpUntil(t, 10*time.Second, func(h *Host, e Event) bool {
		if h == srv && e.Type == EventConnect {
			srvConnects++
		}
		ev = e
		return h == cli && e.Type == EventDisconnect && e.Peer == cp2
	}, srv, cli)
	assert.ErrorIs(t, ev.Err, ErrConnectFailed)
	assert.Zero(t, srvConnects)
}

func TestClientHostFullConnectFails(t *testing.T) {
	srv := newServer(t, HostConfig{})
	cli := newClient(t, HostConfig{MaxPeers: 1})
	_, err := cli.ConnectToHost("127.0.0.1", srv.LocalPort(), 1, 0)
	require.NoError(t, err)
	_, err = cli.ConnectToHost("127.0.0.1", srv.LocalPort(), 1, 0)
	assert.ErrorIs(t, err, ErrFailed)
	assert.Contains(t, err.Error(), "no free peer slot")
}

func TestRefuseNewConnections(t *testing.T) {
	srv := newServer(t, HostConfig{})
	cli := newClient(t, HostConfig{})
	require.NoError(t, srv.RefuseNewConnections(true))
	cp, err := cli.ConnectToHost("127.0.0.1", srv.LocalPort(), 1, 0)
	require.NoError(t, err)
	srvEvents := 0
	pumpUntil(t, 5*time.Second, func(h *Host, ev Event) bool {
		if h == srv {
			srvEvents++
		}
		return h == cli && ev.Type == EventDisconnect && ev.Peer == cp
	}, srv, cli)
	assert.Zero(t, srvEvents, "a refused peer never surfaces on the server")
	assert.Empty(t, srv.Peers())
	assert.Equal(t, uint64(1), srv.Statistic(HostRefusedConnections))

	require.NoError(t, srv.RefuseNewConnections(false))
	sp, _ := connect(t, srv, cli, 1, 0)
	assert.True(t, sp.IsActive())
}
