package enet

import (
	"bytes"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of the batched datagram I/O under ENet (cenet/batchio.c).

// ioStatsOf reads h's batched I/O counters.
func ioStatsOf(h *Host) ioStats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return hostIOStats(h.c)
}

// settle services both hosts of p for d so that handshake and
// acknowledgement traffic is over.
func settle(t *testing.T, p *pair, d time.Duration) {
	t.Helper()
	pumpFor(t, d, func(*Host, Event) {}, p.srv, p.cli)
}

// quietPair is a connected pair whose peers send no pings for 10 s, its
// handshake traffic over: what the server reads is what the test sends.
func quietPair(t *testing.T) *pair {
	t.Helper()
	p := newPair(t, 1)
	require.NoError(t, p.sp.PingInterval(10*time.Second))
	require.NoError(t, p.cp.PingInterval(10*time.Second))
	settle(t, p, 100*time.Millisecond)
	return p
}

// TestBatchIOMovesBurstsInBatches sends a burst of 128 datagrams
// (1000-byte unreliable packets, one per datagram) and checks that the
// client sent them with a few system calls (the first ioDirect one by one,
// the rest by sendmmsg, 32 per call), that the server read them with a few
// (ioDirect recvmsg, then recvmmsg, 16 per call), and that every packet
// arrived whole and in order.
func TestBatchIOMovesBurstsInBatches(t *testing.T) {
	requireBatchedIO(t)
	p := newPair(t, 1)
	settle(t, p, 50*time.Millisecond)
	cli0, srv0 := ioStatsOf(p.cli), ioStatsOf(p.srv)
	require.NotZero(t, srv0.rxCalls, "the server's service calls read through the batched path (is enet_socket_receive interposed?)")

	const n = 128
	for i := range n {
		require.NoError(t, p.cp.Send(0, batchPayload(i, 1000), 0))
	}
	require.NoError(t, p.cli.Flush())
	cli1 := ioStatsOf(p.cli)
	sent := cli1.txDatagrams - cli0.txDatagrams
	calls := cli1.txCalls - cli0.txCalls
	assert.GreaterOrEqual(t, sent, uint64(n), "each 1000-byte packet is a datagram")
	assert.LessOrEqual(t, calls, uint64(ioDirect+(n-ioDirect+31)/32+1), "%d datagrams in %d calls", sent, calls)
	assert.Zero(t, cli1.txErrors)

	evs := make([]Event, 128)
	got, _ := collectBatches(t, p.srv, evs, make([]byte, 0, 256<<10), n)
	for i, b := range got {
		assert.True(t, bytes.Equal(batchPayload(i, 1000), b), "packet %d", i)
	}
	srv1 := ioStatsOf(p.srv)
	read := srv1.rxDatagrams - srv0.rxDatagrams
	rcalls := srv1.rxCalls - srv0.rxCalls
	assert.GreaterOrEqual(t, read, uint64(n))
	// Plus the calls that found the socket empty.
	assert.LessOrEqual(t, rcalls, uint64(ioDirect+(n-ioDirect+15)/16+4), "%d datagrams in %d calls", read, rcalls)
}

// TestBatchIOServesDatagramsLeftInBatch makes ENet stop reading with
// datagrams left in the read batch and the socket empty: junk datagrams
// ENet ignores, then a packet from the client, read 6 per recvmmsg after
// the first ioDirect reads (which go straight to ENet). ENet stops after
// 256 datagrams; the last few, the packet among them, are no longer in the
// socket to end a wait, so Service must serve them without waiting (the
// wait's hint is 5 s here).
func TestBatchIOServesDatagramsLeftInBatch(t *testing.T) {
	requireBatchedIO(t)
	p := quietPair(t)

	const batch = 6
	old := setIORxBatch(batch)
	t.Cleanup(func() { setIORxBatch(old) })
	reads := ioDirect + batch*((256-ioDirect+batch-1)/batch) // datagrams read by the time ENet took 256
	require.Greater(t, reads, 256, "some are left in the batch")

	junk, err := net.DialUDP("udp4", nil, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p.srv.LocalPort()})
	require.NoError(t, err)
	defer junk.Close()
	// Peer ID 0xFFF (no peer) and no command: ENet reads and drops it.
	for range reads - 1 {
		_, err := junk.Write([]byte{0x0f, 0xff, 0, 0})
		require.NoError(t, err)
	}
	require.NoError(t, p.cp.Send(0, []byte("after the junk"), 0))
	require.NoError(t, p.cli.Flush())

	before := ioStatsOf(p.srv)
	start := time.Now()
	ev, err := p.srv.Service(5 * time.Second)
	took := time.Since(start)
	require.NoError(t, err)
	require.Equal(t, EventReceive, ev.Type, "after %v", took)
	data, err := ev.Peer.Packet()
	require.NoError(t, err)
	assert.Equal(t, "after the junk", string(data))
	assert.Less(t, took, 2*time.Second, "the packet left in the read batch was served without waiting")
	after := ioStatsOf(p.srv)
	assert.Equal(t, uint64(reads), after.rxDatagrams-before.rxDatagrams, "every datagram was read once")
}

// TestBatchIOKnownEmptySocket sends one datagram at a time and checks that
// a service call reads it with one system call: the direct read asks for
// two datagrams, learns that the socket held only this one, and answers
// the read that would end ENet's receive loop with EAGAIN itself (ENet's
// own I/O makes two calls: the datagram, then EAGAIN).
func TestBatchIOKnownEmptySocket(t *testing.T) {
	requireBatchedIO(t)
	p := quietPair(t)

	const rounds = 40
	before := ioStatsOf(p.srv)
	for i := range rounds {
		require.NoError(t, p.cp.Send(0, batchPayload(i, 100), 0)) // unreliable: no acknowledgement
		require.NoError(t, p.cli.Flush())
		require.Eventually(t, func() bool { return socketReadable(uintptr(p.srv.sockFD)) }, 2*time.Second, 100*time.Microsecond,
			"datagram %d in the server's socket", i)
		ev, err := p.srv.Service(time.Second)
		require.NoError(t, err)
		require.Equal(t, EventReceive, ev.Type, "round %d", i)
		data, err := ev.Peer.Packet()
		require.NoError(t, err)
		assert.Equal(t, batchPayload(i, 100), data, "round %d", i)
	}
	after := ioStatsOf(p.srv)
	assert.Equal(t, uint64(rounds), after.rxDatagrams-before.rxDatagrams)
	// A spare call or two for a stray datagram; two per round without
	// the known-empty answer.
	assert.LessOrEqual(t, after.rxCalls-before.rxCalls, uint64(rounds+2), "read system calls for %d datagrams", rounds)
}

// TestBatchIOOff checks that ENETGO_BATCHIO=0 gives hosts created after it
// ENet's own datagram I/O, which still works.
func TestBatchIOOff(t *testing.T) {
	t.Setenv("ENETGO_BATCHIO", "0")
	p := newPair(t, 1)
	require.NoError(t, p.cp.Send(0, []byte("plain"), FlagReliable))
	ev, data := receive(t, p.srv, p.cli)
	require.Equal(t, EventReceive, ev.Type)
	assert.Equal(t, "plain", string(data))
	assert.Equal(t, ioStats{}, ioStatsOf(p.srv))
	assert.Equal(t, ioStats{}, ioStatsOf(p.cli))
}
