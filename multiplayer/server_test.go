package multiplayer

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/internal/godottest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// trio starts a server and clients A and B that have seen each other.
func trio(t *testing.T, d Dialect, cfg ServerConfig, ccfg ClientConfig) (*Server, *Client, *Client) {
	t.Helper()
	s := newServer(t, d, cfg)
	a := dial(t, d, s.Port(), ccfg)
	expect(t, s.Events(), PeerJoined{ID: a.ID()})
	b := dial(t, d, s.Port(), ccfg)
	expect(t, s.Events(), PeerJoined{ID: b.ID()})
	if !cfg.NoRelay {
		expect(t, a.Events(), PeerJoined{ID: b.ID()})
		expect(t, b.Events(), PeerJoined{ID: a.ID()})
	}
	return s, a, b
}

func TestIDsAndPeerNotifications(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			s, a, b := trio(t, d, ServerConfig{}, ClientConfig{})
			assert.GreaterOrEqual(t, a.ID(), int32(2))
			assert.NotEqual(t, a.ID(), b.ID())
			assert.ElementsMatch(t, []int32{a.ID(), b.ID()}, s.Peers())
			assert.Equal(t, []int32{1, b.ID()}, a.Peers(), "the server and the others, not itself")

			c := dial(t, d, s.Port(), ClientConfig{ID: 4242})
			assert.Equal(t, int32(4242), c.ID())
			expect(t, a.Events(), PeerJoined{ID: 4242})
			expect(t, b.Events(), PeerJoined{ID: 4242})
			got := map[Event]bool{next(t, c.Events()): true, next(t, c.Events()): true}
			assert.Equal(t, map[Event]bool{PeerJoined{ID: a.ID()}: true, PeerJoined{ID: b.ID()}: true}, got)

			require.NoError(t, c.Close())
			expect(t, s.Events(), PeerLeft{ID: 4242})
			expect(t, a.Events(), PeerLeft{ID: 4242})
			expect(t, b.Events(), PeerLeft{ID: 4242})
			assert.NotContains(t, a.Peers(), int32(4242))
		})
	}
}

// TestRelay sends from A to every kind of target with every mode and checks
// who gets what, with the true source.
func TestRelay(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			s, a, b := trio(t, d, ServerConfig{}, ClientConfig{})
			c := dial(t, d, s.Port(), ClientConfig{})
			expect(t, a.Events(), PeerJoined{ID: c.ID()})
			expect(t, b.Events(), PeerJoined{ID: c.ID()})

			var toServer, toB, toC []string
			for _, m := range modes {
				p := func(target string) string { return fmt.Sprintf("%s/%d", target, m) }
				require.NoError(t, a.Send(b.ID(), []byte(p("b")), m, 0))
				toB = append(toB, p("b"))
				require.NoError(t, a.Send(0, []byte(p("all")), m, 0))
				toServer, toB, toC = append(toServer, p("all")), append(toB, p("all")), append(toC, p("all"))
				require.NoError(t, a.Send(-b.ID(), []byte(p("notb")), m, 0))
				toServer, toC = append(toServer, p("notb")), append(toC, p("notb"))
				require.NoError(t, a.Send(1, []byte(p("srv")), m, 0))
				toServer = append(toServer, p("srv"))
				require.NoError(t, a.Send(-1, []byte(p("notsrv")), m, 0))
				toB, toC = append(toB, p("notsrv")), append(toC, p("notsrv"))
			}
			assert.ElementsMatch(t, toServer, collectUntil(s.Events(), toServer), "server")
			assert.ElementsMatch(t, toB, collectUntil(b.Events(), toB), "B")
			assert.ElementsMatch(t, toC, collectUntil(c.Events(), toC), "C")
			assert.Empty(t, collectUntil(a.Events(), nil), "A gets nothing back")

			// Source and mode survive the relay.
			for _, m := range modes {
				require.NoError(t, a.Send(b.ID(), []byte("mode"), m, 0))
				ch, _ := d.wireFor(m, 0)
				expect(t, b.Events(), Packet{From: a.ID(), Mode: m, ENetChannel: ch, Data: []byte("mode")})
			}
		})
	}
}

func TestServerSend(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			s, a, b := trio(t, d, ServerConfig{}, ClientConfig{})
			for _, m := range modes {
				ch, _ := d.wireFor(m, 0)
				require.NoError(t, s.Send(0, []byte("all"), m, 0))
				want := Packet{From: 1, Mode: m, ENetChannel: ch, Data: []byte("all")}
				expect(t, a.Events(), want)
				expect(t, b.Events(), want)
				require.NoError(t, s.Send(-a.ID(), []byte("nota"), m, 0))
				require.NoError(t, s.Send(a.ID(), []byte("a"), m, 0))
				expect(t, b.Events(), Packet{From: 1, Mode: m, ENetChannel: ch, Data: []byte("nota")})
				assert.Equal(t, []string{"a"}, collectUntil(a.Events(), []string{"a"}))
			}
			err := s.Send(99, []byte("x"), Reliable, 0)
			assert.ErrorIs(t, err, enet.ErrInvalidParameter)
			assert.ErrorIs(t, s.Send(1, []byte("x"), Reliable, 0), enet.ErrInvalidParameter)
		})
	}
}

func TestSendArguments(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			s, a, _ := trio(t, d, ServerConfig{Channels: 4}, ClientConfig{Channels: 4})
			cases := []struct {
				name    string
				target  int32
				data    []byte
				mode    TransferMode
				channel int
			}{
				{"empty", 0, nil, Reliable, 0},
				{"bad mode", 0, []byte("x"), 3, 0},
				{"negative mode", 0, []byte("x"), -1, 0},
				{"negative channel", 0, []byte("x"), Reliable, -1},
				{"channel too high", 0, []byte("x"), Reliable, 5},
				{"unknown target", 12345, []byte("x"), Reliable, 0},
				{"unknown negative target", -12345, []byte("x"), Reliable, 0},
			}
			for _, c := range cases {
				assert.ErrorIs(t, a.Send(c.target, c.data, c.mode, c.channel), enet.ErrInvalidParameter, "client %s", c.name)
				assert.ErrorIs(t, s.Send(c.target, c.data, c.mode, c.channel), enet.ErrInvalidParameter, "server %s", c.name)
			}
			assert.ErrorIs(t, a.SendBytes(1, nil, Reliable, 0), enet.ErrInvalidParameter)
			require.NoError(t, a.Close())
			assert.ErrorIs(t, a.Send(1, []byte("x"), Reliable, 0), enet.ErrUnconfigured)
			require.NoError(t, s.Close())
			assert.ErrorIs(t, s.Send(0, []byte("x"), Reliable, 0), enet.ErrUnconfigured)
		})
	}
}

func TestConstructorArguments(t *testing.T) {
	_, err := NewServer(Dialect(5), "127.0.0.1", 0, ServerConfig{})
	assert.ErrorIs(t, err, enet.ErrInvalidParameter)
	_, err = NewServer(Godot3, "127.0.0.1", 0, ServerConfig{Channels: 2})
	assert.ErrorIs(t, err, enet.ErrInvalidParameter)
	_, err = NewServer(Godot4, "127.0.0.1", 0, ServerConfig{Channels: 254})
	assert.ErrorIs(t, err, enet.ErrInvalidParameter)
	_, err = NewServer(Godot3, "127.0.0.1", 0, ServerConfig{MaxClients: 4096})
	assert.ErrorIs(t, err, enet.ErrInvalidParameter)
	_, err = Dial(Godot3, "127.0.0.1", 1, ClientConfig{Channels: 2})
	assert.ErrorIs(t, err, enet.ErrInvalidParameter)
	_, err = Dial(Dialect(0), "127.0.0.1", 1, ClientConfig{})
	assert.ErrorIs(t, err, enet.ErrInvalidParameter)
}

func TestDialTimeout(t *testing.T) {
	r := newRawHost(t, true, 1, 0) // a bound socket that never services
	start := time.Now()
	_, err := Dial(Godot3, "127.0.0.1", r.h.LocalPort(), ClientConfig{ConnectTimeout: 300 * time.Millisecond})
	assert.ErrorIs(t, err, enet.ErrConnectFailed)
	assert.Less(t, time.Since(start), 2*time.Second)
}

func TestRelayOff(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			s, a, b := trio(t, d, ServerConfig{NoRelay: true}, ClientConfig{})
			assert.Equal(t, []int32{1}, a.Peers(), "no ADD_PEER without relay")
			assert.ErrorIs(t, a.Send(b.ID(), []byte("x"), Reliable, 0), enet.ErrInvalidParameter)
			require.NoError(t, a.Send(0, []byte("all"), Reliable, 0))
			require.NoError(t, a.Send(1, []byte("srv"), Reliable, 0))
			// Force a relay request for B through the raw connection.
			if d == Godot3 {
				require.NoError(t, a.Server().Send(1, g3Header(uint32(a.ID()), b.ID(), []byte("forced")), enet.FlagReliable))
			} else {
				require.NoError(t, a.Server().Send(0, g4Sys(g4SysRelay, b.ID(), []byte("forced")), enet.FlagReliable))
			}
			// Godot 3 drops target 0 entirely without relay; Godot 4's
			// client wraps it in RELAY, which the server drops too.
			assert.Equal(t, []string{"srv"}, collectUntil(s.Events(), []string{"srv"}))
			assert.Empty(t, collectUntil(b.Events(), nil))
		})
	}
}

func TestRefuseNewConnections(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			s := newServer(t, d, ServerConfig{RefuseNewConnections: true})
			c, err := Dial(d, "127.0.0.1", s.Port(), ClientConfig{ConnectTimeout: 500 * time.Millisecond})
			if err == nil {
				// ENet may complete the handshake before the refusal.
				expect(t, c.Events(), PeerLeft{ID: 1})
				c.Close()
			}
			require.NoError(t, s.RefuseNewConnections(false))
			c = dial(t, d, s.Port(), ClientConfig{})
			ev := next(t, s.Events())
			assert.Equal(t, PeerJoined{ID: c.ID()}, ev, "only the accepted client is reported")
		})
	}
}

// TestBadIDsReset connects raw clients with ids Godot rejects: they are
// reset silently and never reported.
func TestBadIDsReset(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			s := newServer(t, d, ServerConfig{})
			good := dial(t, d, s.Port(), ClientConfig{})
			expect(t, s.Events(), PeerJoined{ID: good.ID()})
			r := newRawHost(t, false, 4, 0)
			ids := []uint32{0, 1, 0x80000005, uint32(good.ID())}
			for _, data := range ids {
				p, err := r.h.ConnectToHost("127.0.0.1", s.Port(), 3, data)
				require.NoError(t, err)
				require.NoError(t, p.SetTimeout(4, 100*time.Millisecond, 500*time.Millisecond))
			}
			connects, disconnects := 0, 0
			for disconnects < len(ids) {
				ev := r.event(waitTime)
				switch ev.Type {
				case enet.EventConnect:
					connects++
					require.NoError(t, ev.Peer.Send(1, g3Header(ev.Data, 1, []byte("hi")), enet.FlagReliable))
				case enet.EventDisconnect:
					disconnects++
				default:
					require.FailNow(t, "the reset clients must time out", "got %v", ev.Type)
				}
			}
			assert.Equal(t, len(ids), connects, "ENet completes the handshake before the reset")
			assert.Equal(t, []int32{good.ID()}, s.Peers())
			assert.Empty(t, collectUntil(s.Events(), nil))
		})
	}
}

// TestGodot3ServerDropsBadPackets has a raw client break each silent rule
// of the Godot 3 server.
func TestGodot3ServerDropsBadPackets(t *testing.T) {
	s, a, b := trio(t, Godot3, ServerConfig{}, ClientConfig{})
	r := newRawHost(t, false, 1, 0)
	const id = 5555
	p := r.connect(s.Port(), 3, id)
	expect(t, s.Events(), PeerJoined{ID: id})
	send := func(ch int, data []byte) { require.NoError(t, p.Send(ch, data, enet.FlagReliable)) }
	send(1, g3Header(uint32(a.ID()), 1, []byte("spoof-srv")))    // spoofed source
	send(1, g3Header(uint32(a.ID()), b.ID(), []byte("spoof-b"))) // spoofed source, relayed
	send(1, g3Header(uint32(a.ID()), 0, []byte("spoof-all")))    // spoofed source, broadcast
	send(1, []byte{0xb3, 0x15, 0, 0})                            // short
	send(2, []byte{0xb3, 0x15, 0, 0, 1, 0, 0})                   // short, 7 bytes
	send(0, g3Header(id, 1, []byte("config-srv")))               // channel 0
	send(0, g3SysMsg(g3SysAddPeer, 77))                          // fake system message
	send(1, g3Header(id, 1, []byte("legit-srv")))                // fine
	send(2, g3Header(id, b.ID(), []byte("legit-b")))             // fine, relayed
	for range 10 {
		r.event(10 * time.Millisecond)
	}
	assert.Equal(t, []string{"legit-srv"}, collectUntil(s.Events(), []string{"legit-srv"}))
	assert.Equal(t, []string{"legit-b"}, collectUntil(b.Events(), []string{"legit-b"}))
	assert.Empty(t, collectUntil(a.Events(), nil))
}

// TestGodot3ClientRules has a raw server send what a Godot 3 client must
// ignore, then the real thing.
func TestGodot3ClientRules(t *testing.T) {
	r := newRawHost(t, true, 2, 3)
	type result struct {
		c   *Client
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := Dial(Godot3, "127.0.0.1", r.h.LocalPort(), ClientConfig{})
		done <- result{c, err}
	}()
	ev := r.event(waitTime)
	require.Equal(t, enet.EventConnect, ev.Type)
	p := ev.Peer
	res := <-done
	require.NoError(t, res.err)
	c := res.c
	t.Cleanup(func() { c.Close() })
	expect(t, c.Events(), PeerJoined{ID: 1})
	assert.Equal(t, 3, p.Channels(), "Godot 3 clients request exactly channel_count channels")
	assert.Equal(t, uint32(c.ID()), ev.Data, "connect data is the id")

	require.NoError(t, p.Send(1, []byte{1, 0, 0, 0, 0, 0, 0}, enet.FlagReliable)) // 7 bytes
	require.NoError(t, p.Send(0, []byte{0, 0, 0, 0, 9, 0}, enet.FlagReliable))    // short system message
	require.NoError(t, p.Send(0, g3SysMsg(g3SysAddPeer, 9), enet.FlagReliable))
	require.NoError(t, p.Send(2, g3Header(9, c.ID(), []byte("from 9")), 0))
	require.NoError(t, p.Send(0, g3SysMsg(g3SysRemovePeer, 9), enet.FlagReliable))
	r.event(50 * time.Millisecond)
	assert.Equal(t, PeerJoined{ID: 9}, next(t, c.Events()))
	assert.Equal(t, Packet{From: 9, ENetChannel: 2, Mode: UnreliableOrdered, Data: []byte("from 9")}, next(t, c.Events()))
	assert.Equal(t, PeerLeft{ID: 9}, next(t, c.Events()))

	// What the client sends: the header, on the mode's channel and flags.
	require.NoError(t, c.Send(1, []byte("r"), Reliable, 0))
	require.NoError(t, c.Send(0, []byte("u"), Unreliable, 0))
	require.NoError(t, c.Send(-1, []byte("o"), UnreliableOrdered, 0))
	require.NoError(t, c.Send(1, []byte("c"), Reliable, 2))
	wants := []struct {
		ch    int
		flags enet.PacketFlags
		data  []byte
	}{
		{1, enet.FlagReliable, cat(le32(c.ID()), le32(1), []byte("r"))},
		{2, enet.FlagUnsequenced, cat(le32(c.ID()), le32(0), []byte("u"))},
		{2, 0, cat(le32(c.ID()), le32(-1), []byte("o"))},
		{2, enet.FlagReliable, cat(le32(c.ID()), le32(1), []byte("c"))},
	}
	var got []enet.Event
	for range wants {
		got = append(got, r.receive())
	}
	for _, w := range wants {
		found := false
		for _, g := range got {
			if string(g.Packet) == string(w.data) {
				found = true
				assert.Equal(t, w.ch, g.Channel, "%q", w.data)
				assert.Equal(t, w.flags, g.Flags, "%q", w.data)
			}
		}
		assert.True(t, found, "%q not received", w.data)
	}

	// Close sends the client's id as disconnect data, as Godot does.
	go c.Close()
	ev = r.event(waitTime)
	require.Equal(t, enet.EventDisconnect, ev.Type)
	assert.Equal(t, uint32(c.ID()), ev.Data)
}

func TestCustomChannels(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			s, a, b := trio(t, d, ServerConfig{Channels: 5}, ClientConfig{Channels: 5})
			enetCh := 3
			if d == Godot4 {
				enetCh = 4
			}
			for _, m := range modes {
				require.NoError(t, a.Send(b.ID(), []byte("ch3"), m, 3))
				expect(t, b.Events(), Packet{From: a.ID(), Channel: 3, ENetChannel: enetCh, Mode: m, Data: []byte("ch3")})
				require.NoError(t, a.Send(1, []byte("ch3"), m, 3))
				expect(t, s.Events(), Packet{From: a.ID(), Channel: 3, ENetChannel: enetCh, Mode: m, Data: []byte("ch3")})
				require.NoError(t, s.Send(a.ID(), []byte("ch3"), m, 3))
				expect(t, a.Events(), Packet{From: 1, Channel: 3, ENetChannel: enetCh, Mode: m, Data: []byte("ch3")})
			}
		})
	}
}

func TestDisconnectNotifications(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			s, a, b := trio(t, d, ServerConfig{}, ClientConfig{})
			c := dial(t, d, s.Port(), ClientConfig{})
			expect(t, s.Events(), PeerJoined{ID: c.ID()})

			// Graceful: the client is told after its queue, PeerLeft after.
			require.NoError(t, s.DisconnectPeer(a.ID(), false))
			expect(t, a.Events(), PeerLeft{ID: 1})
			_, open := <-a.Events()
			assert.False(t, open, "events channel closes after PeerLeft{1}")
			expect(t, s.Events(), PeerLeft{ID: a.ID()})
			expect(t, b.Events(), PeerLeft{ID: a.ID()})
			assert.ErrorIs(t, a.Send(1, []byte("x"), Reliable, 0), enet.ErrUnconfigured)

			// Immediate: PeerLeft at once; the others are told.
			require.NoError(t, s.DisconnectPeer(b.ID(), true))
			expect(t, s.Events(), PeerLeft{ID: b.ID()})
			expect(t, c.Events(), PeerLeft{ID: b.ID()})
			expect(t, b.Events(), PeerLeft{ID: 1})
			assert.Equal(t, []int32{c.ID()}, s.Peers())
			assert.ErrorIs(t, s.DisconnectPeer(b.ID(), true), enet.ErrInvalidParameter)
		})
	}
}

func TestCloseGraceful(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			s := newServer(t, d, ServerConfig{})
			c := dial(t, d, s.Port(), ClientConfig{})
			r := newRawHost(t, false, 1, 0)
			rp := r.connect(s.Port(), 3, 777)
			expect(t, s.Events(), PeerJoined{ID: c.ID()})
			expect(t, s.Events(), PeerJoined{ID: 777})
			big := make([]byte, 20000) // several fragments still queued at Close
			big[0] = 'B'
			require.NoError(t, s.Send(0, big, Reliable, 0))
			start := time.Now()
			closed := make(chan struct{})
			go func() {
				s.Close()
				close(closed)
			}()
			var rawGot []enet.Event
			for {
				ev := r.event(waitTime)
				rawGot = append(rawGot, ev)
				if ev.Type != enet.EventReceive {
					break
				}
			}
			<-closed
			assert.Less(t, time.Since(start), 2*time.Second)
			require.Len(t, rawGot, 3, "ADD_PEER or packet, packet, disconnect")
			last := rawGot[len(rawGot)-1]
			assert.Equal(t, enet.EventDisconnect, last.Type)
			wantData := uint32(0)
			if d == Godot3 {
				wantData = 1
			}
			assert.Equal(t, wantData, last.Data, "disconnect data")
			assert.False(t, rp.IsActive())
			ev := next(t, c.Events())
			if _, joined := ev.(PeerJoined); joined {
				ev = next(t, c.Events())
			}
			p, ok := ev.(Packet)
			require.True(t, ok, "%#v", ev)
			assert.Len(t, p.Data, len(big))
			expect(t, c.Events(), PeerLeft{ID: 1})
			_, open := <-s.Events()
			assert.False(t, open)
			require.NoError(t, s.Close(), "idempotent")
		})
	}
}

func TestCloseWithUnreadEvents(t *testing.T) {
	s := newServer(t, Godot3, ServerConfig{})
	c := dial(t, Godot3, s.Port(), ClientConfig{})
	for range 100 {
		require.NoError(t, c.Send(1, []byte("unread"), Reliable, 0))
	}
	time.Sleep(100 * time.Millisecond)
	require.NoError(t, s.Close())
	require.NoError(t, c.Close())
}

func TestErrorsWrap(t *testing.T) {
	err := opError("send", enet.ErrInvalidParameter, "x")
	assert.True(t, errors.Is(err, enet.ErrInvalidParameter))
	assert.Equal(t, 31, enet.GodotCode(err))
	assert.Contains(t, err.Error(), "multiplayer: send:")
}

// BenchmarkRelay measures one reliable packet from client A to client B
// through the server's relay, for each dialect.
func BenchmarkRelay(b *testing.B) {
	for _, d := range dialects {
		b.Run(d.String(), func(b *testing.B) {
			s, err := NewServer(d, "127.0.0.1", 0, ServerConfig{CloseTimeout: 100 * time.Millisecond})
			require.NoError(b, err)
			defer s.Close()
			ca, err := Dial(d, "127.0.0.1", s.Port(), ClientConfig{CloseTimeout: 100 * time.Millisecond})
			require.NoError(b, err)
			defer ca.Close()
			cb, err := Dial(d, "127.0.0.1", s.Port(), ClientConfig{CloseTimeout: 100 * time.Millisecond})
			require.NoError(b, err)
			defer cb.Close()
			for ev := range ca.Events() {
				if ev == (PeerJoined{ID: cb.ID()}) {
					break
				}
			}
			payload := make([]byte, 64)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				require.NoError(b, ca.Send(cb.ID(), payload, Reliable, 0))
				for ev := range cb.Events() {
					if _, ok := ev.(Packet); ok {
						break
					}
				}
			}
		})
	}
}

func TestCompressionAndLocalPort(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			s := newServer(t, d, ServerConfig{Compression: enet.CompressRangeCoder})
			port := godottest.FreePorts(t, 1)[0]
			c := dial(t, d, s.Port(), ClientConfig{Compression: enet.CompressRangeCoder, LocalPort: port})
			expect(t, s.Events(), PeerJoined{ID: c.ID()})
			assert.Equal(t, port, s.Peer(c.ID()).RemotePort())
			payload := make([]byte, 3000) // compressible, fragmented
			require.NoError(t, c.Send(1, payload, Reliable, 0))
			ch, _ := d.wireFor(Reliable, 0)
			expect(t, s.Events(), Packet{From: c.ID(), ENetChannel: ch, Mode: Reliable, Data: payload})
			assert.Nil(t, s.Peer(99))
		})
	}
}

// TestLargeUnreliable documents what the receiver sees of an unreliable
// packet larger than the MTU: Godot 3 sends it as reliable fragments
// (received as Reliable), Godot 4 as unreliable fragments, which carry only
// the unreliable-fragment flag and so read as UnreliableOrdered, as in
// Godot's get_packet_mode.
func TestLargeUnreliable(t *testing.T) {
	want := map[Dialect]TransferMode{Godot3: Reliable, Godot4: UnreliableOrdered}
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			s := newServer(t, d, ServerConfig{})
			c := dial(t, d, s.Port(), ClientConfig{})
			expect(t, s.Events(), PeerJoined{ID: c.ID()})
			big := make([]byte, 3000)
			for i := range big {
				big[i] = byte(i)
			}
			require.NoError(t, c.Send(1, big, Unreliable, 0))
			ev := next(t, s.Events())
			p, ok := ev.(Packet)
			require.True(t, ok, "%#v", ev)
			assert.Equal(t, big, p.Data)
			assert.Equal(t, want[d], p.Mode)
		})
	}
}

// TestServerLimits: ServerConfig.Limits reaches the host's inbound checks:
// with PeersPerAddress 1 a second client from the same address is refused
// (its Dial times out), while MaxClients still comes from the server's
// own field.
func TestServerLimits(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			s := newServer(t, d, ServerConfig{MaxClients: 8,
				Limits: &enet.HostConfig{MaxPeers: 1, PeersPerAddress: 1}})
			dial(t, d, s.Port(), ClientConfig{})
			c, err := Dial(d, "127.0.0.1", s.Port(), ClientConfig{ConnectTimeout: 500 * time.Millisecond})
			if err == nil {
				c.Close()
			}
			require.ErrorIs(t, err, enet.ErrConnectFailed, "second client from the same address")
		})
	}
}
