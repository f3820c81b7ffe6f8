package scene

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/enetgo/enet/internal/godottest"
	"github.com/enetgo/enet/multiplayer"
	"github.com/stretchr/testify/require"
)

// errLog collects what Handle returns, for tests to inspect.
type errLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errLog) add(err error) {
	if err == nil {
		return
	}
	l.mu.Lock()
	l.errs = append(l.errs, err)
	l.mu.Unlock()
}

func (l *errLog) all() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...)
}

// serve feeds every event of events to m until the channel closes,
// passing each packet to inspect first (if set).
func serve(m *Multiplayer, events <-chan multiplayer.Event, log *errLog, inspect func(multiplayer.Packet)) chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range events {
			if p, ok := ev.(multiplayer.Packet); ok && inspect != nil {
				inspect(p)
			}
			log.add(m.Handle(ev))
		}
	}()
	return done
}

// newServer starts a Go server of dialect d on a free loopback port.
func newServer(t *testing.T, d multiplayer.Dialect, cfg multiplayer.ServerConfig) *multiplayer.Server {
	t.Helper()
	s, err := multiplayer.NewServer(d, "127.0.0.1", 0, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func portArg(s *multiplayer.Server) string { return fmt.Sprintf("port=%d", s.Port()) }

// waitFor polls cond for up to d.
func waitFor(t *testing.T, d time.Duration, cond func() bool, msg string, args ...any) {
	t.Helper()
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf(msg, args...)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func md5hex(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// forGodot3 runs fn as a subtest for each Godot 3 engine (3.2.3 and
// 3.6.2), skipping (or failing) where the engine cannot run.
func forGodot3(t *testing.T, fn func(t *testing.T, e *godottest.Engine)) {
	for _, e := range []*godottest.Engine{godottest.Godot3, godottest.Godot36} {
		t.Run(e.Name, func(t *testing.T) {
			e.Require(t)
			fn(t, e)
		})
	}
}

// startGodotServer starts script with engine e on a free port (its "port="
// argument, before args) and waits until it prints LISTENING.
func startGodotServer(t *testing.T, e *godottest.Engine, script string, args ...string) (gs *godottest.Process, port int) {
	t.Helper()
	port = godottest.FreePorts(t, 1)[0]
	gs = e.Start(t, script, append([]string{fmt.Sprintf("port=%d", port)}, args...)...)
	_, err := gs.WaitLine("LISTENING", 20*time.Second)
	require.NoError(t, err, gs.Output())
	return gs, port
}
