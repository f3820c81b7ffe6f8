package multiplayer

import (
	"testing"
	"time"

	"github.com/enetgo/enet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recvFrom returns the next packet the raw host receives, skipping nothing.
func (r *rawHost) recvPacket(t *testing.T) (channel int, flags enet.PacketFlags, data []byte) {
	t.Helper()
	ev := r.receive()
	return ev.Channel, ev.Flags, ev.Packet
}

// TestGodot4ServerBytes checks the exact SceneMultiplayer bytes our Godot4
// server sends a raw client (docs/multiplayer.md).
func TestGodot4ServerBytes(t *testing.T) {
	s := newServer(t, Godot4, ServerConfig{})
	r := newRawHost(t, false, 1, 0)
	const x = 1000
	rp := r.connect(s.Port(), 255, x)
	expect(t, s.Events(), PeerJoined{ID: x})

	y := dial(t, Godot4, s.Port(), ClientConfig{ID: 2000})
	expect(t, y.Events(), PeerJoined{ID: x})
	ch, flags, data := r.recvPacket(t)
	assert.Equal(t, []byte{7, 1, 0xd0, 0x07, 0, 0}, data, "ADD_PEER(2000)")
	assert.Equal(t, 0, ch)
	assert.Equal(t, enet.FlagReliable, flags)

	// Relayed from Y: [7][3][source] + inner, same mode and channel.
	for _, m := range modes {
		require.NoError(t, y.Send(x, []byte{3, 'h', byte(m)}, m, 0))
		ch, flags, data := r.recvPacket(t)
		wantCh, _ := Godot4.wireFor(m, 0)
		assert.Equal(t, []byte{7, 3, 0xd0, 0x07, 0, 0, 3, 'h', byte(m)}, data, "RELAY from 2000, %v", m)
		assert.Equal(t, wantCh, ch, "%v", m)
		assert.Equal(t, m, modeOf(flags), "%v", m)
	}
	require.NoError(t, y.Send(x, []byte{3, 'c'}, Reliable, 7))
	ch, _, data = r.recvPacket(t)
	assert.Equal(t, 8, ch, "custom channel 7 is ENet channel 8")
	assert.Equal(t, []byte{7, 3, 0xd0, 0x07, 0, 0, 3, 'c'}, data)

	// The server's own packets carry no header.
	require.NoError(t, s.SendBytes(x, []byte("p"), Reliable, 0))
	ch, flags, data = r.recvPacket(t)
	assert.Equal(t, []byte{3, 'p'}, data)
	assert.Equal(t, 0, ch)
	assert.Equal(t, enet.FlagReliable, flags)
	require.NoError(t, s.Send(x, []byte{3, 'u'}, Unreliable, 0))
	ch, flags, data = r.recvPacket(t)
	assert.Equal(t, []byte{3, 'u'}, data)
	assert.Equal(t, 1, ch)
	assert.Equal(t, Unreliable, modeOf(flags))

	// RELAY requests from the raw client, per target.
	relay := func(target int32, inner string) {
		require.NoError(t, rp.Send(0, g4Sys(g4SysRelay, target, []byte(inner)), enet.FlagReliable))
	}
	relay(2000, "\x03to-y")
	relay(0, "\x03to-all")
	relay(-1, "\x03not-srv")
	relay(-2000, "\x03not-y")
	relay(1, "\x03direct-relay") // Godot drops RELAY to the server
	relay(99, "\x03unknown")
	relay(0, "\x07\x01\x05\x00\x00\x00")                                              // inner SYS: relayed, never processed
	require.NoError(t, rp.Send(0, []byte{7, 3, 0xd0, 0x07, 0, 0}, enet.FlagReliable)) // no inner packet
	require.NoError(t, rp.Send(0, []byte{7, 1, 5, 0, 0, 0}, enet.FlagReliable))       // clients cannot ADD_PEER
	require.NoError(t, rp.Send(0, []byte{7, 0, 'a'}, enet.FlagReliable))              // AUTH, no callback
	require.NoError(t, rp.Send(0, []byte{3, 'r', 'a', 'w'}, enet.FlagReliable))
	r.event(50 * time.Millisecond)
	assert.ElementsMatch(t, []string{"\x03to-all", "\x03not-y", "\x03raw"},
		collectUntil(s.Events(), []string{"\x03to-all", "\x03not-y", "\x03raw"}))
	assert.ElementsMatch(t, []string{"\x03to-y", "\x03to-all", "\x03not-srv"},
		collectUntil(y.Events(), []string{"\x03to-y", "\x03to-all", "\x03not-srv"}))
	assert.Equal(t, []int32{1, x}, y.Peers(), "an inner ADD_PEER is not obeyed")

	require.NoError(t, y.Close())
	expect(t, s.Events(), PeerLeft{ID: 2000})
	ch, flags, data = r.recvPacket(t)
	assert.Equal(t, []byte{7, 2, 0xd0, 0x07, 0, 0}, data, "DEL_PEER(2000)")
	assert.Equal(t, 0, ch)
	assert.Equal(t, enet.FlagReliable, flags)
}

// TestGodot4ClientBytes checks what our Godot4 client sends and accepts,
// with a raw server.
func TestGodot4ClientBytes(t *testing.T) {
	r := newRawHost(t, true, 2, 0)
	res := make(chan *Client, 1)
	go func() {
		c, err := Dial(Godot4, "127.0.0.1", r.h.LocalPort(), ClientConfig{ID: 3000})
		assert.NoError(t, err)
		res <- c
	}()
	ev := r.event(waitTime)
	require.Equal(t, enet.EventConnect, ev.Type)
	c := <-res
	require.NotNil(t, c)
	t.Cleanup(func() { c.Close() })
	p := ev.Peer
	assert.Equal(t, uint32(3000), ev.Data, "connect data is the id")
	assert.Equal(t, 255, p.Channels(), "Godot 4 clients request 255 channels")
	expect(t, c.Events(), PeerJoined{ID: 1})

	require.NoError(t, p.Send(0, []byte{7, 1, 55, 0, 0, 0}, enet.FlagReliable))
	require.NoError(t, p.Send(0, []byte{7, 3, 55, 0, 0, 0, 3, 'f'}, enet.FlagReliable))
	require.NoError(t, p.Send(1, []byte{3, 'q'}, enet.FlagUnsequenced))
	require.NoError(t, p.Send(0, []byte{7, 0}, enet.FlagReliable)) // AUTH: ignored
	require.NoError(t, p.Send(0, []byte{7, 3, 55, 0}, enet.FlagReliable))
	require.NoError(t, p.Send(0, []byte{7, 2, 55, 0, 0, 0}, enet.FlagReliable))
	r.event(50 * time.Millisecond)
	assert.Equal(t, PeerJoined{ID: 55}, next(t, c.Events()))
	assert.Equal(t, Packet{From: 55, Mode: Reliable, Data: []byte{3, 'f'}}, next(t, c.Events()))
	assert.Equal(t, Packet{From: 1, ENetChannel: 1, Mode: Unreliable, Data: []byte{3, 'q'}}, next(t, c.Events()))
	assert.Equal(t, PeerLeft{ID: 55}, next(t, c.Events()))

	require.NoError(t, p.Send(0, []byte{7, 1, 55, 0, 0, 0}, enet.FlagReliable))
	r.event(20 * time.Millisecond)
	expect(t, c.Events(), PeerJoined{ID: 55})
	cases := []struct {
		target  int32
		mode    TransferMode
		channel int
		wantCh  int
		wantMod TransferMode
		want    []byte
	}{
		{1, Reliable, 0, 0, Reliable, []byte{3, 'a'}},
		{1, Unreliable, 0, 1, Unreliable, []byte{3, 'a'}},
		{1, UnreliableOrdered, 0, 1, UnreliableOrdered, []byte{3, 'a'}},
		{1, Reliable, 2, 3, Reliable, []byte{3, 'a'}},
		{0, Reliable, 0, 0, Reliable, []byte{7, 3, 0, 0, 0, 0, 3, 'a'}},
		{55, UnreliableOrdered, 0, 1, UnreliableOrdered, []byte{7, 3, 55, 0, 0, 0, 3, 'a'}},
		{-55, Reliable, 0, 0, Reliable, []byte{7, 3, 0xc9, 0xff, 0xff, 0xff, 3, 'a'}},
		{-1, Reliable, 0, 0, Reliable, []byte{7, 3, 0xff, 0xff, 0xff, 0xff, 3, 'a'}},
	}
	for _, tc := range cases {
		require.NoError(t, c.SendBytes(tc.target, []byte{'a'}, tc.mode, tc.channel))
		ev := r.receive()
		assert.Equal(t, tc.want, ev.Packet, "target %d", tc.target)
		assert.Equal(t, tc.wantCh, ev.Channel, "target %d", tc.target)
		assert.Equal(t, tc.wantMod, modeOf(ev.Flags), "target %d", tc.target)
	}

	go c.Close()
	ev = r.event(waitTime)
	require.Equal(t, enet.EventDisconnect, ev.Type)
	assert.Equal(t, uint32(0), ev.Data, "Godot 4 disconnects with data 0")
}

// TestGodot3ServerBytes checks the exact NetworkedMultiplayerENet bytes our
// Godot3 server sends a raw client (docs/multiplayer.md).
func TestGodot3ServerBytes(t *testing.T) {
	s := newServer(t, Godot3, ServerConfig{})
	r := newRawHost(t, false, 1, 0)
	const x = 1000
	rp := r.connect(s.Port(), 3, x)
	expect(t, s.Events(), PeerJoined{ID: x})
	y := dial(t, Godot3, s.Port(), ClientConfig{ID: 2000})

	ch, flags, data := r.recvPacket(t)
	assert.Equal(t, []byte{0, 0, 0, 0, 0xd0, 0x07, 0, 0}, data, "ADD_PEER(2000)")
	assert.Equal(t, 0, ch)
	assert.Equal(t, enet.FlagReliable, flags)

	require.NoError(t, s.Send(x, []byte("d"), Reliable, 0))
	ch, flags, data = r.recvPacket(t)
	assert.Equal(t, []byte{1, 0, 0, 0, 0xe8, 0x03, 0, 0, 'd'}, data, "source 1, target 1000")
	assert.Equal(t, 1, ch)
	assert.Equal(t, enet.FlagReliable, flags)
	require.NoError(t, s.Send(0, []byte("u"), Unreliable, 0))
	ch, flags, data = r.recvPacket(t)
	assert.Equal(t, []byte{1, 0, 0, 0, 0, 0, 0, 0, 'u'}, data)
	assert.Equal(t, 2, ch)
	assert.Equal(t, enet.FlagUnsequenced, flags)

	// Relayed bytes keep the sender's header unchanged.
	expect(t, y.Events(), PeerJoined{ID: x})
	require.NoError(t, y.Send(-1, []byte("r"), UnreliableOrdered, 0))
	ch, flags, data = r.recvPacket(t)
	assert.Equal(t, []byte{0xd0, 0x07, 0, 0, 0xff, 0xff, 0xff, 0xff, 'r'}, data)
	assert.Equal(t, 2, ch)
	assert.Equal(t, enet.PacketFlags(0), flags)

	require.NoError(t, y.Close())
	ch, _, data = r.recvPacket(t)
	assert.Equal(t, []byte{1, 0, 0, 0, 0xd0, 0x07, 0, 0}, data, "REMOVE_PEER(2000)")
	assert.Equal(t, 0, ch)
	_ = rp
}

func TestRawHelpers(t *testing.T) {
	assert.Equal(t, byte(4), Godot3.RawCommand())
	assert.Equal(t, byte(3), Godot4.RawCommand())
	assert.Equal(t, []byte{4, 'h', 'i'}, AppendRaw(nil, Godot3, []byte("hi")))
	assert.Equal(t, []byte{9, 3, 'h', 'i'}, AppendRaw([]byte{9}, Godot4, []byte("hi")))
	cases := []struct {
		d    Dialect
		in   []byte
		want []byte
		ok   bool
	}{
		{Godot3, []byte{4, 'x'}, []byte{'x'}, true},
		{Godot3, []byte{4}, nil, false},
		{Godot3, nil, nil, false},
		{Godot3, []byte{3, 'x'}, nil, false},
		{Godot3, []byte{0x14, 'x'}, nil, false},
		{Godot4, []byte{3, 'x', 'y'}, []byte{'x', 'y'}, true},
		{Godot4, []byte{0x13, 'x'}, []byte{'x'}, true}, // upper bits are flags
		{Godot4, []byte{4, 'x'}, nil, false},
		{Godot4, []byte{3}, nil, false},
	}
	for _, c := range cases {
		got, ok := DecodeRaw(c.d, c.in)
		assert.Equal(t, c.ok, ok, "%v %v", c.d, c.in)
		assert.Equal(t, c.want, got, "%v %v", c.d, c.in)
	}
	assert.Equal(t, "Godot3", Godot3.String())
	assert.Equal(t, "Dialect(9)", Dialect(9).String())
	assert.Equal(t, "TRANSFER_MODE_UNRELIABLE_ORDERED", UnreliableOrdered.String())
	assert.Equal(t, "TransferMode(7)", TransferMode(7).String())
}

// FuzzClientReceive feeds arbitrary packets to both dialects' client
// receive paths: they must not panic, and every event must be well formed.
func FuzzClientReceive(f *testing.F) {
	f.Add(0, uint8(1), []byte{0, 0, 0, 0, 5, 0, 0, 0})
	f.Add(1, uint8(1), []byte{5, 0, 0, 0, 1, 0, 0, 0, 'x'})
	f.Add(0, uint8(1), []byte{7, 3, 5, 0, 0, 0, 3, 'x'})
	f.Add(1, uint8(2), []byte{7, 1, 5, 0, 0, 0})
	f.Add(2, uint8(0), []byte{3})
	f.Fuzz(func(t *testing.T, ch int, flags uint8, data []byte) {
		for _, d := range dialects {
			c := &Client{service: service{d: d, q: &eventQueue{}}, id: 42, known: map[int32]bool{1: true}} // no pump: inspect the queue
			ev := enet.Event{Type: enet.EventReceive, Channel: ch & 0xff, Flags: enet.PacketFlags(flags), Packet: data}
			if d == Godot3 {
				c.receive3(ev)
			} else {
				c.receive4(ev)
			}
			for _, e := range c.q.items {
				if p, ok := e.(Packet); ok {
					assert.LessOrEqual(t, len(p.Data), len(data))
					assert.True(t, p.Mode.valid())
					continue
				}
				assert.NotContains(t, []int32{1, 42}, e.PeerID(), "peer events never name the server or ourselves")
			}
		}
	})
}

// FuzzServerReceive feeds arbitrary packets on arbitrary channels to the
// server's receive rules of both dialects, as from admitted client 42 with
// no other client connected: parsing never panics, only data packets
// (never system traffic) are delivered, always as coming from 42, and never
// longer than what arrived.
func FuzzServerReceive(f *testing.F) {
	f.Add(1, uint8(1), []byte{42, 0, 0, 0, 1, 0, 0, 0, 'h', 'i'})
	f.Add(2, uint8(2), []byte{42, 0, 0, 0, 0, 0, 0, 0})
	f.Add(1, uint8(1), []byte{42, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 'x'})
	f.Add(0, uint8(1), []byte{7, 3, 0, 0, 0, 0, 3, 'x'})
	f.Add(1, uint8(0), []byte{7, 3, 0xff, 0xff, 0xff, 0xff, 7, 1})
	f.Add(0, uint8(1), []byte{3, 'r', 'a', 'w'})
	f.Add(0, uint8(1), []byte{7, 0, 'a'})
	f.Fuzz(func(t *testing.T, ch int, flags uint8, data []byte) {
		for _, d := range dialects {
			s := &Server{service: service{d: d, q: &eventQueue{}}, relay: true, channels: 3,
				conns: map[*enet.Peer]int32{}, ids: map[int32]*enet.Peer{},
				byID: map[int32]*enet.Peer{}, pending: map[int32]*authPeer{}}
			ev := enet.Event{Type: enet.EventReceive, Channel: ch & 0xff, Flags: enet.PacketFlags(flags), Packet: data}
			if d == Godot3 {
				s.receive3(42, ev)
			} else {
				s.receive4(42, ev)
			}
			for _, e := range s.q.items {
				p, ok := e.(Packet)
				require.True(t, ok, "only packets come out of receive, got %T", e)
				assert.Equal(t, int32(42), p.From)
				assert.LessOrEqual(t, len(p.Data), len(data))
				if d == Godot3 {
					assert.NotEqual(t, 0, p.ENetChannel, "channel 0 is never client data")
				}
			}
		}
	})
}
