package scene

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/enetgo/enet/internal/godottest"
	"github.com/enetgo/enet/multiplayer"
	"github.com/enetgo/enet/variant"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGodot4Replication proves server-authoritative replication against a
// real Godot 4.6.3 client: a path-based synchronizer's position follows
// the Go server's SYNC, a custom SPAWN (argument and spawn state) makes the
// client's MultiplayerSpawner instantiate a node whose spawned
// synchronizer then follows SYNC too, DESPAWN removes it, a scene-index
// SPAWN instantiates the client's spawnable scene with the spawn state of
// the scene's synchronizer, follows SYNC and DELTA and is despawned, and
// the client's own synchronizer's SYNC arrives decoded in Go.
func TestGodot4Replication(t *testing.T) {
	godottest.Godot4.Require(t)
	srv := newServer(t, multiplayer.Godot4, multiplayer.ServerConfig{})
	var mu sync.Mutex
	var fromClient []*Sync
	m := New(srv, Config{Replication: func(r Replication) {
		if s, ok := r.(*Sync); ok {
			mu.Lock()
			fromClient = append(fromClient, s)
			mu.Unlock()
		}
	}})
	for _, p := range []string{"Player/Sync", "Spawner", "Mine/Sync"} {
		_, err := m.AddNode(NodeConfig{Path: p})
		require.NoError(t, err)
	}
	log := &errLog{}
	done := serve(m, srv.Events(), log, nil)
	proc := godottest.Godot4.Start(t, "testdata/sync4_client.gd", portArg(srv))
	line, err := proc.WaitLine("READY", 20*time.Second)
	require.NoError(t, err, proc.Output())
	id64, err := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(line, "READY")), 10, 32)
	require.NoError(t, err)
	client := int32(id64)

	// Path-based synchronizer: SIMPLIFY first, SYNC once confirmed.
	var netID uint32
	waitFor(t, 5*time.Second, func() bool {
		var ok bool
		netID, ok, err = m.PathNetID(client, "Player/Sync")
		return err == nil && ok // ErrUnknownPeer until the join is handled
	}, "Player/Sync never confirmed")
	var tick uint16
	syncUntil := func(step string, s SyncState) {
		t.Helper()
		end := time.Now().Add(5 * time.Second)
		for {
			tick++
			require.NoError(t, m.Sync(client, &Sync{Time: tick, States: []SyncState{s}}))
			if _, err := proc.WaitLine("STEP "+step, 30*time.Millisecond); err == nil {
				return
			}
			if time.Now().After(end) {
				t.Fatalf("no %q: %s", step, proc.Output())
			}
		}
	}
	syncUntil("player synced", SyncState{NetID: netID, Values: []any{variant.Vector2{X: 10, Y: 20}}})
	// Delta: bit 0 is the first "on change" property, rotation.
	require.NoError(t, m.Sync(client, &Sync{Delta: true, States: []SyncState{{NetID: netID, Indexes: 1, Values: []any{1.5}}}}))
	_, err = proc.WaitLine("STEP player delta", 5*time.Second)
	require.NoError(t, err, proc.Output())

	require.NoError(t, m.Spawn(client, &Spawn{Spawner: "Spawner", SceneID: InvalidSceneID, NetID: 1, SyncIDs: []uint32{2},
		Name: "Bot", Arg: "bot-arg", State: []any{variant.Vector2{X: 5, Y: 6}}}))
	_, err = proc.WaitLine("STEP spawned", 5*time.Second)
	require.NoError(t, err, proc.Output())
	syncUntil("bot synced", SyncState{NetID: 2, Values: []any{variant.Vector2{X: 7, Y: 8}}})
	require.NoError(t, m.Despawn(client, 1))
	_, err = proc.WaitLine("STEP despawned", 5*time.Second)
	require.NoError(t, err, proc.Output())

	// Scene-index spawn: the client instantiates its spawnable scene 0
	// (res://bot.tscn) and applies the spawn state to the scene's
	// synchronizer: position, then the spawn-only scale.
	require.NoError(t, m.Spawn(client, &Spawn{Spawner: "Spawner", SceneID: 0, NetID: 3, SyncIDs: []uint32{4},
		Name: "SceneBot", State: []any{variant.Vector2{X: 5, Y: 6}, variant.Vector2{X: 2, Y: 3}}}))
	line, err = proc.WaitLine("STEP scene spawned", 5*time.Second)
	t.Log(line)
	require.NoError(t, err, proc.Output())
	syncUntil("scene synced", SyncState{NetID: 4, Values: []any{variant.Vector2{X: 9, Y: 10}}})
	require.NoError(t, m.Sync(client, &Sync{Delta: true, States: []SyncState{{NetID: 4, Indexes: 1, Values: []any{0.5}}}}))
	_, err = proc.WaitLine("STEP scene delta", 5*time.Second)
	require.NoError(t, err, proc.Output())
	require.NoError(t, m.Despawn(client, 3))
	out, err := proc.Wait()
	require.NoError(t, err, out)
	require.True(t, godottest.HasLine(out, "PASS"), out)

	// The client's own synchronizer reached the Go server as SYNC.
	mu.Lock()
	defer mu.Unlock()
	var s *Sync
	for _, x := range fromClient {
		if !x.Delta {
			s = x
		}
	}
	require.NotNil(t, s, "no SYNC from the client")
	assert.Equal(t, client, s.From)
	require.Len(t, s.States, 1)
	assert.NotZero(t, s.States[0].NetID&pathFlag, "path-based net id")
	assert.Equal(t, []any{variant.Vector2{X: 3, Y: 4}}, s.States[0].Values)
	for _, err := range log.all() {
		t.Errorf("unexpected error: %v", err)
	}
	srv.Close()
	<-done
}
