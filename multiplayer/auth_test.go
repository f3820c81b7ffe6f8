package multiplayer

import (
	"errors"
	"testing"
	"time"

	"github.com/enetgo/enet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serverAuth challenges every client and wants "secret" back.
func serverAuth(peer int32, data []byte) ([]byte, bool, error) {
	switch string(data) {
	case "":
		return []byte("challenge"), false, nil
	case "secret":
		return nil, true, nil
	}
	return nil, false, errors.New("wrong answer")
}

func clientAuth(answer string) AuthFunc {
	return func(peer int32, data []byte) ([]byte, bool, error) {
		if string(data) == "challenge" {
			return []byte(answer), true, nil
		}
		return nil, false, nil
	}
}

func TestGodot4Auth(t *testing.T) {
	s := newServer(t, Godot4, ServerConfig{Auth: serverAuth, AuthTimeout: 500 * time.Millisecond})
	a, err := Dial(Godot4, "127.0.0.1", s.Port(), ClientConfig{Auth: clientAuth("secret")})
	require.NoError(t, err)
	t.Cleanup(func() { a.Close() })
	assert.Equal(t, PeerJoined{ID: 1}, next(t, a.Events()))
	assert.Equal(t, PeerJoined{ID: a.ID()}, next(t, s.Events()))
	require.NoError(t, a.SendBytes(1, []byte("in"), Reliable, 0))
	expect(t, s.Events(), Packet{From: a.ID(), Mode: Reliable, Data: []byte{3, 'i', 'n'}})

	// A wrong answer: the server rejects and disconnects.
	b, err := Dial(Godot4, "127.0.0.1", s.Port(), ClientConfig{Auth: clientAuth("guess")})
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	assert.ErrorIs(t, b.Send(1, []byte{3, 'x'}, Reliable, 0), enet.ErrUnconfigured, "no sending while authenticating")
	assert.Equal(t, AuthFailed{ID: b.ID()}, next(t, s.Events()))
	assert.Equal(t, AuthFailed{ID: 1}, next(t, b.Events()))
	_, open := <-b.Events()
	assert.False(t, open)

	// A client without authentication times out on the server.
	c, err := Dial(Godot4, "127.0.0.1", s.Port(), ClientConfig{})
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	assert.Equal(t, PeerJoined{ID: 1}, next(t, c.Events()))
	assert.Equal(t, AuthFailed{ID: c.ID()}, next(t, s.Events()))
	assert.Equal(t, PeerLeft{ID: 1}, next(t, c.Events()))
	assert.Equal(t, []int32{a.ID()}, s.Peers())
	assert.Empty(t, collectUntil(a.Events(), nil), "A never heard of B or C")
}

// TestGodot4AuthBytes checks the AUTH messages on the wire with a raw
// client: [7][0][data] and the 2-byte completion [7][0].
func TestGodot4AuthBytes(t *testing.T) {
	s := newServer(t, Godot4, ServerConfig{Auth: serverAuth})
	r := newRawHost(t, false, 1, 0)
	p := r.connect(s.Port(), 255, 4444)
	ch, flags, data := r.recvPacket(t)
	assert.Equal(t, append([]byte{7, 0}, "challenge"...), data)
	assert.Equal(t, 0, ch)
	assert.Equal(t, enet.FlagReliable, flags)

	require.NoError(t, p.Send(0, []byte{3, 'e', 'a', 'r', 'l', 'y'}, enet.FlagReliable)) // dropped: not AUTH
	require.NoError(t, p.Send(0, append([]byte{7, 0}, "secret"...), enet.FlagReliable))
	_, _, data = r.recvPacket(t)
	assert.Equal(t, []byte{7, 0}, data, "server completed")
	assert.Empty(t, s.Peers(), "not admitted before the client completes")
	require.NoError(t, p.Send(0, []byte{7, 0}, enet.FlagReliable))
	require.NoError(t, p.Send(0, []byte{3, 'o', 'k'}, enet.FlagReliable))
	r.event(50 * time.Millisecond)
	assert.Equal(t, PeerJoined{ID: 4444}, next(t, s.Events()))
	assert.Equal(t, Packet{From: 4444, Mode: Reliable, Data: []byte{3, 'o', 'k'}}, next(t, s.Events()))
}

func TestAuthNeedsGodot4(t *testing.T) {
	_, err := NewServer(Godot3, "127.0.0.1", 0, ServerConfig{Auth: serverAuth})
	assert.ErrorIs(t, err, enet.ErrInvalidParameter)
	_, err = Dial(Godot3, "127.0.0.1", 1, ClientConfig{Auth: serverAuth})
	assert.ErrorIs(t, err, enet.ErrInvalidParameter)
}
