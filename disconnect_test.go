package enet

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// waitDisconnect pumps until h reports EventDisconnect for peer and returns
// the event and how long it took.
func waitDisconnect(t *testing.T, h *Host, peer *Peer, timeout time.Duration, hosts ...*Host) (Event, time.Duration) {
	t.Helper()
	start := time.Now()
	var got Event
	pumpUntil(t, timeout, func(x *Host, ev Event) bool {
		if x == h && ev.Type == EventDisconnect && ev.Peer == peer {
			got = ev
			return true
		}
		return false
	}, hosts...)
	return got, time.Since(start)
}

func TestDisconnectGraceful(t *testing.T) {
	p := newPair(t, 1)
	require.NoError(t, p.cp.Disconnect(11))
	assert.Equal(t, StateDisconnecting, p.cp.State())
	assert.True(t, p.cp.IsActive(), "active until the event")
	sev, _ := waitDisconnect(t, p.srv, p.sp, 3*time.Second, p.srv, p.cli)
	assert.Equal(t, uint32(11), sev.Data)
	assert.Nil(t, sev.Err)
	waitDisconnect(t, p.cli, p.cp, 3*time.Second, p.srv, p.cli)
	assert.False(t, p.cp.IsActive())
	assert.False(t, p.sp.IsActive())
	assert.Equal(t, StateDisconnected, p.cp.State())
	assert.Empty(t, p.cli.Peers())
	assert.Empty(t, p.srv.Peers())
}

func TestDisconnectLaterDeliversQueued(t *testing.T) {
	p := newPair(t, 1)
	const n = 200
	for i := 0; i < n; i++ {
		require.NoError(t, p.cp.Send(0, []byte{byte(i)}, FlagReliable))
	}
	require.NoError(t, p.cp.DisconnectLater(5))
	assert.Equal(t, StateDisconnectLater, p.cp.State())
	assert.ErrorIs(t, p.cp.Send(0, []byte("x"), FlagReliable), ErrFailed, "no sends after DisconnectLater")
	got := 0
	var dev Event
	pumpUntil(t, 5*time.Second, func(h *Host, ev Event) bool {
		if h == p.srv && ev.Type == EventReceive {
			b, err := ev.Peer.Packet()
			require.NoError(t, err)
			assert.Equal(t, []byte{byte(got)}, b)
			got++
		}
		if h == p.srv && ev.Type == EventDisconnect {
			dev = ev
			return true
		}
		return false
	}, p.srv, p.cli)
	assert.Equal(t, n, got, "every packet queued before DisconnectLater arrived")
	assert.Equal(t, uint32(5), dev.Data)
}

func TestDisconnectNowNoLocalEvent(t *testing.T) {
	p := newPair(t, 1)
	require.NoError(t, p.cp.DisconnectNow(9))
	assert.False(t, p.cp.IsActive(), "inactive at once")
	assert.Equal(t, StateDisconnected, p.cp.State())
	assert.Empty(t, p.cli.Peers())
	sev, _ := waitDisconnect(t, p.srv, p.sp, 3*time.Second, p.srv, p.cli)
	assert.Equal(t, uint32(9), sev.Data, "the remote side is told, with the data")
	pumpFor(t, 100*time.Millisecond, func(h *Host, ev Event) {
		assert.NotEqual(t, p.cli, h, "no event on the side that called DisconnectNow: %v", ev.Type)
	}, p.srv, p.cli)
}

func TestResetRemoteTimesOutWithinBounds(t *testing.T) {
	p := newPair(t, 1)
	// The server side forgets the client without telling it; the client's
	// reliable traffic then goes unacknowledged and it times out between
	// timeoutMinimum and timeoutMaximum.
	const min, max = 300 * time.Millisecond, 900 * time.Millisecond
	require.NoError(t, p.cp.SetTimeout(1, min, max))
	require.NoError(t, p.sp.Reset())
	assert.False(t, p.sp.IsActive())
	require.NoError(t, p.cp.Send(0, []byte("anyone?"), FlagReliable))
	ev, took := waitDisconnect(t, p.cli, p.cp, 5*time.Second, p.srv, p.cli)
	assert.Nil(t, ev.Err, "it had connected: a timeout, not a failed connect")
	assert.GreaterOrEqual(t, took, min)
	assert.LessOrEqual(t, took, max+300*time.Millisecond)
}

func TestDisconnectOfConnectingPeerResetsAtOnce(t *testing.T) {
	srv := newServer(t, HostConfig{})
	cli := newClient(t, HostConfig{})
	cp, err := cli.ConnectToHost("127.0.0.1", srv.LocalPort(), 1, 0)
	require.NoError(t, err)
	require.NoError(t, cp.Disconnect(0))
	assert.False(t, cp.IsActive(), "ENet resets a peer that was not connected yet")
	assert.Empty(t, cli.Peers())
}

func TestTimersRunDuringLongServiceWait(t *testing.T) {
	p := newPair(t, 1)
	require.NoError(t, p.cp.SetTimeout(1, 300*time.Millisecond, 800*time.Millisecond))
	require.NoError(t, p.sp.Reset()) // the server forgets the client silently
	require.NoError(t, p.cp.Send(0, []byte("lost"), FlagReliable))
	// One long Service call: resends and the timeout must happen inside it,
	// not after its 10 s wait.
	start := time.Now()
	ev, err := p.cli.Service(10 * time.Second)
	require.NoError(t, err)
	for ev.Type == EventNone && time.Since(start) < 10*time.Second {
		ev, err = p.cli.Service(10 * time.Second)
		require.NoError(t, err)
	}
	took := time.Since(start)
	assert.Equal(t, EventDisconnect, ev.Type)
	assert.Same(t, p.cp, ev.Peer)
	assert.Less(t, took, 2*time.Second, "the timeout fired within one long wait")
	assert.GreaterOrEqual(t, p.cli.Statistic(HostTotalSentPackets), uint64(3), "resent while waiting")
}
