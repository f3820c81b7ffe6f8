package multiplayer

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/internal/godottest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// This file holds what the Godot 3 and Godot 4 tests with real engines
// share: the events of our server while Godot clients run, raw ENet
// clients that break a Godot server's rules (testdata/godot*/mp_server.gd),
// and what the server printed about them.

// collectUntilLeft reads s's events until n peers left, failing after
// 20 s: the ids that joined, and those that left in order. Every packet
// goes to onPacket.
func collectUntilLeft(t *testing.T, s *Server, p *godottest.Process, n int, onPacket func(Packet)) (joined, left []int32) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for len(left) < n {
		select {
		case ev := <-s.Events():
			switch ev := ev.(type) {
			case PeerJoined:
				joined = append(joined, ev.ID)
			case PeerLeft:
				left = append(left, ev.ID)
			case Packet:
				onPacket(ev)
			}
		case <-deadline:
			require.FailNow(t, "Godot clients did not finish", p.Output())
		}
	}
	return joined, left
}

// refuseThenAdmit runs the no-relay script with engine e against s, which
// refuses new connections: once Godot printed REFUSED, s admits again. It
// returns the ids of Godot's clients a and b (its IDS line) and, after
// Godot exited 0 with PASS, its output.
func refuseThenAdmit(t *testing.T, e *godottest.Engine, s *Server, script string) (a, b int32, out string) {
	t.Helper()
	p := e.StartTimeout(t, 30*time.Second, script, fmt.Sprintf("port=%d", s.Port()))
	_, err := p.WaitLine("REFUSED", godotWait)
	require.NoError(t, err, p.Output())
	require.NoError(t, s.RefuseNewConnections(false))
	line, err := p.WaitLine("IDS ", godotWait)
	require.NoError(t, err, p.Output())
	a, b = field(t, line, "a"), field(t, line, "b")
	out, err = p.Wait()
	require.NoError(t, err, out)
	assert.True(t, godottest.HasLine(out, "PASS"), out)
	return a, b, out
}

// nextN reads the next n events of ch (see next).
func nextN(t *testing.T, ch <-chan Event, n int) []Event {
	t.Helper()
	var events []Event
	for len(events) < n {
		events = append(events, next(t, ch))
	}
	return events
}

// dialShortTimeout connects r to the Godot server at port with data (the
// peer id) and a short timeout, so that a reset by Godot shows up as a
// disconnect soon.
func (r *rawHost) dialShortTimeout(port int, data uint32) *enet.Peer {
	r.t.Helper()
	rp, err := r.h.ConnectToHost("127.0.0.1", port, 3, data)
	require.NoError(r.t, err)
	require.NoError(r.t, rp.SetTimeout(4, 200*time.Millisecond, 800*time.Millisecond))
	return rp
}

// checkResets services r until Godot's server p reset all bad clients
// (their disconnects) and printed legitLine, or godotWait passed. When good
// connects, onConnect sends its packets. No peer in stay may be
// disconnected (the value is the failure message).
func (r *rawHost) checkResets(p *godottest.Process, bad int, good *enet.Peer, onConnect func(), legitLine string, stay map[*enet.Peer]string) {
	t := r.t
	t.Helper()
	disconnects := 0
	legit := false
	until := time.Now().Add(godotWait)
	for (disconnects < bad || !legit) && time.Now().Before(until) {
		ev := r.event(20 * time.Millisecond)
		switch {
		case ev.Type == enet.EventConnect && ev.Peer == good:
			onConnect()
		case ev.Type == enet.EventDisconnect:
			if msg, ok := stay[ev.Peer]; ok {
				require.FailNow(t, msg)
			}
			disconnects++
		}
		_, lerr := p.WaitLine(legitLine, 0)
		legit = lerr == nil
	}
	assert.Equal(t, bad, disconnects, "the bad ids are reset and time out")
	assert.True(t, legit, p.Output())
}

// connectedIDs counts Godot's "CONNECTED id=" lines per id, and checks
// that no line of p mentions a spoofed packet.
func connectedIDs(t *testing.T, p *godottest.Process) map[int32]int {
	t.Helper()
	connected := map[int32]int{}
	for _, l := range p.Lines() {
		if strings.HasPrefix(l, "CONNECTED id=") {
			connected[field(t, l, "id")]++
		}
		assert.NotContains(t, l, "spoof")
	}
	return connected
}
