package main

import (
	"context"
	"fmt"
	"log"
	"strings"
	"sync"
	"testing"

	"github.com/enetgo/enet/internal/godottest"
	"github.com/enetgo/enet/multiplayer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRPCChat runs the example server against real clients: two Godot
// 4.6.3 clients that each hear both their own lines and the other's, and
// two Godot 3.6.2 clients likewise.
func TestRPCChat(t *testing.T) {
	for _, c := range []struct {
		e      *godottest.Engine
		d      multiplayer.Dialect
		script string
	}{
		{godottest.Godot4, multiplayer.Godot4, "client4.gd"},
		{godottest.Godot36, multiplayer.Godot3, "client3.gd"},
	} {
		t.Run(c.e.Name, func(t *testing.T) {
			c.e.Require(t)
			srv, err := multiplayer.NewServer(c.d, "127.0.0.1", 0, multiplayer.ServerConfig{})
			require.NoError(t, err)
			defer srv.Close()
			logs := &syncBuffer{}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- serve(ctx, srv, log.New(logs, "", 0)) }()

			port := fmt.Sprintf("port=%d", srv.Port())
			// peers=2: each client waits for the other before speaking;
			// expect=3: its two lines and the other's one.
			a := c.e.Start(t, c.script, port, "say=hello from a|bye from a", "peers=2", "expect=3")
			b := c.e.Start(t, c.script, port, "say=hi from b|bye from b", "peers=2", "expect=3")
			outA, errA := a.Wait()
			outB, errB := b.Wait()
			require.NoError(t, errA, outA)
			require.NoError(t, errB, outB)
			require.True(t, godottest.HasLine(outA, "PASS"), outA)
			require.True(t, godottest.HasLine(outB, "PASS"), outB)
			assert.Contains(t, outA, ": hi from b", "a heard b")
			assert.Contains(t, outB, ": hello from a", "b heard a")
			cancel()
			require.NoError(t, <-done)
			assert.NotContains(t, logs.String(), "dropped")
			assert.Contains(t, logs.String(), ": bye from b")
		})
	}
}
