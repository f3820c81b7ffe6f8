package scene

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/enetgo/enet/internal/godottest"
	"github.com/enetgo/enet/multiplayer"
	"github.com/enetgo/enet/variant"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goPeer4 is a Go client of a Godot 4 server that records what it gets.
type goPeer4 struct {
	cli  *multiplayer.Client
	m    *Multiplayer
	rec  *recorder
	log  *errLog
	done chan struct{}

	mu   sync.Mutex
	reps []Replication
}

func dialPeer4(t *testing.T, port int) *goPeer4 {
	t.Helper()
	cli, err := multiplayer.Dial(multiplayer.Godot4, "127.0.0.1", port, multiplayer.ClientConfig{})
	require.NoError(t, err)
	t.Cleanup(func() { cli.Close() })
	p := &goPeer4{cli: cli, rec: &recorder{}, log: &errLog{}}
	p.m = New(cli, Config{Replication: func(r Replication) {
		p.mu.Lock()
		p.reps = append(p.reps, r)
		p.mu.Unlock()
	}})
	_, err = p.m.AddNode(NodeConfig{Path: "Player", Methods: []Method{
		{Name: "hello", Mode: Authority, Handler: func(c *Call) error {
			n, err := c.Arg(0).Int()
			p.rec.add("hello %d from %d", n, c.From)
			return err
		}},
		{Name: "next", Mode: AnyPeer},
	}})
	require.NoError(t, err)
	for _, path := range []string{"Player/Sync", "Spawner"} {
		_, err = p.m.AddNode(NodeConfig{Path: path})
		require.NoError(t, err)
	}
	p.done = serve(p.m, cli.Events(), p.log, nil)
	return p
}

// spawns returns the Spawn messages received so far, and the Despawn ones.
func (p *goPeer4) spawns() (sp []*Spawn, de []*Despawn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.reps {
		switch x := r.(type) {
		case *Spawn:
			sp = append(sp, x)
		case *Despawn:
			de = append(de, x)
		}
	}
	return sp, de
}

// synced reports whether a SYNC (or delta, if delta) for netID carrying
// values arrived.
func (p *goPeer4) synced(netID uint32, delta bool, values ...any) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.reps {
		if s, ok := r.(*Sync); ok && s.Delta == delta {
			for _, st := range s.States {
				if st.NetID == netID && assert.ObjectsAreEqual(values, st.Values) {
					return true
				}
			}
		}
	}
	return false
}

// syncedAny reports whether any SYNC or delta arrived for netID.
func (p *goPeer4) syncedAny(netID uint32) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.reps {
		if s, ok := r.(*Sync); ok {
			for _, st := range s.States {
				if st.NetID == netID {
					return true
				}
			}
		}
	}
	return false
}

// TestGodot4ServerSpawnVisibility runs two Go clients against a real
// Godot 4.6.3 server and shows what MultiplayerSynchronizer visibility
// does on the wire. Scene-index spawns are decoded with their fields
// (scene 0, net ids, name, spawn state) and followed by SYNC and DELTA; a
// node visible to client A only is spawned, synced and called (rpc to
// everyone) on A and never reaches B; withdrawing A's visibility sends A a
// DESPAWN; with public visibility, a visibility filter refusing A spawns
// the node on B, and on A too unless the filter also refuses peer 0 (see
// below).
func TestGodot4ServerSpawnVisibility(t *testing.T) {
	godottest.Godot4.Require(t)
	gs, port := startGodotServer(t, godottest.Godot4, "testdata/sync4_server.gd")
	a := dialPeer4(t, port)
	_, err := gs.WaitLine("PEER ", 10*time.Second)
	require.NoError(t, err, gs.Output())
	b := dialPeer4(t, port)
	_, err = gs.WaitLine("STEP spawned", 10*time.Second)
	require.NoError(t, err, gs.Output())

	// A gets the scene spawn, its state, SYNC and DELTA, and hello(7).
	var sp *Spawn
	waitFor(t, 5*time.Second, func() bool {
		s, _ := a.spawns()
		if len(s) > 0 {
			sp = s[0]
		}
		return sp != nil
	}, "A got no SPAWN")
	assert.Equal(t, int32(1), sp.From)
	assert.Equal(t, "Spawner", sp.Spawner)
	assert.Equal(t, uint8(0), sp.SceneID)
	assert.Equal(t, "SceneBot", sp.Name)
	assert.Nil(t, sp.Arg)
	require.Len(t, sp.SyncIDs, 1)
	assert.NotEqual(t, sp.NetID, sp.SyncIDs[0])
	assert.Equal(t, []any{variant.Vector2{X: 5, Y: 6}, variant.Vector2{X: 2, Y: 3}}, sp.State)
	sid := sp.SyncIDs[0]
	waitFor(t, 5*time.Second, func() bool { return a.synced(sid, false, variant.Vector2{X: 9, Y: 10}) }, "A: no SYNC of the bot")
	waitFor(t, 5*time.Second, func() bool { return a.synced(sid, true, 0.5) }, "A: no DELTA of the bot")
	waitFor(t, 5*time.Second, func() bool { return a.rec.has("hello 7 from 1") }, "A: no hello: %v", a.rec)
	var playerSync uint32
	waitFor(t, 5*time.Second, func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		for _, r := range a.reps {
			if s, ok := r.(*Sync); ok && !s.Delta {
				for _, st := range s.States {
					if st.NetID&pathFlag != 0 && assert.ObjectsAreEqual([]any{variant.Vector2{X: 1, Y: 2}}, st.Values) {
						playerSync = st.NetID
						return true
					}
				}
			}
		}
		return false
	}, "A: no SYNC of the path-based Player/Sync")

	// Withdraw A's visibility: A gets DESPAWN. Then public with a filter
	// refusing A: Godot 4.6.3 asks the filter about peer 0 when public
	// visibility changes, finds the node visible to "everyone" and spawns
	// it on B and on A too; its per-frame checks ask about peer 0 only, so
	// A keeps it (and gets its SYNC and RPCs).
	kinds := func(p *goPeer4) []string {
		p.mu.Lock()
		defer p.mu.Unlock()
		var out []string
		for _, r := range p.reps {
			switch x := r.(type) {
			case *Spawn:
				out = append(out, fmt.Sprintf("spawn %d", x.NetID))
			case *Despawn:
				out = append(out, fmt.Sprintf("despawn %d", x.NetID))
			}
		}
		return out
	}
	spawn, despawn := fmt.Sprintf("spawn %d", sp.NetID), fmt.Sprintf("despawn %d", sp.NetID)
	require.NoError(t, a.m.RPC(1, "Player", "next"))
	waitFor(t, 5*time.Second, func() bool { return a.rec.has("hello 8 from 1") }, "A: no hello(8): %v", a.rec)
	assert.Equal(t, []string{spawn, despawn, spawn}, kinds(a))
	var spB *Spawn
	waitFor(t, 5*time.Second, func() bool {
		s, _ := b.spawns()
		if len(s) > 0 {
			spB = s[0]
		}
		return spB != nil
	}, "B got no SPAWN")
	assert.Equal(t, sp.NetID, spB.NetID, "the same node, the same net id")
	assert.Equal(t, sp.SyncIDs, spB.SyncIDs)
	assert.Equal(t, "SceneBot", spB.Name)
	assert.Equal(t, []any{variant.Vector2{X: 9, Y: 10}, variant.Vector2{X: 2, Y: 3}}, spB.State, "spawn state is the current state")

	// A filter that refuses A and peer 0 is applied per peer: A gets
	// DESPAWN, B keeps the node.
	require.NoError(t, a.m.RPC(1, "Player", "next"))
	waitFor(t, 5*time.Second, func() bool { return a.rec.has("hello 9 from 1") }, "A: no hello(9): %v", a.rec)
	assert.Equal(t, []string{spawn, despawn, spawn, despawn}, kinds(a))
	assert.Equal(t, []string{spawn}, kinds(b))
	require.NoError(t, a.m.RPC(1, "Player", "next"))
	out, err := gs.Wait()
	require.NoError(t, err, out)
	require.True(t, godottest.HasLine(out, "PASS"), out)

	// B never saw what was visible to A only.
	assert.False(t, b.rec.has("hello 7 from 1") || b.rec.has("hello 8 from 1") || b.rec.has("hello 9 from 1"), "B got an RPC of a node it cannot see: %v", b.rec)
	assert.False(t, b.syncedAny(playerSync), "B got SYNC of Player/Sync")
	for _, p := range []*goPeer4{a, b} {
		p.cli.Close()
		<-p.done
		assert.Empty(t, p.log.all())
	}
}

// TestVisibilityRules checks Visibility against MultiplayerSynchronizer's
// is_visible_to: filters must all accept, then public or set per peer.
func TestVisibilityRules(t *testing.T) {
	var zero Visibility
	assert.False(t, zero.VisibleTo(2), "the zero value shows nothing")
	v := NewVisibility(false)
	assert.False(t, v.VisibleTo(2))
	v.SetFor(2, true)
	assert.True(t, v.VisibleTo(2))
	assert.False(t, v.VisibleTo(0), "peer 0 asks for public visibility")
	assert.Equal(t, []int32{2}, v.Filter([]int32{4, 3, 2}))
	v.SetFor(2, false)
	assert.Empty(t, v.Filter([]int32{4, 3, 2}))
	v.SetFor(0, true) // public
	v.AddFilter(func(p int32) bool { return p != 3 })
	assert.True(t, v.VisibleTo(0), "the filter accepts peer 0")
	assert.Equal(t, []int32{2, 4}, v.Filter([]int32{4, 3, 2}))
	v.SetPublic(false)
	v.SetFor(3, true)
	assert.False(t, v.VisibleTo(3), "a filter wins over set_visibility_for")
}

// TestVisibilitySends checks who gets what from a Go Godot 4 server with
// a Visibility: RPCs as Godot's _send_rpc filters them (including its
// peer-0 shortcut), and SpawnTo, SyncTo and DespawnTo to exact peer lists.
func TestVisibilitySends(t *testing.T) {
	ft := &fakeTransport{d: multiplayer.Godot4, id: 1, peers: []int32{2, 3, 4}}
	m := New(ft, Config{})
	v := NewVisibility(false)
	v.SetFor(2, true)
	_, err := m.AddNode(NodeConfig{Path: "Player", Visibility: v, Methods: []Method{{Name: "hello"}}})
	require.NoError(t, err)
	_, err = m.AddNode(NodeConfig{Path: "Spawner"})
	require.NoError(t, err)
	to := func(out []sent) (ids []int32) {
		for _, s := range out {
			ids = append(ids, s.to)
		}
		return ids
	}

	require.NoError(t, m.RPC(0, "Player", "hello", 1))
	assert.Equal(t, []int32{2, 2}, to(ft.take()), "SIMPLIFY and the call, to peer 2 only")
	require.NoError(t, m.RPC(-2, "Player", "hello", 1))
	assert.Empty(t, ft.take(), "nobody else sees it")
	err = m.RPC(3, "Player", "hello", 1)
	require.ErrorIs(t, err, ErrNotVisible)
	assert.Empty(t, ft.take())

	// Public with a filter refusing 3: the filter accepts peer 0, so, as in
	// Godot, an rpc to everyone is not restricted at all.
	v.SetPublic(true)
	v.AddFilter(func(p int32) bool { return p != 3 })
	require.NoError(t, m.RPC(0, "Player", "hello", 1))
	assert.Equal(t, []int32{3, 4, 2, 3, 4}, to(ft.take()), "SIMPLIFY to 3 and 4, the call to all")
	require.ErrorIs(t, m.RPC(3, "Player", "hello", 1), ErrNotVisible)
	// A filter that refuses peer 0 restricts per peer.
	v.AddFilter(func(p int32) bool { return p != 0 })
	require.NoError(t, m.RPC(0, "Player", "hello", 1))
	assert.Equal(t, []int32{2, 4}, to(ft.take()))

	bot := &Spawn{Spawner: "Spawner", SceneID: 0, NetID: 1, SyncIDs: []uint32{2}, Name: "Bot"}
	require.NoError(t, m.SpawnTo(v.Filter(m.Peers()), bot))
	got := ft.take()
	assert.Equal(t, []int32{2, 4, 2, 4}, to(got), "SIMPLIFY of the spawner and SPAWN, to 2 and 4")
	assert.Equal(t, byte(cmd4Spawn), got[2].data[0])
	require.NoError(t, m.SyncTo([]int32{4}, &Sync{Time: 1, States: []SyncState{{NetID: 2, Values: []any{int64(1)}}}}))
	require.NoError(t, m.DespawnTo([]int32{2}, 1))
	got = ft.take()
	assert.Equal(t, []int32{4, 2}, to(got))
	assert.Equal(t, multiplayer.Unreliable, got[0].mode)
	assert.Equal(t, []byte{cmd4Despawn, 1, 0, 0, 0}, got[1].data)
	require.NoError(t, m.SpawnTo(nil, bot))
	assert.Empty(t, ft.take(), "a nil list is nobody")
	require.ErrorIs(t, m.SyncTo([]int32{9}, &Sync{States: []SyncState{{NetID: 2, Values: []any{1}}}}), ErrUnknownPeer)
	require.ErrorIs(t, m.SyncTo([]int32{2}, &Sync{}), ErrInvalid, "Godot refuses a SYNC without states")

	_, err = New(&fakeTransport{d: multiplayer.Godot3, id: 1}, Config{}).AddNode(NodeConfig{Path: "X", Visibility: v})
	require.ErrorIs(t, err, ErrUnsupported)
}
