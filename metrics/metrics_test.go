package metrics_test

import (
	"encoding/json"
	"expvar"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/internal/attack"
	"github.com/enetgo/enet/metrics"
)

// pair connects a client to a server on loopback and returns both hosts
// and the client's peer once both sides saw the connection.
func pair(t *testing.T) (srv, cli *enet.Host, cp *enet.Peer) {
	t.Helper()
	srv, err := enet.CreateHostBound("127.0.0.1", 0, enet.HostConfig{MaxPeers: 4, MaxChannels: 2})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	cli, err = enet.CreateHost(enet.HostConfig{MaxPeers: 1})
	require.NoError(t, err)
	t.Cleanup(func() { cli.Close() })
	cp, err = cli.ConnectToHost("127.0.0.1", srv.LocalPort(), 2, 0)
	require.NoError(t, err)
	var srvUp, cliUp bool
	deadline := time.Now().Add(5 * time.Second)
	for !(srvUp && cliUp) && time.Now().Before(deadline) {
		ev, err := srv.Service(5 * time.Millisecond)
		require.NoError(t, err)
		srvUp = srvUp || ev.Type == enet.EventConnect
		ev, err = cli.Service(5 * time.Millisecond)
		require.NoError(t, err)
		cliUp = cliUp || ev.Type == enet.EventConnect
	}
	require.True(t, srvUp && cliUp, "connection not established")
	return srv, cli, cp
}

func TestSnapshotCountsTraffic(t *testing.T) {
	srv, cli, cp := pair(t)
	require.NoError(t, cp.Send(1, []byte("hello"), enet.FlagReliable))
	got := false
	deadline := time.Now().Add(5 * time.Second)
	for !got && time.Now().Before(deadline) {
		_, err := cli.Service(5 * time.Millisecond)
		require.NoError(t, err)
		ev, err := srv.ServiceInto(5*time.Millisecond, nil)
		require.NoError(t, err)
		got = ev.Type == enet.EventReceive
	}
	require.True(t, got, "packet not received")

	s := metrics.Snapshot(srv)
	assert.Equal(t, 1, s.PeerCount)
	assert.Equal(t, 1, s.ConnectedPeers)
	assert.Equal(t, srv.LocalAddr().String(), s.LocalAddr)
	assert.Equal(t, "COMPRESS_NONE", s.Compression)
	assert.NotZero(t, s.ReceivedBytes)
	assert.NotZero(t, s.ReceivedDatagrams)
	assert.NotZero(t, s.SentDatagrams)
	assert.Zero(t, s.DecompressFailures)
	assert.Equal(t, srv.Statistic(enet.HostSendFailures), s.SendFailures)
	require.Len(t, s.Peers, 1)
	p := s.Peers[0]
	assert.Equal(t, enet.StateConnected, p.State)
	assert.Equal(t, "STATE_CONNECTED", p.StateName)
	assert.Equal(t, cli.LocalPort(), srv.Peers()[0].RemotePort())
	assert.Equal(t, uint64(1), p.PacketsReceived)
	assert.Equal(t, uint64(5), p.BytesReceived)
	assert.InDelta(t, 1.0, p.Throttle, 1.0, "throttle is a fraction")
	assert.GreaterOrEqual(t, p.PacketLoss, 0.0)

	c := metrics.Snapshot(cli)
	assert.NotEmpty(t, c.LocalAddr, "an unbound client that sent has a port")
	require.Len(t, c.Peers, 1)
	assert.Equal(t, uint64(1), c.Peers[0].PacketsSent)
	assert.Equal(t, uint64(5), c.Peers[0].BytesSent)
	assert.Equal(t, "127.0.0.1:"+strconv.Itoa(srv.LocalPort()), c.Peers[0].Address)

	// Snapshot does not reset the counters.
	assert.Equal(t, s.ReceivedBytes, srv.Statistic(enet.HostTotalReceivedData))
}

func TestSnapshotInactivePeerKeepsTraffic(t *testing.T) {
	_, _, cp := pair(t)
	require.NoError(t, cp.Send(0, []byte("abc"), enet.FlagReliable))
	require.NoError(t, cp.Reset())
	ps := metrics.SnapshotPeer(cp)
	assert.Equal(t, enet.StateDisconnected, ps.State)
	assert.Empty(t, ps.Address)
	assert.Zero(t, ps.RTTMillis)
	assert.Equal(t, uint64(3), ps.BytesSent)
}

func TestSnapshotDestroyedHost(t *testing.T) {
	h, err := enet.CreateHostBound("127.0.0.1", 0, enet.HostConfig{})
	require.NoError(t, err)
	require.NoError(t, h.Destroy())
	s := metrics.Snapshot(h)
	assert.Zero(t, s.PeerCount)
	assert.Empty(t, s.LocalAddr)
	assert.NotNil(t, s.Peers, "peers encode as [] rather than null")
}

var publishRuns int

func TestPublishJSON(t *testing.T) {
	srv, _, _ := pair(t)
	// expvar names are global: a fresh one for every run of -count.
	publishRuns++
	name := "enet_test_host_" + strconv.Itoa(publishRuns)
	metrics.Publish(name, srv)
	v := expvar.Get(name)
	require.NotNil(t, v)

	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(v.String()), &got))
	for _, key := range []string{"sent_bytes", "received_datagrams", "service_errors",
		"refused_connections", "decompress_failures", "send_failures", "peer_count", "peers"} {
		assert.Contains(t, got, key)
	}
	assert.EqualValues(t, 1, got["peer_count"])
	peers := got["peers"].([]any)
	require.Len(t, peers, 1)
	peer := peers[0].(map[string]any)
	assert.Equal(t, "STATE_CONNECTED", peer["state"])
	for _, key := range []string{"address", "rtt_ms", "packet_loss", "throttle", "bytes_sent", "bytes_received"} {
		assert.Contains(t, peer, key)
	}

	assert.Panics(t, func() { metrics.Publish(name, srv) }, "duplicate names panic like expvar.Publish")
}

func TestSnapshotDropped(t *testing.T) {
	srv, err := enet.CreateHostBound("127.0.0.1", 0, enet.HostConfig{PendingPerAddress: 1})
	require.NoError(t, err)
	defer srv.Destroy()
	raw, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer raw.Close()
	to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: srv.LocalPort()}
	for id := range uint32(3) { // three handshakes at once from one address
		_, err := raw.WriteToUDP(attack.ConnectRequest(100+id, 2), to)
		require.NoError(t, err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for srv.Statistic(enet.HostDroppedPendingAddress) < 2 && time.Now().Before(deadline) {
		_, err := srv.Service(5 * time.Millisecond)
		require.NoError(t, err)
	}
	s := metrics.Snapshot(srv)
	assert.Equal(t, map[string]uint64{"pending_address": 2}, s.Dropped)
	assert.Zero(t, s.PeersCut)
	assert.Equal(t, "fragment", metrics.DropReason(enet.HostDroppedFragment))
	assert.Equal(t, "peer_memory", metrics.DropReason(enet.HostDroppedPeerMemory))
}
