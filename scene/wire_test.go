package scene

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/enetgo/enet/multiplayer"
	"github.com/enetgo/enet/variant"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func hx(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// TestChecksumAndIDs: MD5 of the names in id order, node-config names
// first with ids from 0x8000, each group sorted by code point.
func TestChecksumAndIDs(t *testing.T) {
	m := New(&fakeTransport{d: multiplayer.Godot4, id: 2, peers: []int32{1}}, Config{})
	n, err := m.AddNode(NodeConfig{Path: "/root/Chat", Methods: []Method{{Name: "say", Mode: AnyPeer}}})
	require.NoError(t, err)
	assert.Equal(t, "a53ff64efd169c1b4d085d6e7075c8d7", n.Checksum())
	assert.Equal(t, "Chat", n.Path())

	e, err := m.AddNode(NodeConfig{Path: "Empty"})
	require.NoError(t, err)
	assert.Equal(t, "d41d8cd98f00b204e9800998ecf8427e", e.Checksum())

	o, err := m.AddNode(NodeConfig{Path: "/root/Order", Methods: []Method{
		{Name: "zeta"}, {Name: "Alpha"}, {Name: "beta"}, {Name: "é"}, {Name: "b"},
		{Name: "nodecfg", NodeConfig: true}, {Name: "anode", NodeConfig: true},
	}})
	require.NoError(t, err)
	for name, want := range map[string]uint16{"anode": 0x8000, "nodecfg": 0x8001, "Alpha": 0, "b": 1, "beta": 2, "zeta": 3, "é": 4} {
		id, ok := o.MethodID(name)
		require.True(t, ok, name)
		assert.Equal(t, want, id, name)
		assert.Equal(t, name, o.method(id).Name)
	}
	assert.Nil(t, o.method(5))
	assert.Nil(t, o.method(0x8002))
	assert.Equal(t, md5hex("anodenodecfgAlphabbetazetaé"), o.Checksum())
}

// TestGodot4Vectors checks byte vectors derived from Godot 4's sources (docs/rpc.md): the first call
// (SIMPLIFY_PATH then the full-path form), CONFIRM_PATH in both forms,
// the call after confirmation and the argument shapes.
func TestGodot4Vectors(t *testing.T) {
	ft := &fakeTransport{d: multiplayer.Godot4, id: 2, peers: []int32{1}}
	m := New(ft, Config{})
	_, err := m.AddNode(NodeConfig{Path: "/root/Chat", Methods: []Method{{Name: "say", Mode: AnyPeer}}})
	require.NoError(t, err)
	require.NoError(t, m.RPC(1, "Chat", "say", "hi"))
	out := ft.take()
	require.Len(t, out, 2)
	assert.Equal(t, hx("01 6135336666363465666431363963316234643038356436653730373563386437 00 01000000 4368617400"), out[0].data)
	assert.Equal(t, sent{1, hx("20 13000080 00 01 040000000200000068690000 4368617400"), multiplayer.Reliable, 0}, out[1])

	// Not confirmed yet: the full path again, no new SIMPLIFY.
	require.NoError(t, m.RPC(1, "Chat", "say", "hi"))
	out = ft.take()
	require.Len(t, out, 1)
	assert.Equal(t, hx("20 13000080 00 01 040000000200000068690000 4368617400"), out[0].data)

	require.NoError(t, m.HandlePacket(1, hx("02 01 01000000"), Reliable, 0))
	require.NoError(t, m.RPC(1, "Chat", "say", "hi"))
	assert.Equal(t, hx("00 01 00 01 040000000200000068690000"), ft.take()[0].data)

	for _, c := range []struct {
		args []any
		want string
	}{
		{nil, "80 01 00"},
		{[]any{[]byte{1, 2, 3}}, "80 01 00 010203"},
		{[]any{true, 300, 100000}, "00 01 00 03 81 422C01 82A0860100"},
		{[]any{int64(1) << 40}, "00 01 00 01 C2 0000000000010000"},
		{[]any{false, -1, int8(-128), -129}, "00 01 00 04 01 02FF 0280 427FFF"},
		{[]any{1.5, nil}, "00 01 00 02 030000000000C03F 00000000"},
	} {
		require.NoError(t, m.RPC(1, "Chat", "say", c.args...))
		assert.Equal(t, hx(c.want), ft.take()[0].data, "%v", c.args)
	}
}

// TestGodot4Receive checks the receiving side: SIMPLIFY_PATH answered
// with CONFIRM_PATH in each form, calls by path and by id, relayed ids.
func TestGodot4Receive(t *testing.T) {
	for _, form := range []ConfirmForm{Confirm43, Confirm40} {
		ft := &fakeTransport{d: multiplayer.Godot4, id: 1, peers: []int32{5}}
		m := New(ft, Config{Confirm: form})
		var got []string
		_, err := m.AddNode(NodeConfig{Path: "/root/Chat", Methods: []Method{{Name: "say", Mode: AnyPeer, Handler: func(c *Call) error {
			s, err := c.Arg(0).String()
			got = append(got, s)
			return err
		}}}})
		require.NoError(t, err)
		// Full-path call before any SIMPLIFY.
		require.NoError(t, m.HandlePacket(5, hx("20 13000080 00 01 040000000200000068690000 4368617400"), Reliable, 0))
		require.NoError(t, m.HandlePacket(5, hx("01 6135336666363465666431363963316234643038356436653730373563386437 00 07000000 4368617400"), Reliable, 0))
		out := ft.take()
		require.Len(t, out, 1)
		if form == Confirm43 {
			assert.Equal(t, sent{5, hx("02 01 07000000"), multiplayer.Reliable, 0}, out[0])
		} else {
			assert.Equal(t, sent{5, hx("02 01 4368617400"), multiplayer.Reliable, 0}, out[0])
		}
		require.NoError(t, m.HandlePacket(5, hx("00 07 00 01 040000000300000079657300"), Reliable, 0))
		// u16 and u32 node ids with the same cached id.
		require.NoError(t, m.HandlePacket(5, hx("10 0700 00 01 0400000001000000 7a000000"), Reliable, 0))
		assert.Equal(t, []string{"hi", "yes", "z"}, got)
		assert.EqualValues(t, 3, m.Stats().Calls)
	}
}

// TestGodot3Vectors checks byte vectors derived from Godot 3's sources (docs/rpc.md; the 8-byte
// transport header is the multiplayer package's).
func TestGodot3Vectors(t *testing.T) {
	ft := &fakeTransport{d: multiplayer.Godot3, id: 1234567890, peers: []int32{1}}
	m := New(ft, Config{})
	_, err := m.AddNode(NodeConfig{Path: "/root/Chat", Methods: []Method{{Name: "say", Mode: Remote}}})
	require.NoError(t, err)
	require.NoError(t, m.RPC(1, "Chat", "say", "hi"))
	out := ft.take()
	require.Len(t, out, 2)
	assert.Equal(t, sent{1, hx("02 01000000 4368617400"), multiplayer.Reliable, 0}, out[0])
	assert.Equal(t, sent{1, hx("00 16000080 73617900 01 040000000200000068690000 4368617400"), multiplayer.Reliable, 0}, out[1])
	require.NoError(t, m.HandlePacket(1, hx("03 4368617400"), Reliable, 0))
	require.NoError(t, m.RPC(1, "Chat", "say", "hi"))
	assert.Equal(t, hx("00 01000000 73617900 01 040000000200000068690000"), ft.take()[0].data)

	// The receiving side: SIMPLIFY answered with CONFIRM, an rset by id.
	var score int64
	srv := &fakeTransport{d: multiplayer.Godot3, id: 1, peers: []int32{9}}
	sm := New(srv, Config{})
	_, err = sm.AddNode(NodeConfig{Path: "Chat", Properties: []Property{{Name: "score", Mode: Remote, Handler: func(c *Call) error {
		var err error
		score, err = c.Arg(0).Int()
		return err
	}}}})
	require.NoError(t, err)
	require.NoError(t, sm.HandlePacket(9, hx("02 03000000 4368617400"), Reliable, 0))
	assert.Equal(t, []sent{{9, hx("03 4368617400"), multiplayer.Reliable, 0}}, srv.take())
	require.NoError(t, sm.HandlePacket(9, hx("01 03000000 73636f726500 02000000 2a000000"), Reliable, 0))
	assert.EqualValues(t, 42, score)
	// An rset from Go: [1][id][name][value].
	require.NoError(t, sm.RSet(9, "Chat", "score", 5, Unreliable))
	out = srv.take()
	require.Len(t, out, 2)
	assert.Equal(t, hx("02 01000000 4368617400"), out[0].data)
	assert.Equal(t, sent{9, hx("01 13000080 73636f726500 02000000 05000000 4368617400"), multiplayer.Unreliable, 0}, out[1])
}

// TestCompressedRoundTrip: every compact int width and bool, and the
// plain Variant fallback, decode to what was encoded.
func TestCompressedRoundTrip(t *testing.T) {
	for _, v := range []any{true, false, int64(0), int64(127), int64(-128), int64(128), int64(-32769), int64(1) << 31,
		int64(-1) << 63, 1.25, "x", variant.Vector2{X: 1, Y: 2}, []byte{1}, nil, []any{int64(1)}} {
		b, err := AppendCompressed([]byte{0xAA}, v)
		require.NoError(t, err)
		got, n, err := DecodeCompressed(b[1:])
		require.NoError(t, err)
		assert.Equal(t, len(b)-1, n)
		assert.Equal(t, v, got)
	}
}

// TestReplicationLayouts checks SPAWN, DESPAWN, SYNC and delta bytes
// both ways.
func TestReplicationLayouts(t *testing.T) {
	ft := &fakeTransport{d: multiplayer.Godot4, id: 1, peers: []int32{5}}
	var got []Replication
	m := New(ft, Config{Replication: func(r Replication) { got = append(got, r) }})
	_, err := m.AddNode(NodeConfig{Path: "Spawner"})
	require.NoError(t, err)
	sp := &Spawn{Spawner: "Spawner", SceneID: InvalidSceneID, NetID: 1, SyncIDs: []uint32{2}, Name: "Bot", Arg: "a", State: []any{7}}
	require.NoError(t, m.Spawn(5, sp))
	out := ft.take()
	require.Len(t, out, 2)
	assert.Equal(t, sent{5, appendSimplify4(nil, md5hex(""), 1, "Spawner"), multiplayer.Reliable, 0}, out[0])
	spawn := hx("04 ff 01000000 01000000 01000000 04000000 02000000 426f7400 0c000000 0400000001000000 61000000 0207")
	assert.Equal(t, sent{5, spawn, multiplayer.Reliable, 0}, out[1])
	require.NoError(t, m.Despawn(5, 1))
	assert.Equal(t, sent{5, hx("05 01000000"), multiplayer.Reliable, 0}, ft.take()[0])
	require.NoError(t, m.Sync(5, &Sync{Time: 0x102, States: []SyncState{{NetID: 2, Values: []any{variant.Vector2{X: 1, Y: 2}}}}}))
	syncPkt := hx("06 0201 02000000 0c000000 050000000000803f00000040")
	assert.Equal(t, sent{5, syncPkt, multiplayer.Unreliable, 0}, ft.take()[0])
	require.NoError(t, m.Sync(5, &Sync{Delta: true, States: []SyncState{{NetID: 0x80000003, Indexes: 5, Values: []any{true, 1}}}}))
	delta := hx("16 03000080 0500000000000000 03000000 81 0201")
	assert.Equal(t, sent{5, delta, multiplayer.Reliable, 0}, ft.take()[0])

	// The same bytes received from peer 5, which simplified its spawner
	// as id 1.
	require.NoError(t, m.HandlePacket(5, appendSimplify4(nil, md5hex(""), 1, "Spawner"), Reliable, 0))
	ft.take()
	for _, p := range [][]byte{spawn, hx("05 01000000"), syncPkt, delta} {
		require.NoError(t, m.HandlePacket(5, p, Reliable, 0))
	}
	require.Len(t, got, 4)
	assert.Equal(t, &Spawn{From: 5, Spawner: "Spawner", SceneID: InvalidSceneID, NetID: 1, SyncIDs: []uint32{2}, Name: "Bot", Arg: "a", State: []any{int64(7)}}, got[0])
	assert.Equal(t, &Despawn{From: 5, NetID: 1}, got[1])
	assert.Equal(t, &Sync{From: 5, Time: 0x102, States: []SyncState{{NetID: 2, Values: []any{variant.Vector2{X: 1, Y: 2}}}}}, got[2])
	assert.Equal(t, &Sync{From: 5, Delta: true, States: []SyncState{{NetID: 0x80000003, Indexes: 5, Values: []any{true, int64(1)}}}}, got[3])

	// Hostile replication packets.
	for _, c := range []struct {
		pkt  []byte
		want error
	}{
		{hx("04 ff 01000000"), ErrTruncated},
		{hx("04 00 09000000 01000000 00000000 02000000 4100"), ErrUnknownPathID},
		{hx("04 00 01000000 01000000 ffffffff 02000000 4100"), ErrTruncated},
		{hx("04 00 01000000 01000000 00000000 00000000 4100"), ErrInvalid},
		{hx("04 00 01000000 01000000 00000000 03000000 612f6200"), ErrInvalid},
		{hx("05 0100"), ErrTruncated},
		{hx("06 0000 01000000 ff000000 02"), ErrTruncated},
		{hx("06 0000 01000000 02000000 3f00"), ErrArgs},
	} {
		assert.ErrorIs(t, m.HandlePacket(5, c.pkt, Reliable, 0), c.want, "% x", c.pkt)
	}
}

// TestCallLocal: call_local (Godot 4) and the sync modes (Godot 3) run
// the handler here too when the target set includes this side; rpc_id to
// the own id without it fails; -N excludes N.
func TestCallLocal(t *testing.T) {
	for _, d := range []multiplayer.Dialect{multiplayer.Godot3, multiplayer.Godot4} {
		ft := &fakeTransport{d: d, id: 1, peers: []int32{5, 6}}
		m := New(ft, Config{})
		var local []string
		h := func(c *Call) error {
			v, err := c.Arg(0).Int()
			local = append(local, fmt.Sprintf("%s %d %d", c.Method, c.From, v))
			return err
		}
		localMode := Method{Name: "both", Mode: AnyPeer, CallLocal: true, Handler: h}
		if d == multiplayer.Godot3 {
			localMode = Method{Name: "both", Mode: RemoteSync, Handler: h}
		}
		_, err := m.AddNode(NodeConfig{Path: "N", Methods: []Method{localMode, {Name: "remote_only", Mode: AnyPeer, Handler: h}}})
		require.NoError(t, err)
		require.NoError(t, m.RPC(0, "N", "both", 1))
		require.NoError(t, m.RPC(-5, "N", "both", 2))
		require.NoError(t, m.RPC(1, "N", "both", 3)) // own id: local only
		require.NoError(t, m.RPC(5, "N", "both", 4)) // another peer: remote only
		require.NoError(t, m.RPC(0, "N", "remote_only", 5))
		assert.Equal(t, []string{"both 1 1", "both 1 2", "both 1 3"}, local, d)
		assert.ErrorIs(t, m.RPC(1, "N", "remote_only", 6), ErrUnknownPeer, d)
		assert.ErrorIs(t, m.RPC(7, "N", "both", 7), ErrUnknownPeer, d)
		assert.ErrorIs(t, m.RPC(-7, "N", "both", 7), ErrUnknownPeer, d)
		assert.ErrorIs(t, m.RPC(5, "N", "nope"), ErrUnknownMethod, d)
		assert.ErrorIs(t, m.RPC(5, "Nope", "both"), ErrUnknownNode, d)
		var to []int32
		for _, s := range ft.take() {
			if s.data[0] == 0 || s.data[0]&0x80 != 0 || (d == multiplayer.Godot4 && s.data[0]&cmd4Mask == cmd4RemoteCall) {
				to = append(to, s.to)
			}
		}
		if d == multiplayer.Godot4 {
			// One packet per target: 5,6 | 6 | 5 | 5,6.
			assert.Equal(t, []int32{5, 6, 6, 5, 5, 6}, to)
		}
	}
	// Declarations the dialect lacks fail.
	m3 := New(&fakeTransport{d: multiplayer.Godot3}, Config{})
	_, err := m3.AddNode(NodeConfig{Path: "X", Methods: []Method{{Name: "a", Mode: AnyPeer, CallLocal: true}}})
	assert.ErrorIs(t, err, ErrUnsupported, "call_local in Godot 3")
	m4 := New(&fakeTransport{d: multiplayer.Godot4}, Config{})
	_, err = m4.AddNode(NodeConfig{Path: "X", Methods: []Method{{Name: "a", Mode: RemoteSync}}})
	assert.ErrorIs(t, err, ErrUnsupported)
	_, err = m4.AddNode(NodeConfig{Path: "X", Properties: []Property{{Name: "p"}}})
	assert.ErrorIs(t, err, ErrUnsupported)
	_, err = m4.AddNode(NodeConfig{Path: "X", Methods: []Method{{Name: "a"}, {Name: "a"}}})
	assert.ErrorIs(t, err, ErrUnsupported)
	_, err = m4.AddNode(NodeConfig{Path: "/elsewhere"})
	assert.ErrorIs(t, err, ErrUnsupported)
	assert.ErrorIs(t, m4.RSet(0, "X", "p", 1, Reliable), ErrUnsupported)
}
