package scene

import (
	"errors"
	"fmt"
	"testing"

	"github.com/enetgo/enet/multiplayer"
	"github.com/enetgo/enet/variant"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// badServer is a Godot 4 (or 3) server Multiplayer with peer 5 and a Chat
// node whose say takes one string.
func badServer(t *testing.T, d multiplayer.Dialect, cfg Config) (*Multiplayer, *fakeTransport, *int) {
	ft := &fakeTransport{d: d, id: 1, peers: []int32{5}}
	m := New(ft, cfg)
	calls := new(int)
	mode := AnyPeer
	_, err := m.AddNode(NodeConfig{Path: "Chat", Methods: []Method{
		{Name: "say", Mode: mode, Params: []variant.Type{variant.TypeString}, Handler: func(*Call) error { *calls++; return nil }},
		{Name: "admin", Mode: Authority, Handler: func(*Call) error { *calls++; return nil }},
		{Name: "off", Mode: Disabled, Handler: func(*Call) error { *calls++; return nil }},
		{Name: "nohandler", Mode: AnyPeer},
	}})
	require.NoError(t, err)
	return m, ft, calls
}

func simplify4(id uint32, path string) []byte {
	return appendSimplify4(nil, md5hex("adminnohandleroffsay"), id, path)
}

// TestBadInputGodot4 sends hostile Godot 4 packets: each is dropped with
// the matching error, counted, and runs no handler.
func TestBadInputGodot4(t *testing.T) {
	m, ft, calls := badServer(t, multiplayer.Godot4, Config{})
	require.NoError(t, m.HandlePacket(5, simplify4(1, "Chat"), Reliable, 0))
	ft.take()
	ids := map[string]uint16{}
	for _, name := range []string{"admin", "nohandler", "off", "say"} {
		ids[name], _ = m.Node("Chat").MethodID(name)
	}
	call := func(node byte, method uint16, args ...any) []byte {
		b, err := appendRPC4(nil, uint32(node), false, method, args)
		require.NoError(t, err)
		return b
	}
	for _, c := range []struct {
		name string
		from int32
		pkt  []byte
		want error
	}{
		{"unknown path id", 5, call(9, ids["say"], "x"), ErrUnknownPathID},
		{"unknown method id", 5, call(1, 77, "x"), ErrUnknownMethod},
		{"unknown node-config id", 5, call(1, 0x8003, "x"), ErrUnknownMethod},
		{"wrong arg type", 5, call(1, ids["say"], 3), ErrArgs},
		{"wrong arg count", 5, call(1, ids["say"], "a", "b"), ErrArgs},
		{"no args", 5, call(1, ids["say"]), ErrArgs},
		{"authority only", 5, call(1, ids["admin"]), ErrNotAllowed},
		{"disabled", 5, call(1, ids["off"]), ErrNotAllowed},
		{"no handler", 5, call(1, ids["nohandler"]), ErrNoHandler},
		{"unknown peer", 6, call(1, ids["say"], "x"), ErrUnknownPeer},
		{"node id size 3", 5, []byte{0x30, 1, 2, 3, 4, 5}, ErrInvalid},
		{"argc beyond data", 5, []byte{0x00, 1, 3, 200, 1}, ErrTruncated},
		{"bad compact type", 5, []byte{0x00, 1, 3, 1, 0x3F}, ErrArgs},
		{"truncated int", 5, []byte{0x00, 1, 3, 1, 0xC2, 1, 2}, ErrTruncated},
		{"path offset past end", 5, []byte{0x20, 0x40, 0, 0, 0x80, 3, 0x80}, ErrInvalid},
		{"path offset inside header", 5, []byte{0x20, 0x02, 0, 0, 0x80, 3, 0x80, 'C', 0}, ErrInvalid},
		{"unknown full path", 5, append(call(0, ids["say"], "x")[:0], 0xA0, 7, 0, 0, 0x80, byte(ids["say"]), 'N', 'o', 0), ErrUnknownNode},
		{"short simplify", 5, []byte{1, 'a', 'b'}, ErrTruncated},
		{"simplify unknown node", 5, simplify4(2, "Nope"), ErrUnknownNode},
		{"simplify duplicate id", 5, simplify4(1, "Chat"), ErrDuplicateID},
		{"simplify unknown peer", 6, simplify4(3, "Chat"), ErrUnknownPeer},
		{"confirm wrong size", 5, []byte{2, 1, 1, 0, 0}, ErrInvalid},
		{"confirm unknown id", 5, []byte{2, 1, 9, 0, 0, 0}, ErrUnknownPathID},
	} {
		before := m.Stats()
		err := m.HandlePacket(c.from, c.pkt, Reliable, 0)
		assert.ErrorIs(t, err, c.want, c.name)
		var e *Error
		assert.True(t, errors.As(err, &e), c.name)
		assert.Equal(t, before.Dropped+1, m.Stats().Dropped, c.name)
	}
	assert.Zero(t, *calls)
	assert.Empty(t, ft.take(), "nothing answered")
	// RAW and SYS are not ours.
	assert.NoError(t, m.HandlePacket(5, []byte{3, 1, 2}, Reliable, 0))
	assert.NoError(t, m.HandlePacket(5, []byte{7, 3, 0, 0, 0, 0}, Reliable, 0))
}

// TestBadInputGodot3 does the same for the Godot 3 dialect.
func TestBadInputGodot3(t *testing.T) {
	m, ft, calls := badServer(t, multiplayer.Godot3, Config{})
	require.NoError(t, m.HandlePacket(5, appendSimplify3(nil, 1, "Chat"), Reliable, 0))
	require.NoError(t, m.HandlePacket(5, appendSimplify3(nil, 2, "Elsewhere"), Reliable, 0))
	ft.take()
	call := func(target uint32, name string, args ...any) []byte {
		b, err := appendCall3(nil, false, target, name, args)
		require.NoError(t, err)
		return b
	}
	for _, c := range []struct {
		name string
		pkt  []byte
		want error
	}{
		{"unknown path id", call(9, "say", "x"), ErrUnknownPathID},
		{"undeclared node", call(2, "say", "x"), ErrUnknownNode},
		{"unknown method", call(1, "nope"), ErrUnknownMethod},
		{"wrong arg type", call(1, "say", 1.5), ErrArgs},
		{"puppet on the master", call(1, "admin"), ErrNotAllowed},
		{"disabled", call(1, "off"), ErrNotAllowed},
		{"no handler", call(1, "nohandler"), ErrNoHandler},
		{"rset of undeclared property", []byte{1, 1, 0, 0, 0, 'x', 0, 0, 0, 0, 0}, ErrUnknownMethod},
		{"short", []byte{0, 1, 0, 0}, ErrTruncated},
		{"name without NUL", []byte{0, 1, 0, 0, 0, 's', 'a', 'y'}, ErrTruncated},
		{"argc beyond data", []byte{0, 1, 0, 0, 0, 's', 'a', 'y', 0, 9, 0, 0, 0, 0}, ErrTruncated},
		{"bad variant", []byte{0, 1, 0, 0, 0, 's', 'a', 'y', 0, 1, 99, 0, 0, 0}, ErrArgs},
		{"path offset past end", []byte{0, 0x40, 0, 0, 0x80, 's', 0, 0}, ErrInvalid},
		{"unknown command", []byte{9, 1, 2}, ErrInvalid},
		{"confirm of unsent path", appendConfirm3(nil, "Chat"), ErrInvalid},
		{"confirm unknown path", appendConfirm3(nil, "Nope"), ErrUnknownNode},
	} {
		err := m.HandlePacket(5, c.pkt, Reliable, 0)
		assert.ErrorIs(t, err, c.want, c.name)
	}
	assert.Zero(t, *calls)
	assert.Empty(t, ft.take())
}

// TestCacheBounded: a peer cannot make the path cache grow past
// MaxCachedPaths, and its state goes when it leaves.
func TestCacheBounded(t *testing.T) {
	for _, d := range []multiplayer.Dialect{multiplayer.Godot3, multiplayer.Godot4} {
		t.Run(d.String(), func(t *testing.T) {
			m, ft, _ := badServer(t, d, Config{MaxCachedPaths: 50})
			var full int
			for i := range 5000 {
				var pkt []byte
				if d == multiplayer.Godot4 {
					pkt = simplify4(uint32(i), "Chat")
				} else {
					pkt = appendSimplify3(nil, uint32(i), fmt.Sprintf("Node%d/%0300d", i, i))
				}
				if err := m.HandlePacket(5, pkt, Reliable, 0); errors.Is(err, ErrCacheFull) {
					full++
				} else {
					require.NoError(t, err)
				}
			}
			assert.Equal(t, 5000-50, full)
			m.mu.Lock()
			assert.Len(t, m.peers[5].recv, 50)
			for _, e := range m.peers[5].recv {
				assert.LessOrEqual(t, len(e.path), maxStoredPath)
			}
			m.mu.Unlock()
			assert.Len(t, ft.take(), 50, "one CONFIRM per accepted id")

			// Leaving drops the peer's cache: its ids are unknown after
			// it rejoins, and it gets SIMPLIFY again.
			require.NoError(t, m.RPC(5, "Chat", "say", "x"))
			require.NoError(t, m.Handle(multiplayer.PeerLeft{ID: 5}))
			assert.ErrorIs(t, m.HandlePacket(5, simplify4(1, "Chat"), Reliable, 0), ErrUnknownPeer)
			require.NoError(t, m.Handle(multiplayer.PeerJoined{ID: 5}))
			var err error
			if d == multiplayer.Godot4 {
				err = m.HandlePacket(5, []byte{0, 1, 3, 1, 4, 0, 0, 0, 0, 0, 0, 0}, Reliable, 0)
			} else {
				err = m.HandlePacket(5, []byte{0, 1, 0, 0, 0, 's', 'a', 'y', 0, 0}, Reliable, 0)
			}
			assert.ErrorIs(t, err, ErrUnknownPathID)
			ft.take()
			require.NoError(t, m.RPC(5, "Chat", "say", "x"))
			out := ft.take()
			require.Len(t, out, 2, "SIMPLIFY again, then the call")
		})
	}
}

// TestTruncations feeds every prefix of valid packets: errors, never a
// panic or a handler run with partial data.
func TestTruncations(t *testing.T) {
	for _, d := range []multiplayer.Dialect{multiplayer.Godot3, multiplayer.Godot4} {
		m, ft, calls := badServer(t, d, Config{})
		peer := &fakeTransport{d: d, id: 5, peers: []int32{1}}
		pm := New(peer, Config{})
		_, err := pm.AddNode(NodeConfig{Path: "Chat", Methods: []Method{{Name: "say", Mode: AnyPeer}, {Name: "admin"}, {Name: "off"}, {Name: "nohandler"}}})
		require.NoError(t, err)
		require.NoError(t, pm.RPC(1, "Chat", "say", "a longer string argument"))
		pkts := peer.take()
		require.Len(t, pkts, 2)
		for _, p := range pkts {
			end := len(p.data)
			if d == multiplayer.Godot4 {
				// Godot 4 reads a trailing path up to the packet's end, so
				// the call without the path's NUL is still whole.
				end--
			}
			for i := 1; i < end; i++ {
				_ = m.HandlePacket(5, p.data[:i], Reliable, 0)
			}
		}
		assert.Zero(t, *calls, d)
		ft.take()
	}
}
