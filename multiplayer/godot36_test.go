package multiplayer

import (
	"fmt"
	"testing"
	"time"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/internal/godottest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGodot36DefaultCompression: Godot 3.4+ NetworkedMultiplayerENet
// compresses with the range coder by default, and ENet does not negotiate
// compression. Against a real Godot 3.6.2 left at its defaults, our Godot3
// Server and Client at their defaults (no compression, Godot 3.2's and
// Godot 4's default) do not even complete the handshake: the 3.6 client's
// CONNECT is range-coded, which our uncompressed host drops, and the 3.6
// server's VERIFY_CONNECT to our client is too. With
// Compression: enet.CompressRangeCoder both work (the Godot3 tests run the
// whole table that way against 3.6.2).
func TestGodot36DefaultCompression(t *testing.T) {
	godottest.Godot36.Require(t)
	const quiet = 1500 * time.Millisecond

	t.Run("GodotClientGoServer", func(t *testing.T) {
		for _, comp := range []enet.CompressionMode{enet.CompressNone, enet.CompressRangeCoder} {
			s := newServer(t, Godot3, ServerConfig{Compression: comp})
			p := godottest.Godot36.StartTimeout(t, 20*time.Second, "../testdata/godot3/mp_raw.gd", fmt.Sprintf("port=%d", s.Port()))
			select {
			case ev := <-s.Events():
				require.NotEqual(t, enet.CompressNone, comp, "a 3.6 client at its defaults joined an uncompressed server: %#v", ev)
				j, isJoin := ev.(PeerJoined)
				require.True(t, isJoin, "%#v", ev)
				require.NoError(t, s.SendBytes(j.ID, []byte("raw from go"), Reliable, 0))
				out, err := p.Wait()
				require.NoError(t, err, out)
				assert.True(t, godottest.HasLine(out, "PASS"), out)
			case <-time.After(quiet):
				require.Equal(t, enet.CompressNone, comp, "no client joined the range-coder server\n%s", p.Output())
				p.Kill()
				_, _ = p.Wait()
			}
			require.NoError(t, s.Close())
		}
	})

	t.Run("GoClientGodotServer", func(t *testing.T) {
		port := godottest.FreePorts(t, 1)[0]
		p := godottest.Godot36.StartTimeout(t, 20*time.Second, "../testdata/godot3/mp_server.gd",
			fmt.Sprintf("port=%d", port), "goid=424242")
		_, err := p.WaitLine("LISTENING", godotWait)
		require.NoError(t, err, p.Output())
		_, err = Dial(Godot3, "127.0.0.1", port, ClientConfig{ID: 424242, ConnectTimeout: quiet})
		require.ErrorIs(t, err, enet.ErrConnectFailed, "an uncompressed client cannot reach a 3.6 server at its defaults")
		c, err := Dial(Godot3, "127.0.0.1", port, ClientConfig{ID: 424243, Compression: enet.CompressRangeCoder, ConnectTimeout: quiet})
		require.NoError(t, err)
		assert.Equal(t, PeerJoined{ID: 1}, next(t, c.Events()))
		_, err = p.WaitLine("CONNECTED id=424243", godotWait)
		require.NoError(t, err, p.Output())
		require.NoError(t, c.Close())
		p.Kill()
		_, _ = p.Wait()
	})
}
