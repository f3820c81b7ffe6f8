package multiplayer

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestMain fails the run if goroutines started by the tests (service loops,
// event pumps) are still running after every Server and Client was closed.
func TestMain(m *testing.M) {
	base, _ := goroutines()
	code := m.Run()
	if code == 0 {
		if err := checkGoroutines(base); err != nil {
			fmt.Fprintln(os.Stderr, "leak check:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// goroutines counts the running goroutines, leaving out the os/signal
// loop that fuzzing starts, and returns their stacks.
func goroutines() (int, string) {
	buf := make([]byte, 1<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	n := 0
	for _, g := range strings.Split(stacks, "\n\n") {
		if !strings.Contains(g, "os/signal.") {
			n++
		}
	}
	return n, stacks
}

func checkGoroutines(base int) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, stacks := goroutines()
		if n <= base {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d goroutines left (started with %d):\n%s", n, base, strings.TrimSpace(stacks))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
