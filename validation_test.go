package enet

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreateHostValidation(t *testing.T) {
	cases := []struct {
		name string
		addr string
		port int
		cfg  HostConfig
		want error
	}{
		{"max peers too many", "127.0.0.1", 0, HostConfig{MaxPeers: 4096}, ErrInvalidParameter},
		{"max peers negative", "127.0.0.1", 0, HostConfig{MaxPeers: -1}, ErrInvalidParameter},
		{"channels too many", "127.0.0.1", 0, HostConfig{MaxChannels: 256}, ErrInvalidParameter},
		{"channels negative", "127.0.0.1", 0, HostConfig{MaxChannels: -1}, ErrInvalidParameter},
		{"negative bandwidth", "127.0.0.1", 0, HostConfig{InBandwidth: -1}, ErrInvalidParameter},
		{"port too big", "127.0.0.1", 65536, HostConfig{}, ErrInvalidParameter},
		{"port negative", "127.0.0.1", -1, HostConfig{}, ErrInvalidParameter},
		{"not an address", "example", 0, HostConfig{}, ErrInvalidParameter},
		{"not local", "192.0.2.1", 0, HostConfig{}, ErrCantCreate},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := CreateHostBound(c.addr, c.port, c.cfg)
			assert.Nil(t, h)
			require.ErrorIs(t, err, c.want)
			var e *Error
			require.True(t, errors.As(err, &e))
			assert.Equal(t, c.want.(*Error).GodotCode(), GodotCode(err))
			assert.Contains(t, err.Error(), "enet: create host bound: ")
		})
	}
	_, err := CreateHost(HostConfig{MaxPeers: 5000})
	assert.ErrorIs(t, err, ErrInvalidParameter)
	assert.ErrorIs(t, ErrIPv6Unsupported, ErrInvalidParameter, "IPv6 errors are invalid parameters too")
	assert.Equal(t, 31, GodotCode(ErrInvalidParameter))
	assert.Equal(t, 0, GodotCode(nil))
	assert.Equal(t, 1, GodotCode(errors.New("other")))

	// Port in use.
	h := newServer(t, HostConfig{})
	_, err = CreateHostBound("127.0.0.1", h.LocalPort(), HostConfig{})
	assert.ErrorIs(t, err, ErrCantCreate)

	// "*" binds every interface.
	any, err := CreateHostBound("*", 0, HostConfig{})
	require.NoError(t, err)
	if ok, _ := IPv6Supported(); ok {
		assert.Equal(t, "::", any.LocalAddr().Addr().String(), "dual-stack, as Godot 4")
	} else {
		assert.Equal(t, "0.0.0.0", any.LocalAddr().Addr().String())
	}
	require.NoError(t, any.Destroy())
	v4, err := CreateHostBound("0.0.0.0", 0, HostConfig{})
	require.NoError(t, err)
	assert.Equal(t, "0.0.0.0", v4.LocalAddr().Addr().String(), "0.0.0.0 stays IPv4 only")
	require.NoError(t, v4.Destroy())
}

func TestPeerAndHostArgumentValidation(t *testing.T) {
	p := newPair(t, 2)
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"send channel == channels", p.cp.Send(2, []byte("x"), FlagReliable), ErrInvalidParameter},
		{"send channel negative", p.cp.Send(-1, []byte("x"), FlagReliable), ErrInvalidParameter},
		{"send flag no-allocate", p.cp.Send(0, []byte("x"), 4), ErrInvalidParameter},
		{"send flag sent", p.cp.Send(0, []byte("x"), 256), ErrInvalidParameter},
		{"send too big", p.cp.Send(0, make([]byte, maxPacketSize+1), FlagReliable), ErrFailed},
		{"ping interval negative", p.cp.PingInterval(-time.Second), ErrInvalidParameter},
		{"throttle negative", p.cp.ThrottleConfigure(time.Second, -1, 2), ErrInvalidParameter},
		{"connect port 0", errOf(p.cli.ConnectToHost("127.0.0.1", 0, 1, 0)), ErrInvalidParameter},
		{"connect port too big", errOf(p.cli.ConnectToHost("127.0.0.1", 70000, 1, 0)), ErrInvalidParameter},
		{"connect channels", errOf(p.cli.ConnectToHost("127.0.0.1", 1234, 256, 0)), ErrInvalidParameter},
		{"connect ipv6 from an IPv4 host", errOf(p.srv.ConnectToHost("::1", 1234, 1, 0)), ErrIPv6Unsupported},
		{"connect reserved block", errOf(p.cli.ConnectToHost(reservedIfDual(p.cli), 1234, 1, 0)), ErrInvalidParameter},
		{"connect empty", errOf(p.cli.ConnectToHost("", 1234, 1, 0)), ErrInvalidParameter},
		{"connect unresolvable", errOf(p.cli.ConnectToHost("no-such-host.invalid", 1234, 1, 0)), ErrCantResolve},
		{"channel limit", p.srv.ChannelLimit(256), ErrInvalidParameter},
		{"compress mode", p.srv.Compress(9), ErrInvalidParameter},
		{"zlib level", p.srv.CompressLevel(CompressZlib, 10), ErrInvalidParameter},
		{"zstd level", p.srv.CompressLevel(CompressZstd, 0), ErrInvalidParameter},
		{"socket send port", p.srv.SocketSend("127.0.0.1", 0, []byte("x")), ErrInvalidParameter},
	}
	for _, c := range cases {
		assert.ErrorIs(t, c.err, c.want, c.name)
	}
	assert.Equal(t, 2, p.cp.Channels(), "nothing above changed the connection")
	assert.True(t, p.cp.IsActive())
}

func errOf(_ *Peer, err error) error { return err }

func TestUseAfterInactiveAndDestroy(t *testing.T) {
	p := newPair(t, 1)
	require.NoError(t, p.cp.Reset())
	checkInactivePeer(t, p.cp)

	require.NoError(t, p.srv.Destroy())
	checkInactivePeer(t, p.sp)
	h := p.srv
	assert.ErrorIs(t, h.Destroy(), ErrUnconfigured, "destroy twice")
	assert.NoError(t, h.Close(), "Close is idempotent")
	_, err := h.Service(10 * time.Millisecond)
	assert.ErrorIs(t, err, ErrUnconfigured)
	_, err = h.ServiceInto(0, nil)
	assert.ErrorIs(t, err, ErrUnconfigured)
	_, err = h.CheckEvents()
	assert.ErrorIs(t, err, ErrUnconfigured)
	_, err = h.ConnectToHost("127.0.0.1", 1234, 1, 0)
	assert.ErrorIs(t, err, ErrUnconfigured)
	assert.ErrorIs(t, h.Flush(), ErrUnconfigured)
	assert.ErrorIs(t, h.BandwidthLimit(0, 0), ErrUnconfigured)
	assert.ErrorIs(t, h.ChannelLimit(1), ErrUnconfigured)
	assert.ErrorIs(t, h.Broadcast(0, []byte("x"), 0), ErrUnconfigured)
	assert.ErrorIs(t, h.Compress(CompressZlib), ErrUnconfigured)
	assert.ErrorIs(t, h.RefuseNewConnections(true), ErrUnconfigured)
	assert.ErrorIs(t, h.SocketSend("127.0.0.1", 1234, []byte("x")), ErrUnconfigured)
	_, err = h.PopStatistic(HostTotalSentData)
	assert.ErrorIs(t, err, ErrUnconfigured)
	assert.Zero(t, h.Statistic(HostTotalSentData))
	assert.Zero(t, h.MaxChannels())
	assert.Zero(t, h.LocalPort())
	assert.Empty(t, h.Peers())
}

func checkInactivePeer(t *testing.T, p *Peer) {
	t.Helper()
	assert.False(t, p.IsActive())
	assert.Equal(t, StateDisconnected, p.State())
	assert.Zero(t, p.Channels())
	assert.False(t, p.RemoteAddress().IsValid())
	assert.Zero(t, p.RemotePort())
	assert.Equal(t, PeerStats{}, p.Statistics())
	for name, err := range map[string]error{
		"send":             p.Send(0, []byte("x"), FlagReliable),
		"put packet":       p.PutPacket([]byte("x")),
		"put empty":        p.PutPacket(nil),
		"disconnect":       p.Disconnect(0),
		"disconnect later": p.DisconnectLater(0),
		"disconnect now":   p.DisconnectNow(0),
		"reset":            p.Reset(),
		"ping":             p.Ping(),
		"ping interval":    p.PingInterval(time.Second),
		"timeout":          p.SetTimeout(0, 0, 0),
		"throttle":         p.ThrottleConfigure(time.Second, 2, 2),
	} {
		assert.ErrorIs(t, err, ErrUnconfigured, name)
	}
	_, err := p.Packet()
	assert.ErrorIs(t, err, ErrUnconfigured)
}
