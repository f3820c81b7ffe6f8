package prometheus_test

import (
	"strings"
	"testing"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/metrics"
	enetprom "github.com/enetgo/enet/metrics/prometheus"
)

// connected returns a server with one connected client that sent "hello".
func connected(t *testing.T) *enet.Host {
	t.Helper()
	srv, err := enet.CreateHostBound("127.0.0.1", 0, enet.HostConfig{MaxPeers: 4})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	cli, err := enet.CreateHost(enet.HostConfig{MaxPeers: 1})
	require.NoError(t, err)
	t.Cleanup(func() { cli.Close() })
	peer, err := cli.ConnectToHost("127.0.0.1", srv.LocalPort(), 1, 0)
	require.NoError(t, err)
	sent, got := false, false
	deadline := time.Now().Add(5 * time.Second)
	for !got && time.Now().Before(deadline) {
		ev, err := cli.Service(5 * time.Millisecond)
		require.NoError(t, err)
		if ev.Type == enet.EventConnect && !sent {
			require.NoError(t, peer.Send(0, []byte("hello"), enet.FlagReliable))
			sent = true
		}
		ev, err = srv.ServiceInto(5*time.Millisecond, nil)
		require.NoError(t, err)
		got = ev.Type == enet.EventReceive
	}
	require.True(t, got, "no packet")
	return srv
}

func TestCollectorLintAndCount(t *testing.T) {
	srv := connected(t)
	c := enetprom.NewCollector(srv, enetprom.Options{ConstLabels: prom.Labels{"server": "test"}})
	problems, err := testutil.CollectAndLint(c)
	require.NoError(t, err)
	assert.Empty(t, problems)
	// 10 host metrics, one per drop reason, 2 guard counters and 9 per-peer
	// metrics for the one peer.
	assert.Equal(t, 10+len(enet.DropReasons)+2+9, testutil.CollectAndCount(c))

	reg := prom.NewPedanticRegistry()
	require.NoError(t, reg.Register(c))
	n, err := testutil.GatherAndCount(reg, "enet_peer_received_bytes_total", "enet_host_received_datagrams_total")
	require.NoError(t, err)
	assert.Equal(t, 2, n)

	s := metrics.Snapshot(srv)
	require.Len(t, s.Peers, 1)
	addr := s.Peers[0].Address
	want := `
# HELP enet_peer_received_bytes_total Payload bytes received through the API.
# TYPE enet_peer_received_bytes_total counter
enet_peer_received_bytes_total{peer="` + addr + `",server="test"} 5
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want), "enet_peer_received_bytes_total"))

	state := `
# HELP enet_peer_state 1 for the peer's current ENet state.
# TYPE enet_peer_state gauge
enet_peer_state{peer="` + addr + `",server="test",state="STATE_CONNECTED"} 1
# HELP enet_host_connected_peers Peers in STATE_CONNECTED.
# TYPE enet_host_connected_peers gauge
enet_host_connected_peers{server="test"} 1
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(state), "enet_peer_state", "enet_host_connected_peers"))
	mfs, err := reg.Gather()
	require.NoError(t, err)
	var datagrams float64
	for _, mf := range mfs {
		if mf.GetName() == "enet_host_received_datagrams_total" {
			datagrams = mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	assert.Positive(t, datagrams)
}

func TestCollectorIdleHostNoPeers(t *testing.T) {
	srv, err := enet.CreateHostBound("127.0.0.1", 0, enet.HostConfig{})
	require.NoError(t, err)
	defer srv.Close()
	c := enetprom.NewCollector(srv, enetprom.Options{Namespace: "game", NoPeers: true})
	want := `
# HELP game_host_decompress_failures_total Received datagrams dropped because decompression failed.
# TYPE game_host_decompress_failures_total counter
game_host_decompress_failures_total 0
# HELP game_host_peers Active peers: connecting, connected or disconnecting.
# TYPE game_host_peers gauge
game_host_peers 0
# HELP game_host_refused_connections_total Incoming connections refused while refusing new connections.
# TYPE game_host_refused_connections_total counter
game_host_refused_connections_total 0
# HELP game_host_send_failures_total Packets Send accepted that ENet then refused, out of memory (HOST_SEND_FAILURES).
# TYPE game_host_send_failures_total counter
game_host_send_failures_total 0
# HELP game_host_service_errors_total Survived enet_host_service failures.
# TYPE game_host_service_errors_total counter
game_host_service_errors_total 0
`
	require.NoError(t, testutil.CollectAndCompare(c, strings.NewReader(want),
		"game_host_decompress_failures_total", "game_host_peers", "game_host_refused_connections_total",
		"game_host_send_failures_total", "game_host_service_errors_total"))
	assert.Equal(t, 10+len(enet.DropReasons)+2, testutil.CollectAndCount(c), "no per-peer metrics")
}
