package scene

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"
	"time"

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
