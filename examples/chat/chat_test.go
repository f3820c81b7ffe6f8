package main

import (
	"context"
	"io"
	"log"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enetgo/enet/internal/godottest"
	"github.com/enetgo/enet/multiplayer"
)

// startRoom runs a chat server on a free loopback port.
func startRoom(t *testing.T, d ...multiplayer.Dialect) *multiplayer.Server {
	t.Helper()
	dialect := multiplayer.Godot3
	if len(d) > 0 {
		dialect = d[0]
	}
	srv, err := multiplayer.NewServer(dialect, "127.0.0.1", 0, multiplayer.ServerConfig{})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		newRoom(srv, log.New(io.Discard, "", 0)).run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		srv.Close()
	})
	return srv
}

// waitPacket returns the first packet received by c whose text, as read
// by text, contains substr, with that text.
func waitPacket(t *testing.T, c *multiplayer.Client, substr string,
	text func(multiplayer.Packet) string) (multiplayer.Packet, string) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-c.Events():
			require.True(t, ok, "events closed waiting for %q", substr)
			if p, isPacket := ev.(multiplayer.Packet); isPacket {
				if line := text(p); strings.Contains(line, substr) {
					return p, line
				}
			}
		case <-deadline:
			require.FailNow(t, "no line containing "+substr)
		}
	}
}

// waitLine returns the first chat line received by c that contains substr.
func waitLine(t *testing.T, c *multiplayer.Client, substr string) string {
	t.Helper()
	p, line := waitPacket(t, c, substr, func(p multiplayer.Packet) string { return string(p.Data) })
	assert.Equal(t, int32(1), p.From, "chat comes from the server")
	return line
}

func dial(t *testing.T, port int, d ...multiplayer.Dialect) *multiplayer.Client {
	t.Helper()
	dialect := multiplayer.Godot3
	if len(d) > 0 {
		dialect = d[0]
	}
	c, err := multiplayer.Dial(dialect, "127.0.0.1", port, multiplayer.ClientConfig{})
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestChatRoom(t *testing.T) {
	srv := startRoom(t)
	a := dial(t, srv.Port())
	nameA := "player" + strconv.Itoa(int(a.ID()))
	assert.Contains(t, waitLine(t, a, "* welcome"), nameA)

	b := dial(t, srv.Port())
	nameB := "player" + strconv.Itoa(int(b.ID()))
	welcome := waitLine(t, b, "* welcome")
	assert.Contains(t, welcome, "2 here")
	assert.Contains(t, welcome, nameA)
	waitLine(t, a, "* "+nameB+" joined")

	require.NoError(t, a.Send(1, []byte("/name alice"), multiplayer.Reliable, 0))
	waitLine(t, a, "* "+nameA+" is now alice")
	waitLine(t, b, "* "+nameA+" is now alice")

	require.NoError(t, b.Send(1, []byte("hi alice"), multiplayer.Reliable, 0))
	assert.Equal(t, nameB+": hi alice", waitLine(t, a, "hi alice"))
	assert.Equal(t, nameB+": hi alice", waitLine(t, b, "hi alice"), "the sender sees its line too")

	require.NoError(t, b.Close())
	waitLine(t, a, "* "+nameB+" left")
}

// waitRaw returns the first RAW (send_bytes) line received by Godot 4
// client c that contains substr.
func waitRaw(t *testing.T, c *multiplayer.Client, substr string) string {
	t.Helper()
	_, line := waitPacket(t, c, substr, func(p multiplayer.Packet) string {
		line, raw := multiplayer.DecodeRaw(multiplayer.Godot4, p.Data)
		require.True(t, raw, "a Godot 4 chat line is a RAW packet: % x", p.Data)
		return string(line)
	})
	return line
}

// Godot 4 clients chat with SceneMultiplayer.send_bytes: RAW packets both
// ways (no Godot 4 runtime here: Go clients of the Godot 4 dialect).
func TestChatRoomGodot4(t *testing.T) {
	srv := startRoom(t, multiplayer.Godot4)
	a := dial(t, srv.Port(), multiplayer.Godot4)
	nameA := "player" + strconv.Itoa(int(a.ID()))
	assert.Contains(t, waitRaw(t, a, "* welcome"), nameA)
	b := dial(t, srv.Port(), multiplayer.Godot4)
	nameB := "player" + strconv.Itoa(int(b.ID()))
	waitRaw(t, a, "* "+nameB+" joined")

	require.NoError(t, b.SendBytes(1, []byte("hello from godot 4"), multiplayer.Reliable, 0))
	assert.Equal(t, nameB+": hello from godot 4", waitRaw(t, a, "hello from"))
	// A non-RAW SceneMultiplayer packet (an RPC, byte 0 = 0) is not chat.
	require.NoError(t, b.Send(1, []byte{0, 'r', 'p', 'c'}, multiplayer.Reliable, 0))
	require.NoError(t, b.SendBytes(1, []byte("after rpc"), multiplayer.Reliable, 0))
	assert.Equal(t, nameB+": after rpc", waitRaw(t, a, "rpc"), "the RPC packet was ignored")
}

// The GDScript client against the chat server, in a real Godot 3.2.3.
func TestChatGodotClient(t *testing.T) {
	godottest.Require(t)
	srv := startRoom(t)
	watcher := dial(t, srv.Port())
	waitLine(t, watcher, "* welcome")

	g := godottest.Start(t, "client.gd", "port="+strconv.Itoa(srv.Port()), "name=gd",
		"say=hello from godot|second line", "seconds=1.5")
	waitLine(t, watcher, "joined")
	assert.Contains(t, waitLine(t, watcher, "hello from godot"), "gd: hello from godot")
	waitLine(t, watcher, "gd: second line")
	out, err := g.Wait()
	require.NoError(t, err, out)
	assert.Contains(t, out, "connected as peer")
	assert.Contains(t, out, "* welcome")
	assert.True(t, godottest.HasLine(out, "gd: hello from godot"), out)
	waitLine(t, watcher, "* gd left")
}
