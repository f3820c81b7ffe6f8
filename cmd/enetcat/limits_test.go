package main

import (
	"bytes"
	"context"
	"flag"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/enetgo/enet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// counter reads NAME=N from the text summary's host counters line; 0 when
// it is absent (counters of 0 are not printed).
func counter(t *testing.T, out, name string) int {
	t.Helper()
	m := regexp.MustCompile(`\b` + name + `=(\d+)`).FindStringSubmatch(out)
	if m == nil {
		return 0
	}
	n, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return n
}

// stopServer ends a listening enetcat with SIGTERM and returns its stdout.
func stopServer(t *testing.T, srv *proc) string {
	t.Helper()
	srv.signal(t, syscall.SIGTERM)
	require.Equal(t, 0, srv.exitCode(t), srv.stderr.String())
	return srv.stdout.String()
}

// sendUntilSeen sends numbered lines with prefix from cli until srv prints
// one (the lines are unreliable, and share no datagram with what came
// before them once one is through).
func sendUntilSeen(t *testing.T, cli, srv *proc, prefix string) {
	t.Helper()
	for i := 0; i < 50; i++ {
		cli.send(t, prefix+strconv.Itoa(i))
		if _, ok := srv.stdout.waitOK(prefix, 200*time.Millisecond); ok {
			return
		}
	}
	require.FailNow(t, "no line got through", "server stdout:\n%s\nstderr:\n%s", srv.stdout.String(), srv.stderr.String())
}

// TestMaxPacketSizeDropsAndCounts: --max-packet-size reaches the host: a
// client's packet over it is dropped by the inbound checks and counted in
// --stats, while smaller ones pass. With --unguarded the checks are off
// (the log and the summary say so): C ENet drops the packet too (it checks
// its maximumPacketSize itself), but nothing counts it.
func TestMaxPacketSizeDropsAndCounts(t *testing.T) {
	big := strings.Repeat("x", 500)

	srv, port := listen(t, "--max-packet-size", "100", "--stats")
	assert.Contains(t, srv.stderr.String(), "inbound checks on; limits: --max-packet-size")
	cli := connect(t, srv, port, "--flags", "unsequenced")
	cli.send(t, big)
	sendUntilSeen(t, cli, srv, "small-")
	out := stopServer(t, srv)
	assert.NotContains(t, out, big, "the oversized packet is dropped")
	assert.GreaterOrEqual(t, counter(t, out, "HOST_DROPPED_OVERSIZE"), 1, out)
	assert.Contains(t, out, "inbound checks on; host counters: ")

	srv, port = listen(t, "--max-packet-size", "100", "--unguarded", "--stats")
	assert.Contains(t, srv.stderr.String(), "inbound checks off (--unguarded)")
	cli = connect(t, srv, port, "--flags", "unsequenced")
	cli.send(t, big)
	sendUntilSeen(t, cli, srv, "small-")
	out = stopServer(t, srv)
	assert.NotContains(t, out, big, "ENet's own check")
	assert.Zero(t, counter(t, out, "HOST_DROPPED_OVERSIZE"), out)
	assert.Contains(t, out, "inbound checks off (--unguarded); host counters: ")
}

// TestPeersPerAddressJSON: --peers-per-address 1 refuses a second
// connection from the same address, and the --json stats record counts it.
func TestPeersPerAddressJSON(t *testing.T) {
	srv, port := listen(t, "--peers-per-address", "1", "--stats", "--json")
	connect(t, srv, port)
	second := start(t, "connect", "127.0.0.1:"+strconv.Itoa(port), "--timeout", "1s")
	assert.Equal(t, 1, second.exitCode(t), "the second peer of 127.0.0.1 cannot connect")
	second.stderr.wait(t, "cannot connect")
	stopServer(t, srv)

	stats := find(decode(t, srv.stdout.Lines()), "stats")
	require.Len(t, stats, 1)
	assert.Equal(t, "on", stats[0]["inbound_checks"])
	counters, ok := stats[0]["host_counters"].(map[string]any)
	require.True(t, ok, "host_counters in %v", stats[0])
	assert.GreaterOrEqual(t, counters["HOST_DROPPED_ADDRESS_LIMIT"], float64(1), counters)
	for name, v := range counters {
		assert.NotZero(t, v, "%s: only nonzero counters are listed", name)
	}
}

// TestRefuse: --refuse refuses every connection (ENet completes the
// handshake, the host disconnects the peer at once without reporting it)
// and counts them.
func TestRefuse(t *testing.T) {
	srv, port := listen(t, "--refuse", "--stats")
	assert.Contains(t, srv.stderr.String(), "refusing new connections")
	cli := start(t, "connect", "127.0.0.1:"+strconv.Itoa(port))
	cli.stderr.wait(t, "disconnected")
	assert.Equal(t, 0, cli.exitCode(t))
	out := stopServer(t, srv)
	assert.NotContains(t, srv.stderr.String(), " connected", "the server never saw the peer")
	assert.Equal(t, 1, counter(t, out, "HOST_REFUSED_CONNECTIONS"), out)
}

// TestPeerMemoryCutAndBan: --peer-memory and --cut-ban reach the host: a
// client sending a packet larger than the limit is cut (its first fragment
// makes ENet allocate the whole packet) and counted; --cut-ban decides
// whether its address may connect again at once.
func TestPeerMemoryCutAndBan(t *testing.T) {
	huge := strings.Repeat("y", 200<<10)
	for _, tc := range []struct {
		name   string
		args   []string
		banned bool
	}{
		{"default ban", []string{"--peer-memory", "64KiB"}, true},
		{"no ban", []string{"--peer-memory", "64KiB", "--cut-ban", "0"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, port := listen(t, append(tc.args, "--stats")...)
			cli := connect(t, srv, port)
			cli.send(t, huge)
			srv.stderr.wait(t, "disconnected")
			again := start(t, "connect", "127.0.0.1:"+strconv.Itoa(port), "--timeout", "1s")
			if tc.banned {
				assert.Equal(t, 1, again.exitCode(t), "the cut peer's address is banned (--cut-ban's default 10s)")
			} else {
				require.Eventually(t, func() bool {
					return strings.Count(srv.stderr.String(), " connected") == 2
				}, waitTime, 10*time.Millisecond, "--cut-ban 0: the address may connect again")
			}
			out := stopServer(t, srv)
			assert.NotContains(t, out, huge)
			assert.Equal(t, 1, counter(t, out, "HOST_PEERS_CUT"), out)
			assert.GreaterOrEqual(t, counter(t, out, "HOST_DROPPED_PEER_MEMORY"), 1, out)
			if tc.banned {
				assert.GreaterOrEqual(t, counter(t, out, "HOST_DROPPED_BANNED"), 1, out)
			} else {
				assert.Zero(t, counter(t, out, "HOST_DROPPED_BANNED"), out)
			}
		})
	}
}

// TestHostMemoryCut: --host-memory reaches the host: a packet larger than
// the host's whole budget is dropped and counted, and its sender cut (it
// could never be served).
func TestHostMemoryCut(t *testing.T) {
	huge := strings.Repeat("z", 200<<10)
	srv, port := listen(t, "--host-memory", "64KiB", "--stats")
	cli := connect(t, srv, port)
	cli.send(t, huge)
	srv.stderr.wait(t, "disconnected")
	out := stopServer(t, srv)
	assert.NotContains(t, out, huge)
	assert.GreaterOrEqual(t, counter(t, out, "HOST_DROPPED_HOST_MEMORY"), 1, out)
	assert.Equal(t, 1, counter(t, out, "HOST_PEERS_CUT"), out)
}

// TestLimitFlagsConfig: every limit flag lands in the host's configuration,
// sizes with or without a unit.
func TestLimitFlagsConfig(t *testing.T) {
	o, err := parseArgs([]string{"listen", "--port", "0", "--max-peers", "64", "--channels", "3",
		"--max-packet-size", "1MiB", "--max-waiting-data", "2048", "--peers-per-address", "3",
		"--address-share", "-1", "--pending-per-address", "2", "--pending-limit", "-1",
		"--peer-memory", "4MiB", "--peer-commands", "1000", "--host-memory", "1GiB",
		"--cut-ban", "30s", "--refuse"}, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, enet.HostConfig{MaxPeers: 64, MaxChannels: 3,
		MaxPacketSize: 1 << 20, MaxWaitingData: 2048, PeersPerAddress: 3, AddressShare: -1,
		PendingPerAddress: 2, PendingLimit: -1, PeerMemoryLimit: 4 << 20, PeerCommandLimit: 1000,
		HostMemoryLimit: 1 << 30, CutBan: 30 * time.Second, RefuseNewConnections: true}, o.hostConfig())

	o, err = parseArgs([]string{"listen", "--port", "0", "--peer-memory", "-1", "--host-memory", "512 kib",
		"--cut-ban", "0", "--peer-commands", "-1", "--address-share", "5"}, &bytes.Buffer{})
	require.NoError(t, err)
	c := o.hostConfig()
	assert.Equal(t, -1, c.PeerMemoryLimit)
	assert.Equal(t, 512<<10, c.HostMemoryLimit)
	assert.Equal(t, time.Duration(-1), c.CutBan, "--cut-ban 0 is no ban")
	assert.Equal(t, -1, c.PeerCommandLimit)
	assert.Equal(t, 5, c.AddressShare)

	o, err = parseArgs([]string{"listen", "--port", "0", "--unguarded", "--max-packet-size", "64K"}, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, enet.HostConfig{MaxPeers: enet.DefaultMaxPeers, MaxPacketSize: 64 << 10, Unguarded: true}, o.hostConfig())

	o, err = parseArgs([]string{"listen", "--port", "0"}, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, enet.HostConfig{MaxPeers: enet.DefaultMaxPeers}, o.hostConfig(), "no flag: the package's defaults")

	// --godot3/--godot4 take the limits too (multiplayer.ServerConfig.Limits).
	o, err = parseArgs([]string{"listen", "--port", "0", "--godot4", "--refuse", "--peer-memory", "1MiB"}, &bytes.Buffer{})
	require.NoError(t, err)
	assert.True(t, o.limits.cfg.RefuseNewConnections)
	assert.Equal(t, 1<<20, o.limits.cfg.PeerMemoryLimit)
}

// TestGodotRefuse: --refuse reaches the Godot server's host too: the
// client's ENet connection is cut at once and the server never reports a
// joined peer.
func TestGodotRefuse(t *testing.T) {
	srv, port := listen(t, "--godot4", "--refuse")
	assert.Contains(t, srv.stderr.String(), "refusing new connections")
	cli := start(t, "connect", "127.0.0.1:"+strconv.Itoa(port), "--godot4", "--timeout", "1s")
	cli.exitCode(t)
	srv.signal(t, syscall.SIGTERM)
	require.Equal(t, 0, srv.exitCode(t), srv.stderr.String())
	assert.NotContains(t, srv.stderr.String(), "joined", "the server never admitted the client")
}

func TestBadLimitFlags(t *testing.T) {
	// The binary: exit 2 with the message.
	p := start(t, "listen", "--port", "0", "--max-packet-size", "2GiB")
	assert.Equal(t, 2, p.exitCode(t))
	assert.Contains(t, p.stderr.wait(t, "max-packet-size"), "want a size of 1 B..1 GiB")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-packet-size", "0"}, "want a size of 1 B..1 GiB"},
		{[]string{"--max-packet-size", "-1"}, "-1 (no limit) is not allowed"},
		{[]string{"--max-packet-size", "12XB"}, "with a KiB, MiB or GiB suffix"},
		{[]string{"--max-packet-size", "1.5MiB"}, "want a size"},
		{[]string{"--max-waiting-data", "-5"}, "want a size"},
		{[]string{"--peers-per-address", "0"}, "want 1..4095"},
		{[]string{"--peers-per-address", "4096"}, "want 1..4095"},
		{[]string{"--peers-per-address", "-1"}, "-1 (no limit) is not allowed"},
		{[]string{"--address-share", "-2"}, "want 1..4095, or -1 for no limit"},
		{[]string{"--pending-per-address", "x"}, "or -1 for no limit"},
		{[]string{"--pending-limit", "0"}, "or -1 for no limit"},
		{[]string{"--peer-memory", "4QiB"}, "invalid value \"4QiB\" for flag -peer-memory"},
		{[]string{"--peer-commands", "2000000000"}, "want 1..1073741824"},
		{[]string{"--host-memory", "2048GiB"}, "want a size of 1 B..1024 GiB"},
		{[]string{"--cut-ban", "2h"}, "want a duration up to 1h0m0s"},
		{[]string{"--cut-ban", "-5s"}, "want a duration"},
		{[]string{"--cut-ban", "soon"}, "want a duration"},
		{[]string{"--unguarded", "--peer-memory", "1MiB"}, "--peer-memory is a limit of the inbound checks, which --unguarded turns off"},
		{[]string{"--cut-ban", "1s", "--unguarded"}, "--cut-ban is a limit of the inbound checks"},
		{[]string{"--godot4", "--unguarded", "--cut-ban", "1s"}, "--cut-ban is a limit of the inbound checks"},
	} {
		var stdout, stderr bytes.Buffer
		args := append([]string{"listen", "--port", "1"}, tc.args...)
		code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
		assert.Equal(t, exitUsage, code, "%q", tc.args)
		assert.Contains(t, stderr.String(), tc.want, "%q", tc.args)
		assert.Contains(t, stderr.String(), "enetcat -h", "%q", tc.args)
	}

	// The limits are listen's: connect does not know them.
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"connect", "localhost:1", "--refuse"}, strings.NewReader(""), &stdout, &stderr)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr.String(), "not defined")
}

func TestParseLimitSize(t *testing.T) {
	for in, want := range map[string]int{
		"1": 1, "100": 100, "100B": 100, "4KiB": 4 << 10, "4k": 4 << 10, "4 MiB": 4 << 20,
		"2m": 2 << 20, "1GiB": 1 << 30, "1g": 1 << 30, "-1": -1,
	} {
		got, err := parseLimitSize(in, maxLimitSize, true)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, got, in)
		}
	}
	_, err := parseLimitSize("1GiB", 1<<30-1, false)
	assert.Error(t, err, "over max")
	_, err = parseLimitSize("-1", maxLimitSize, false)
	assert.ErrorIs(t, err, errNoLimit)
}

// TestUsageListsEveryFlag: -h documents every flag of both subcommands.
func TestUsageListsEveryFlag(t *testing.T) {
	for _, name := range []string{"listen", "connect"} {
		fs, _, _ := newFlagSet(name, &options{}, &bytes.Buffer{})
		fs.VisitAll(func(f *flag.Flag) {
			dash := "--"
			if len(f.Name) == 1 {
				dash = "-"
			}
			assert.Contains(t, usageText, "  "+dash+f.Name+" ", "%s: -h lists %s%s", name, dash, f.Name)
		})
	}
}
