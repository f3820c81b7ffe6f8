package enet

import (
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of what differs between the libenet builds and versions the
// binding runs on (docs/platforms.md).

// requireBatchedIO skips t, with BatchedIO's reason, when hosts created
// now do not get batched datagram I/O.
func requireBatchedIO(t *testing.T) {
	t.Helper()
	if on, reason := BatchedIO(); !on {
		t.Skip("batched I/O " + reason)
	}
}

// linkedAtLeast1318 reports whether the linked libenet is 1.3.18 or newer.
func linkedAtLeast1318() bool { return linkedVersion() >= 1<<16|3<<8|18 }

// TestBatchedIODetected checks that BatchedIO agrees with what hosts get
// and with what their service calls do: when it says on, a host's reads
// pass through the batched path (its counters move); when off, they stay
// at zero and the host still works.
func TestBatchedIODetected(t *testing.T) {
	on, reason := BatchedIO()
	t.Logf("batched I/O %s; libenet %s", reason, LinkedVersion())
	require.NotEmpty(t, reason)
	p := newPair(t, 1)
	assert.Equal(t, on, p.srv.BatchedIO())
	assert.Equal(t, on, p.cli.BatchedIO())
	require.NoError(t, p.cp.Send(0, []byte("detected"), FlagReliable))
	ev, data := receive(t, p.srv, p.cli)
	require.Equal(t, EventReceive, ev.Type)
	assert.Equal(t, "detected", string(data))
	if on {
		assert.NotZero(t, ioStatsOf(p.srv).rxDatagrams, "datagrams read through the batched path")
	} else {
		assert.Equal(t, ioStats{}, ioStatsOf(p.srv))
	}
	require.NoError(t, p.srv.Destroy())
	assert.False(t, p.srv.BatchedIO(), "destroyed")
}

// TestBatchedIOEnvOff checks that ENETGO_BATCHIO=0 turns batching off for
// hosts created afterwards and says so, and that any other value leaves it
// to the probe.
func TestBatchedIOEnvOff(t *testing.T) {
	t.Setenv(batchIOEnv, "0")
	on, reason := BatchedIO()
	assert.False(t, on)
	if ioStatus() != ioOffPortable {
		assert.Contains(t, reason, batchIOEnv+"=0")
	}
	h := newServer(t, HostConfig{})
	assert.False(t, h.BatchedIO())

	t.Setenv(batchIOEnv, "1")
	on, reason = BatchedIO()
	assert.NotContains(t, reason, batchIOEnv)
	h = newServer(t, HostConfig{})
	assert.Equal(t, on, h.BatchedIO(), reason)
}

// TestBatchedIOProbeInChild runs the probe in a fresh process (the
// package's test binary, one test) so the once-per-process detection is
// exercised from its start, and checks it reaches the same answer.
func TestBatchedIOProbeInChild(t *testing.T) {
	if os.Getenv("ENETGO_PROBE_CHILD") == "1" {
		on, reason := BatchedIO()
		t.Logf("CHILD %v %s", on, reason)
		return
	}
	on, _ := BatchedIO()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBatchedIOProbeInChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "ENETGO_PROBE_CHILD=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	want := "CHILD false"
	if on {
		want = "CHILD true"
	}
	assert.Contains(t, string(out), want)
}

// TestTruncatedDatagramsEitherPath checks that a datagram longer than
// ENet's 4096-byte buffer is dropped the same way on both I/O paths: as
// the linked libenet's own read does (1.3.17: enet_host_service fails once
// per datagram, counted in HostServiceErrors; 1.3.18: ENet skips it
// silently), with the datagrams around it served.
func TestTruncatedDatagramsEitherPath(t *testing.T) {
	for _, path := range []string{"default", "enet own"} {
		t.Run(path, func(t *testing.T) {
			if path == "enet own" {
				t.Setenv(batchIOEnv, "0")
			}
			p := newPair(t, 1)
			settle(t, p, 50*time.Millisecond)
			t.Logf("batched: %v, libenet %s", p.srv.BatchedIO(), LinkedVersion())
			errs0 := p.srv.Statistic(HostServiceErrors)
			junk, err := net.DialUDP("udp4", nil, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p.srv.LocalPort()})
			require.NoError(t, err)
			defer junk.Close()
			require.NoError(t, p.cp.Send(0, []byte("before"), 0))
			require.NoError(t, p.cli.Flush())
			for _, n := range []int{4097, 5000, 65000} {
				_, err := junk.Write(make([]byte, n))
				require.NoError(t, err)
			}
			require.NoError(t, p.cp.Send(0, []byte("after"), 0))
			require.NoError(t, p.cli.Flush())
			var got []string
			pumpUntil(t, 3*time.Second, func(h *Host, ev Event) bool {
				if h == p.srv && ev.Type == EventReceive {
					data, err := ev.Peer.Packet()
					require.NoError(t, err)
					got = append(got, string(data))
				}
				return len(got) == 2
			}, p.srv, p.cli)
			assert.Equal(t, []string{"before", "after"}, got)
			want := uint64(3)
			if linkedAtLeast1318() {
				want = 0
			}
			assert.Equal(t, want, p.srv.Statistic(HostServiceErrors)-errs0, "service errors for 3 datagrams over 4096 bytes, libenet %s", LinkedVersion())
		})
	}
}

// TestWaitHintSeesQueuedReliable checks that a reliable packet queued and
// not yet sent makes the wait hint short (5 ms) on every ENet version:
// 1.3.18 keeps such packets on a list of their own
// (outgoingSendReliableCommands) that 1.3.17 does not have. Without it
// the hint would be half the ping interval (5 s here) and the packet
// would wait that long for a service call to send it.
func TestWaitHintSeesQueuedReliable(t *testing.T) {
	p := quietPair(t)
	hint := func(send bool) time.Duration {
		p.cli.mu.Lock()
		defer p.cli.mu.Unlock()
		if send {
			require.True(t, hostSend(p.cli.c, p.cp.slot, 0, []byte("queued"), FlagReliable))
		}
		require.Zero(t, hostSendService(p.cli.c, nil, nil, false), "dispatch only: no events")
		return hostWaitHint(p.cli.c)
	}
	assert.Equal(t, 5*time.Second, hint(false), "nothing queued: half the ping interval")
	assert.Equal(t, 5*time.Millisecond, hint(true), "a reliable packet queued (libenet %s)", LinkedVersion())
	_, data := receive(t, p.srv, p.cli)
	assert.Equal(t, "queued", string(data))
}

// TestLinkedVersionMatchesEnv checks, when the compatibility matrix
// (scripts/compat.sh) says which libenet a row links, that it is the one
// loaded, and that batching is what the row expects.
func TestLinkedVersionMatchesEnv(t *testing.T) {
	want := os.Getenv("ENETGO_EXPECT_VERSION")
	wantIO := os.Getenv("ENETGO_EXPECT_BATCHIO")
	if want == "" && wantIO == "" {
		t.Skip("ENETGO_EXPECT_VERSION / ENETGO_EXPECT_BATCHIO not set (scripts/compat.sh sets them)")
	}
	if want != "" {
		assert.Equal(t, want, LinkedVersion())
	}
	if wantIO != "" {
		on, reason := BatchedIO()
		assert.Equal(t, wantIO == "on", on, reason)
		assert.True(t, strings.HasPrefix(reason, wantIO+":"), reason)
	}
}
