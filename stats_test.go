package enet

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cStats reads every statistic through the C switch in binding.go, for
// comparison with the Go field reads.
func cStats(p *Peer) PeerStats {
	s := p.Statistics() // the traffic counters
	p.h.mu.Lock()
	defer p.h.mu.Unlock()
	for i := range enetPeerStatistics {
		s[i] = peerStatC(p.h.c, p.slot, PeerStatistic(i))
	}
	return s
}

func TestStatisticsEqualCFieldsAndMove(t *testing.T) {
	p := newPair(t, 1)
	before := p.cp.Statistics()
	assert.Equal(t, cStats(p.cp), before)
	assert.Equal(t, uint64(PacketThrottleScale), before[PeerPacketThrottleLimit], "initial limit")
	assert.Equal(t, uint64(5000), before[PeerPacketThrottleInterval], "ENet default")
	assert.Equal(t, uint64(2), before[PeerPacketThrottleAcceleration])
	assert.Equal(t, uint64(2), before[PeerPacketThrottleDeceleration])

	for i := 0; i < 50; i++ {
		require.NoError(t, p.cp.Send(0, []byte("ping"), FlagReliable))
		pumpFor(t, 2*time.Millisecond, nil, p.srv, p.cli)
	}
	after := p.cp.Statistics()
	assert.Equal(t, cStats(p.cp), after, "Go reads equal the C fields")
	assert.Equal(t, cStats(p.sp), p.sp.Statistics())
	assert.NotEqual(t, before[PeerLastRoundTripTime]+before[PeerRoundTripTimeVariance]+before[PeerRoundTripTime],
		after[PeerLastRoundTripTime]+after[PeerRoundTripTimeVariance]+after[PeerRoundTripTime],
		"round-trip statistics move as acknowledgements arrive")
	assert.Less(t, after[PeerRoundTripTime], uint64(50), "loopback round trips are short")
	// The throttle counter steps by 7 (mod 32) for each unreliable packet.
	counter := p.cp.Statistic(PeerPacketThrottleCounter)
	require.NoError(t, p.cp.Send(0, []byte("u"), 0))
	pumpFor(t, 5*time.Millisecond, nil, p.srv, p.cli)
	assert.Equal(t, (counter+7)%32, p.cp.Statistic(PeerPacketThrottleCounter))
	after = p.cp.Statistics()
	for s := PeerStatistic(0); s < PeerStatisticCount; s++ {
		assert.Equal(t, after[s], p.cp.Statistic(s), s.String())
	}
	assert.Zero(t, p.cp.Statistic(-1))
	assert.Zero(t, p.cp.Statistic(PeerStatisticCount))
}

func TestThrottleConfigureAndPingInterval(t *testing.T) {
	p := newPair(t, 1)
	require.NoError(t, p.cp.ThrottleConfigure(1500*time.Millisecond, 5, 7))
	s := p.cp.Statistics()
	assert.Equal(t, uint64(1500), s[PeerPacketThrottleInterval])
	assert.Equal(t, uint64(5), s[PeerPacketThrottleAcceleration])
	assert.Equal(t, uint64(7), s[PeerPacketThrottleDeceleration])
	// ENet tells the remote side, which adopts the settings.
	pumpCond(t, 3*time.Second, func() bool {
		return p.sp.Statistic(PeerPacketThrottleInterval) == 1500
	}, p.srv, p.cli)
	assert.Equal(t, uint64(5), p.sp.Statistic(PeerPacketThrottleAcceleration))

	require.NoError(t, p.cp.PingInterval(40*time.Millisecond))
	p.h().mu.Lock()
	assert.Equal(t, uint32(40), peerPingIntervalValue(p.cli.c, p.cp.slot))
	p.h().mu.Unlock()
	// With a 40 ms ping interval an idle peer still gets round-trip samples.
	sent := p.cli.Statistic(HostTotalSentPackets)
	pumpFor(t, 300*time.Millisecond, nil, p.srv, p.cli)
	assert.GreaterOrEqual(t, p.cli.Statistic(HostTotalSentPackets)-sent, uint64(4), "pings went out")
	require.NoError(t, p.cp.Ping())
}

func (p *pair) h() *Host { return p.cli }

func TestSetTimeoutValues(t *testing.T) {
	p := newPair(t, 1)
	require.NoError(t, p.cp.SetTimeout(16, 2*time.Second, 8*time.Second))
	p.cli.mu.Lock()
	limit, min, max := peerTimeouts(p.cli.c, p.cp.slot)
	p.cli.mu.Unlock()
	assert.Equal(t, []uint32{16, 2000, 8000}, []uint32{limit, min, max})
	for _, c := range []struct {
		limit    int
		min, max time.Duration
	}{
		{5001, 5 * time.Second, 6 * time.Second}, // Godot: timeout > timeout_min
		{1, 3 * time.Second, 2 * time.Second},    // min > max
		{-1, time.Second, time.Second},
		{1, -time.Second, time.Second},
	} {
		assert.ErrorIs(t, p.cp.SetTimeout(c.limit, c.min, c.max), ErrInvalidParameter, "%+v", c)
	}
}

func TestBandwidthLimitThrottlesPeers(t *testing.T) {
	p := newPair(t, 1)
	require.NoError(t, p.srv.BandwidthLimit(0, 2000))
	payload := make([]byte, 1000)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && p.sp.Statistic(PeerPacketThrottleLimit) == PacketThrottleScale {
		for i := 0; i < 10; i++ {
			require.NoError(t, p.sp.Send(0, payload, 0))
		}
		pumpFor(t, 20*time.Millisecond, nil, p.srv, p.cli)
	}
	assert.Less(t, p.sp.Statistic(PeerPacketThrottleLimit), uint64(PacketThrottleScale),
		"an outgoing bandwidth of 2000 B/s lowers the peer's throttle limit")
	assert.ErrorIs(t, p.srv.BandwidthLimit(-1, 0), ErrInvalidParameter)
}

func TestHostStatisticsAndPop(t *testing.T) {
	p := newPair(t, 1)
	require.NoError(t, p.cp.Send(0, make([]byte, 100), FlagReliable))
	receive(t, p.srv, p.cli)
	sentData := p.cli.Statistic(HostTotalSentData)
	assert.Greater(t, sentData, uint64(100))
	assert.Greater(t, p.cli.Statistic(HostTotalSentPackets), uint64(0))
	assert.Greater(t, p.srv.Statistic(HostTotalReceivedData), uint64(100))
	assert.Greater(t, p.srv.Statistic(HostTotalReceivedPackets), uint64(0))

	got, err := p.cli.PopStatistic(HostTotalSentData)
	require.NoError(t, err)
	assert.Equal(t, sentData, got)
	again, err := p.cli.PopStatistic(HostTotalSentData)
	require.NoError(t, err)
	assert.Zero(t, again, "pop resets")
	_, err = p.cli.PopStatistic(HostStatistic(99))
	assert.ErrorIs(t, err, ErrInvalidParameter)
	assert.Equal(t, "HOST_TOTAL_SENT_DATA", HostTotalSentData.String())
}

// TestHostStatisticsOneInstant checks that Host.Statistics holds every
// counter as Statistic reads it, and zeros once destroyed.
func TestHostStatisticsOneInstant(t *testing.T) {
	p := newPair(t, 1)
	require.NoError(t, p.cp.Send(0, []byte("count me"), FlagReliable))
	pumpCond(t, 2*time.Second, func() bool { return p.srv.Statistic(HostTotalReceivedPackets) > 1 }, p.srv, p.cli)
	for _, h := range []*Host{p.cli, p.srv} {
		st := h.Statistics() // nothing services h meanwhile: nothing moves
		for s := HostStatistic(0); s < HostStatisticCount; s++ {
			assert.Equal(t, h.Statistic(s), st[s], s.String())
		}
	}
	assert.NotZero(t, p.srv.Statistics()[HostTotalReceivedData])
	assert.Equal(t, "HOST_PENDING_EVICTED", HostStatistic(HostStatisticCount-1).String())
	require.NoError(t, p.cli.Destroy())
	assert.Equal(t, HostStats{}, p.cli.Statistics())
}

// TestPeerStatisticsTraffic checks that the traffic counters in
// Peer.Statistics count the API's packets and bytes, match the deprecated
// Traffic, and stay readable once the peer is inactive while ENet's
// statistics read zero.
func TestPeerStatisticsTraffic(t *testing.T) {
	p := newPair(t, 1)
	require.NoError(t, p.cp.Send(0, []byte("12345"), FlagReliable))
	require.NoError(t, p.cp.Send(0, []byte("678"), FlagReliable))
	pumpCond(t, 2*time.Second, func() bool { return p.sp.Statistics()[PeerPacketsReceived] == 2 }, p.srv, p.cli)
	cs, ss := p.cp.Statistics(), p.sp.Statistics()
	assert.Equal(t, uint64(2), cs[PeerPacketsSent])
	assert.Equal(t, uint64(8), cs[PeerBytesSent])
	assert.Equal(t, uint64(2), ss[PeerPacketsReceived])
	assert.Equal(t, uint64(8), ss[PeerBytesReceived])
	tr := p.cp.Traffic()
	assert.Equal(t, Traffic{PacketsSent: cs[PeerPacketsSent], BytesSent: cs[PeerBytesSent]}, tr)
	assert.NotZero(t, cs[PeerPacketThrottle])
	require.NoError(t, p.cp.Reset())
	after := p.cp.Statistics()
	assert.Zero(t, after[PeerPacketThrottle], "ENet's statistics of an inactive peer")
	assert.Equal(t, cs[PeerPacketsSent], after[PeerPacketsSent])
	assert.Equal(t, cs[PeerBytesSent], after[PeerBytesSent])
	assert.Equal(t, "PEER_BYTES_RECEIVED", PeerBytesReceived.String())
}
