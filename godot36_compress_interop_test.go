package enet

// ENet-level compression interop with a real Godot 3.6.2
// (NetworkedMultiplayerENet), and the compression default of Godot 3.x
// clients proved on both Godot 3 engines.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/enetgo/enet/internal/godottest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGodot36CompressGodotClient is TestGodot3CompressGodotClient with Godot
// 3.6.2: one client program sets each compression mode in turn against our
// servers, sends every transfer mode (an unreliable one over the MTU too) and
// checks our echoes; last it fails to connect with a mismatched mode.
func TestGodot36CompressGodotClient(t *testing.T) {
	g3CompressGodotClient(t, godottest.Godot36)
}

// TestGodot36CompressGodotServer is TestGodot3CompressGodotServer with Godot
// 3.6.2: one echo server program listens with each mode in turn, then with
// mismatched ones.
func TestGodot36CompressGodotServer(t *testing.T) {
	g3CompressGodotServer(t, godottest.Godot36)
}

// TestGodot36CompressDefault proves which compression a Godot 3.x client
// uses when the game leaves compression_mode alone, and that a Go server
// configured as docs/compression.md says serves it: Godot 3.6.2 defaults to
// COMPRESS_RANGE_CODER, so it connects to (and only to) our server with
// Compress(CompressRangeCoder); Godot 3.2.3 defaults to COMPRESS_NONE, so it
// connects only to our uncompressed server. One Godot run per engine tries
// both servers.
func TestGodot36CompressDefault(t *testing.T) {
	cases := []struct {
		engine *godottest.Engine
		want   CompressionMode
	}{
		{godottest.Godot36, CompressRangeCoder},
		{godottest.Godot3, CompressNone},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.engine.Name, " ", ""), func(t *testing.T) {
			c.engine.Require(t)
			modes := []CompressionMode{CompressRangeCoder, CompressNone}
			names := []string{"rc", "none"}
			hosts := make([]*Host, len(modes))
			targets := make([]string, len(modes))
			for i, m := range modes {
				hosts[i] = newServer(t, HostConfig{MaxChannels: 3})
				require.NoError(t, hosts[i].Compress(m))
				targets[i] = fmt.Sprintf("%s:%d:%d", names[i], hosts[i].LocalPort(), m)
			}
			stop := serveEach(t, hosts, func(ctx context.Context, i int, h *Host) g3ServerResult {
				return g3Serve(ctx, h, modes[i], g3Frag(c.engine))
			})
			out := c.engine.Run(t, "testdata/godot36/enet_default_client.gd", "targets="+strings.Join(targets, ","))
			time.Sleep(200 * time.Millisecond)
			results := stop()
			t.Logf("%s:\n%s", c.engine.Name, out)

			assert.True(t, godottest.HasLine(out, "DEFAULT compression_mode="+strconv.Itoa(int(c.want))), "default compression_mode")
			for i, m := range modes {
				match := m == c.want
				line := fmt.Sprintf("TRY target=%s mode_used=%d connected=%s echo=%s", names[i], c.want, g3Bool(match), g3Bool(match))
				assert.True(t, godottest.HasLine(out, line), "want %q", line)
				assert.Equal(t, match, results[i].connected, "our %v server saw the client connect", m)
				assert.Empty(t, results[i].errs, "our %v server", m)
				if match {
					assert.True(t, results[i].kinds[0], "our %v server got the reliable packet", m)
				}
			}
		})
	}
}

// g3Bool spells b as Godot 3 prints a bool.
func g3Bool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}
