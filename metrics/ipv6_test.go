package metrics_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/metrics"
)

// TestSnapshotNamesIPv6Peers checks a dual-stack server's snapshot names
// an IPv6 peer by its real address, not the IPv4 stand-in ENet keys it by.
func TestSnapshotNamesIPv6Peers(t *testing.T) {
	if ok, why := enet.IPv6Supported(); !ok {
		t.Skip(why)
	}
	srv, err := enet.CreateHostBound("*", 0, enet.HostConfig{MaxPeers: 4})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	cli, err := enet.CreateHost(enet.HostConfig{MaxPeers: 1})
	require.NoError(t, err)
	t.Cleanup(func() { cli.Close() })
	_, err = cli.ConnectToHost("::1", srv.LocalPort(), 1, 0)
	require.NoError(t, err)
	up := 0
	deadline := time.Now().Add(5 * time.Second)
	for up < 2 && time.Now().Before(deadline) {
		for _, h := range []*enet.Host{srv, cli} {
			ev, err := h.Service(5 * time.Millisecond)
			require.NoError(t, err)
			if ev.Type == enet.EventConnect {
				up++
			}
		}
	}
	require.Equal(t, 2, up, "connection not established")
	s := metrics.Snapshot(srv)
	assert.Equal(t, "[::]:"+strconv.Itoa(srv.LocalPort()), s.LocalAddr)
	require.Len(t, s.Peers, 1)
	assert.Equal(t, "[::1]:"+strconv.Itoa(cli.LocalPort()), s.Peers[0].Address)
}
