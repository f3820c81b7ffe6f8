package multiplayer

import (
	"testing"

	"github.com/enetgo/enet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIPv6 runs a default server (address "", which binds "*": dual-stack,
// as Godot 4's create_server) with one client dialling [::1] and one
// dialling 127.0.0.1, in each dialect: both join, see each other, and
// exchange packets through the relay.
func TestIPv6(t *testing.T) {
	if ok, why := enet.IPv6Supported(); !ok {
		_, err := Dial(Godot4, "::1", 1, ClientConfig{ConnectTimeout: 1})
		require.ErrorIs(t, err, enet.ErrIPv6Unsupported)
		t.Skip(why)
	}
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			s, err := NewServer(d, "", 0, ServerConfig{})
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			six, err := Dial(d, "::1", s.Port(), ClientConfig{})
			require.NoError(t, err)
			t.Cleanup(func() { six.Close() })
			require.Equal(t, PeerJoined{ID: 1}, next(t, six.Events()))
			expect(t, s.Events(), PeerJoined{ID: six.ID()})
			four := dial(t, d, s.Port(), ClientConfig{})
			expect(t, s.Events(), PeerJoined{ID: four.ID()})
			expect(t, six.Events(), PeerJoined{ID: four.ID()})
			expect(t, four.Events(), PeerJoined{ID: six.ID()})

			require.NoError(t, six.Send(four.ID(), []byte("6to4"), Reliable, 0))
			require.NoError(t, four.Send(six.ID(), []byte("4to6"), UnreliableOrdered, 0))
			require.NoError(t, six.Send(1, []byte("6tos"), Unreliable, 0))
			p := next(t, four.Events()).(Packet)
			assert.Equal(t, six.ID(), p.From)
			assert.Equal(t, "6to4", string(p.Data))
			p = next(t, six.Events()).(Packet)
			assert.Equal(t, four.ID(), p.From)
			assert.Equal(t, "4to6", string(p.Data))
			p = next(t, s.Events()).(Packet)
			assert.Equal(t, six.ID(), p.From)
			assert.Equal(t, "6tos", string(p.Data))

			require.NoError(t, six.Close())
			expect(t, s.Events(), PeerLeft{ID: six.ID()})
			expect(t, four.Events(), PeerLeft{ID: six.ID()})
		})
	}
}
