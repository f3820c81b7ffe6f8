package multiplayer

import (
	"strings"
	"testing"
	"time"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/internal/godottest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// This file holds what the Godot 3 and Godot 4 tests against a real Godot
// server (testdata/godot*/mp_server.gd) share: raw ENet clients that break
// the server's rules, and what the server printed about them.

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
