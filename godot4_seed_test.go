package enet

// "The seed API side by side": one scenario of ENetConnection /
// ENetPacketPeer calls (testdata/seed/scenario.txt) runs twice, once by a
// Godot 4.6.3 program using the engine's own classes
// (testdata/godot4/seed_scenario.gd) and once by seedGo using this package,
// each against a fresh Go counterpart (seedCounterpart) that answers
// commands. Both runs write an observation log in the same format; the test
// asserts the two subject logs and the two counterpart logs are equal, with
// tolerance on timing fields (keys starting with "~") and with the
// differences docs/seed-api.md explains listed in seedKnownDiffs.

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/enetgo/enet/internal/godottest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seedTolerance is how far a "~" field may differ between the two runs, per
// key: round-trip times on loopback, and the throttle, which ENet moves with
// the RTT's jitter.
var seedTolerance = map[string]float64{
	"~rtt": 60, "~rtt_var": 60, "~last_rtt": 60, "~last_rtt_var": 60, "~throttle": 8,
	"~ms": 250, // how long a wait took: set_timeout's effect shows here
}

// seedKnownDiffs lists observation lines where our run differs from Godot's
// on purpose (docs/seed-api.md): the Godot line, then ours.
var seedKnownDiffs = map[string]string{
	// refuse_new_connections needs Godot's patched ENet; Debian's Godot is
	// built with the system ENet, where it only logs an error.
	"idle S2 events=connect:203": "idle S2 events=none",
	// Godot checks channel > get_channels(), so channel == get_channels()
	// reaches ENet, which fails: FAILED. We reject every channel outside
	// 0..Channels()-1 with ErrInvalidParameter.
	"send P ch=4 flags=1 err=1": "send P ch=4 flags=1 err=31",
}

// seedKnownCounterpartDiffs lists connections (by connect data) whose
// counterpart log differs on purpose: what the counterpart saw with Godot
// ("" for nothing at all), then with ours. Our Service serves a whole batch:
// after returning CONNECT's pass it serves again, so the acknowledgement of
// the VERIFY_CONNECT leaves before Service returns; Godot's service() sends it
// only on the next call. When the program then calls peer_disconnect_now or
// reset before servicing again, ENet drops that queued acknowledgement, and
// the counterpart never learns of Godot's connection at all, while it sees
// ours connect and end (docs/seed-api.md). For 103 the counterpart may get
// the CONNECT and the DISCONNECT in one batch, and then the peer's channels
// already read 0 when it logs the CONNECT: the later alternatives.
var seedKnownCounterpartDiffs = map[string][]string{
	"103": {"", "103: connect data=103 channels=4 ; disconnect data=9 | ", "103: connect data=103 channels=0 ; disconnect data=9 | "},
	"104": {"", "104: connect data=104 channels=4 ; disconnect data=0 | "},
}

// seedCompareCounterpart compares the counterpart logs connection by
// connection.
func seedCompareCounterpart(t *testing.T, godot, ours []string) {
	t.Helper()
	byID := func(lines []string) map[string]string {
		m := map[string]string{}
		for _, l := range lines {
			id, _, _ := strings.Cut(l, ":")
			m[id] = l
		}
		return m
	}
	g, o := byID(godot), byID(ours)
	ids := map[string]bool{}
	for id := range g {
		ids[id] = true
	}
	for id := range o {
		ids[id] = true
	}
	for id := range ids {
		if want, ok := seedKnownCounterpartDiffs[id]; ok {
			assert.Equal(t, want[0], g[id], "connection %s with Godot: the documented difference changed", id)
			assert.Contains(t, want[1:], o[id], "connection %s with ours: the documented difference changed", id)
			continue
		}
		if !seedLineEqual(g[id], o[id]) {
			t.Errorf("connection %s differs:\n  Godot 4.6.3: %s\n  ours:        %s", id, g[id], o[id])
		}
	}
}

// seedLoad reads the scenario, drops comments and blank lines and replaces
// the $-variables.
func seedLoad(t *testing.T, vars map[string]string) []string {
	b, err := os.ReadFile("testdata/seed/scenario.txt")
	require.NoError(t, err)
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || l[0] == '#' {
			continue
		}
		for k, v := range vars {
			l = strings.ReplaceAll(l, "$"+k, v)
		}
		out = append(out, l)
	}
	return out
}

// seedCounterpart is the Go peer both subjects talk to: a host bound to
// 127.0.0.1 that logs, per connect data, what it sees, and obeys commands
// sent to it as "cmd:..." packets on channel 0.
type seedCounterpart struct {
	h    *Host
	mu   sync.Mutex
	log  map[uint32][]string
	done map[uint32]bool
	stop chan struct{}
	wg   sync.WaitGroup
}

func newSeedCounterpart(t *testing.T) *seedCounterpart {
	c := &seedCounterpart{
		h:    newServer(t, HostConfig{MaxPeers: 16, MaxChannels: 4}),
		log:  map[uint32][]string{},
		done: map[uint32]bool{},
		stop: make(chan struct{}),
	}
	c.wg.Add(1)
	go c.run(t)
	t.Cleanup(c.close)
	return c
}

func (c *seedCounterpart) close() {
	select {
	case <-c.stop:
	default:
		close(c.stop)
	}
	c.wg.Wait()
}

func (c *seedCounterpart) add(data uint32, s string) {
	c.mu.Lock()
	c.log[data] = append(c.log[data], s)
	c.mu.Unlock()
}

// short makes a peer time out within about a second: used for the
// connections the scenario drops without telling the counterpart.
func seedShort(p *Peer) { _ = p.SetTimeout(1, 300*time.Millisecond, 600*time.Millisecond) }

func (c *seedCounterpart) run(t *testing.T) {
	defer c.wg.Done()
	ids := map[*Peer]uint32{}
	for {
		select {
		case <-c.stop:
			return
		default:
		}
		ev, err := c.h.Service(5 * time.Millisecond)
		if err != nil {
			t.Errorf("counterpart: %v", err)
			return
		}
		switch ev.Type {
		case EventConnect:
			if _, ok := ids[ev.Peer]; !ok {
				ids[ev.Peer] = ev.Data
			}
			id := ids[ev.Peer]
			if id == 104 || id == 106 || id >= 200 {
				seedShort(ev.Peer)
			}
			c.add(id, fmt.Sprintf("connect data=%d channels=%d", ev.Data, ev.Peer.Channels()))
		case EventDisconnect:
			id := ids[ev.Peer]
			c.add(id, fmt.Sprintf("disconnect data=%d", ev.Data))
			c.mu.Lock()
			c.done[id] = true
			c.mu.Unlock()
		case EventReceive:
			id := ids[ev.Peer]
			pkt, _ := ev.Peer.Packet()
			c.add(id, fmt.Sprintf("recv ch=%d flags=%d %s", ev.Channel, ev.Flags, seedHead(pkt)))
			c.command(t, ev.Peer, string(pkt), ids)
		}
	}
}

func (c *seedCounterpart) command(t *testing.T, p *Peer, cmd string, ids map[*Peer]uint32) {
	f := strings.Fields(cmd)
	if len(f) == 0 || !strings.HasPrefix(f[0], "cmd:") {
		return
	}
	check := func(err error) {
		if err != nil {
			t.Errorf("counterpart %s: %v", cmd, err)
		}
	}
	switch f[0] {
	case "cmd:send_all":
		check(p.Send(1, []byte("to-you:reliable"), FlagReliable))
		check(p.Send(2, []byte("to-you:unreliable"), 0))
		check(p.Send(3, []byte("to-you:unsequenced"), FlagUnsequenced))
		check(p.Send(1, seedBig(3000), FlagReliable))
		check(p.Send(2, seedBig(2500), FlagUnreliableFragment))
	case "cmd:ack":
		check(p.Send(0, []byte("ack"), FlagReliable))
	case "cmd:disconnect_me":
		check(p.Disconnect(11))
	case "cmd:mute":
		time.Sleep(1500 * time.Millisecond)
	case "cmd:connect":
		port, _ := strconv.Atoi(f[1])
		data, _ := strconv.Atoi(f[2])
		q, err := c.h.ConnectToHost("127.0.0.1", port, 4, uint32(data))
		check(err)
		if q != nil {
			ids[q] = uint32(data)
			seedShort(q)
		}
	}
}

// seedBig is the payload of a big packet: size bytes of i%251.
func seedBig(size int) []byte {
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

// waitDone waits until the counterpart saw every connection in ids end.
func (c *seedCounterpart) waitDone(ids []uint32, d time.Duration) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		n := 0
		for _, id := range ids {
			if c.done[id] {
				n++
			}
		}
		c.mu.Unlock()
		if n == len(ids) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// lines returns the counterpart's log, one line per connection, its
// receipts sorted (their order across channels is not part of the API).
func (c *seedCounterpart) lines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ids []int
	for id := range c.log {
		ids = append(ids, int(id))
	}
	sort.Ints(ids)
	var out []string
	for _, id := range ids {
		var recv, other []string
		for _, s := range c.log[uint32(id)] {
			if strings.HasPrefix(s, "recv ") {
				recv = append(recv, s)
			} else {
				other = append(other, s)
			}
		}
		sort.Strings(recv)
		out = append(out, fmt.Sprintf("%d: %s | %s", id, strings.Join(other, " ; "), strings.Join(recv, " ; ")))
	}
	return out
}

// seedCompare compares two observation logs field by field.
func seedCompare(t *testing.T, godot, ours []string) {
	t.Helper()
	n := max(len(godot), len(ours))
	for i := 0; i < n; i++ {
		var g, o string
		if i < len(godot) {
			g = godot[i]
		}
		if i < len(ours) {
			o = ours[i]
		}
		if want, ok := seedKnownDiffs[g]; ok {
			assert.Equal(t, want, o, "line %d: the documented difference changed (Godot: %q)", i, g)
			continue
		}
		if !seedLineEqual(g, o) {
			t.Errorf("line %d differs:\n  Godot 4.6.3: %s\n  ours:        %s", i, g, o)
		}
	}
}

func seedLineEqual(a, b string) bool {
	fa, fb := strings.Fields(a), strings.Fields(b)
	if len(fa) != len(fb) {
		return false
	}
	for i := range fa {
		if fa[i] == fb[i] {
			continue
		}
		ka, va, _ := strings.Cut(fa[i], "=")
		kb, vb, _ := strings.Cut(fb[i], "=")
		tol, ok := seedTolerance[ka]
		if ka != kb || !ok {
			return false
		}
		x, err1 := strconv.ParseFloat(va, 64)
		y, err2 := strconv.ParseFloat(vb, 64)
		if err1 != nil || err2 != nil || math.Abs(x-y) > tol {
			return false
		}
	}
	return true
}

// TestGodot4SeedSideBySide runs the scenario with Godot 4.6.3 and with our
// API and compares the observations.
func TestGodot4SeedSideBySide(t *testing.T) {
	godottest.Godot4.Require(t)
	start := time.Now()
	ids := []uint32{101, 102, 103, 104, 105, 106, 107, 201, 202, 203}
	run := func(subject func(lines []string) []string) (subj, cp []string) {
		c := newSeedCounterpart(t)
		free := godottest.FreePorts(t, 2)
		lines := seedLoad(t, map[string]string{
			"C": strconv.Itoa(c.h.LocalPort()), "S1": strconv.Itoa(free[0]), "S2": strconv.Itoa(free[1]),
		})
		subj = subject(lines)
		c.waitDone(ids, 3*time.Second)
		c.close()
		return subj, c.lines()
	}
	godotLog, godotCP := run(func(lines []string) []string {
		out := godottest.Godot4.Run(t, "testdata/godot4/seed_scenario.gd", "scenario="+strings.Join(lines, "|"))
		var log []string
		for _, l := range strings.Split(out, "\n") {
			if s, ok := strings.CutPrefix(strings.TrimRight(l, "\r"), "LOG "); ok {
				log = append(log, s)
			}
		}
		return log
	})
	oursLog, oursCP := run(func(lines []string) []string { return seedGo(t, lines) })
	t.Logf("Godot 4.6.3 observations (%d):\n%s", len(godotLog), strings.Join(godotLog, "\n"))
	t.Logf("counterpart with Godot:\n%s", strings.Join(godotCP, "\n"))
	require.NotEmpty(t, godotLog)
	t.Run("Subject", func(t *testing.T) { seedCompare(t, godotLog, oursLog) })
	t.Run("Counterpart", func(t *testing.T) { seedCompareCounterpart(t, godotCP, oursCP) })
	if t.Failed() {
		t.Logf("our observations:\n%s\ncounterpart with ours:\n%s", strings.Join(oursLog, "\n"), strings.Join(oursCP, "\n"))
	}
	t.Logf("took %v", time.Since(start).Round(time.Millisecond))
}
