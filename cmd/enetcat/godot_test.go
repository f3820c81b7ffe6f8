package main

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enetgo/enet/internal/godottest"
	"github.com/enetgo/enet/multiplayer"
)

// nextEvent returns the next multiplayer event or fails after waitTime.
func nextEvent(t *testing.T, ch <-chan multiplayer.Event) multiplayer.Event {
	t.Helper()
	select {
	case ev, ok := <-ch:
		require.True(t, ok, "events channel closed")
		return ev
	case <-time.After(waitTime):
		require.FailNow(t, "no multiplayer event within timeout")
	}
	return nil
}

// nextPacket skips other events until a packet arrives.
func nextPacket(t *testing.T, ch <-chan multiplayer.Event) multiplayer.Packet {
	t.Helper()
	for {
		if p, ok := nextEvent(t, ch).(multiplayer.Packet); ok {
			return p
		}
	}
}

// payload strips Godot 4's RAW command byte.
func payload(t *testing.T, d multiplayer.Dialect, data []byte) string {
	t.Helper()
	if d == multiplayer.Godot4 {
		p, ok := multiplayer.DecodeRaw(d, data)
		require.True(t, ok, "not a RAW packet: %q", data)
		return string(p)
	}
	return string(data)
}

func godotFlag(d multiplayer.Dialect) string {
	return fmt.Sprintf("--godot%d", int(d))
}

// A Go multiplayer client against enetcat listen --godotN --echo.
func TestGodotListenEchoGoClient(t *testing.T) {
	for _, d := range []multiplayer.Dialect{multiplayer.Godot3, multiplayer.Godot4} {
		t.Run(d.String(), func(t *testing.T) {
			srv, port := listen(t, godotFlag(d), "--echo", "--json")
			c, err := multiplayer.Dial(d, "127.0.0.1", port, multiplayer.ClientConfig{})
			require.NoError(t, err)
			defer c.Close()
			require.Equal(t, multiplayer.PeerJoined{ID: 1}, nextEvent(t, c.Events()))
			srv.stdout.wait(t, `"connect"`)

			if d == multiplayer.Godot4 {
				require.NoError(t, c.SendBytes(1, []byte("echo me"), multiplayer.Reliable, 0))
			} else {
				require.NoError(t, c.Send(1, []byte("echo me"), multiplayer.Reliable, 0))
			}
			p := nextPacket(t, c.Events())
			assert.Equal(t, int32(1), p.From)
			assert.Equal(t, multiplayer.Reliable, p.Mode)
			assert.Equal(t, "echo me", payload(t, d, p.Data))

			srv.send(t, "typed on the server")
			p = nextPacket(t, c.Events())
			assert.Equal(t, int32(1), p.From)
			assert.Equal(t, "typed on the server", payload(t, d, p.Data))

			require.NoError(t, c.Close())
			srv.stdout.wait(t, `"disconnect"`)
			recs := decode(t, srv.stdout.Lines())
			for _, ev := range []string{"connect", "receive", "disconnect"} {
				got := find(recs, ev)
				require.Len(t, got, 1, ev)
				assert.EqualValues(t, c.ID(), got[0]["godot_id"], ev)
				assert.EqualValues(t, 1, got[0]["peer"], ev)
			}
			r := find(recs, "receive")[0]
			assert.Equal(t, "echo me", r["text"])
			assert.Equal(t, "reliable", r["flags"])
			assert.Equal(t, "TRANSFER_MODE_RELIABLE", r["mode"])
			assert.EqualValues(t, 0, r["channel"])
		})
	}
}

// enetcat connect --godotN against a Go multiplayer server.
func TestGodotConnectToGoServer(t *testing.T) {
	for _, d := range []multiplayer.Dialect{multiplayer.Godot3, multiplayer.Godot4} {
		t.Run(d.String(), func(t *testing.T) {
			s, err := multiplayer.NewServer(d, "127.0.0.1", 0, multiplayer.ServerConfig{})
			require.NoError(t, err)
			defer s.Close()
			cli := start(t, "connect", "127.0.0.1:"+strconv.Itoa(s.Port()), godotFlag(d), "--data", "777", "--json", "--stats")
			require.Equal(t, multiplayer.PeerJoined{ID: 777}, nextEvent(t, s.Events()), "--data is the unique id")

			cli.send(t, "from enetcat")
			p := nextPacket(t, s.Events())
			assert.Equal(t, int32(777), p.From)
			assert.Equal(t, "from enetcat", payload(t, d, p.Data))

			if d == multiplayer.Godot4 {
				require.NoError(t, s.SendBytes(777, []byte("from server"), multiplayer.Reliable, 0))
			} else {
				require.NoError(t, s.Send(777, []byte("from server"), multiplayer.Reliable, 0))
			}
			line := cli.stdout.wait(t, "from server")
			r := decode(t, []string{line})[0]
			assert.Equal(t, "receive", r["event"])
			assert.EqualValues(t, 1, r["godot_id"])

			require.NoError(t, cli.stdin.Close())
			assert.Equal(t, 0, cli.exitCode(t), cli.stderr.String())
			require.Equal(t, multiplayer.PeerLeft{ID: 777}, nextEvent(t, s.Events()))

			stats := find(decode(t, cli.stdout.Lines()), "stats")
			require.Len(t, stats, 1)
			rows := stats[0]["stats"].([]any)
			require.Len(t, rows, 1, "one row: the server")
			row := rows[0].(map[string]any)
			assert.EqualValues(t, 1, row["godot_id"])
			assert.EqualValues(t, 1, row["packets_received"])
		})
	}
}

func TestGodotConnectUnreachable(t *testing.T) {
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0") // bound, never answers
	require.NoError(t, err)
	defer pc.Close()
	cli := start(t, "connect", pc.LocalAddr().String(), "--godot3", "--timeout", "500ms")
	assert.Equal(t, 1, cli.exitCode(t))
	assert.Contains(t, cli.stderr.wait(t, "cannot connect"), pc.LocalAddr().String())
}

// A real Godot 3.2.3 NetworkedMultiplayerENet client against enetcat.
func TestGodot3RealClientEcho(t *testing.T) {
	godottest.Require(t)
	srv, port := listen(t, "--godot3", "--echo", "--channels", "4", "--json")
	g := godottest.Start(t, "../../testdata/godot3/enetcat_echo_client.gd", "port="+strconv.Itoa(port))
	srv.stdout.wait(t, `"connect"`)
	srv.send(t, "hello from enetcat")
	out, err := g.Wait()
	require.NoError(t, err, out)
	require.True(t, godottest.HasLine(out, "PASS"), out)

	m := regexp.MustCompile(`ID id=(\d+)`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	id, _ := strconv.Atoi(m[1])
	srv.stdout.wait(t, `"disconnect"`)
	recs := decode(t, srv.stdout.Lines())
	got := find(recs, "receive")
	require.Len(t, got, 2)
	for _, r := range got {
		assert.EqualValues(t, id, r["godot_id"])
	}
	assert.Equal(t, "hello from godot", got[0]["text"])
	assert.Equal(t, "channel three", got[1]["text"])
	assert.EqualValues(t, 3, got[1]["channel"])
}
