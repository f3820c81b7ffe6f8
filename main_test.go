package enet

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The leak checks need ENet's allocations counted; package init of the
// test binary runs before the first host initialises ENet.
func init() { countAllocations = true }

// TestMain fails the run if, after every test, ENet still holds memory
// (every host destroyed frees all of ENet's allocations) or goroutines
// started by tests are left running.
func TestMain(m *testing.M) {
	base := goroutines()
	code := m.Run()
	if code == 0 {
		if err := checkLeaks(base); err != nil {
			fmt.Fprintln(os.Stderr, "leak check:", err)
			code = 1
		}
	}
	os.Exit(code)
}

func checkLeaks(base int) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC() // runs cleanups of hosts a test forgot to destroy
		live := liveAllocations()
		n := runtime.NumGoroutine() - signalGoroutines()
		if live == 0 && n <= base {
			return nil
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			stacks := string(buf[:runtime.Stack(buf, true)])
			if live != 0 {
				return fmt.Errorf("%d ENet allocations still live after all tests", live)
			}
			return fmt.Errorf("%d goroutines left (started with %d):\n%s", n, base,
				strings.TrimSpace(stacks))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// signalGoroutines counts os/signal's loop goroutine, which the testing
// package's fuzzing coordinator starts (go test -fuzz) and never stops: it
// is not a leak of a test.
func signalGoroutines() int {
	buf := make([]byte, 1<<20)
	return strings.Count(string(buf[:runtime.Stack(buf, true)]), "\nos/signal.loop()")
}

// goroutines counts running goroutines, leaving out those the testing and
// fuzzing machinery starts for itself (os/signal's loop).
func goroutines() int {
	buf := make([]byte, 1<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	n := 0
	for _, g := range strings.Split(stacks, "\n\n") {
		if strings.TrimSpace(g) != "" && !strings.Contains(g, "os/signal.signal_recv") &&
			!strings.Contains(g, "os/signal.loop") {
			n++
		}
	}
	return n
}
