// Package godottest runs GDScript programs with a real headless Godot from Go
// tests, so that tests in this repository can check their wire formats and
// behaviour against the engine itself. Three engines are known:
//
//   - [Godot3] (Godot 3.2.3): Debian bookworm's godot3-server on the host's
//     PATH (the package level functions [Start], [Run] and [Require] use it);
//   - [Godot36] (Godot 3.6.2) and [Godot4] (Godot 4.6.3): Debian sid's
//     godot3-server and godot, run inside a sid root made by
//     scripts/godot-runtimes.sh (ENETGO_GODOT_ROOT, default
//     /var/cache/enetgo/sid-root). Each run goes through
//     "unshare --mount --pid --fork --kill-child --mount-proc=ROOT/proc chroot
//     ROOT ...": the chroot shares the host's network (loopback works both
//     ways) and the /proc it needs is mounted only in the run's own mount
//     namespace, so nothing stays mounted after it. Debian builds both with
//     the system ENet ("vanilla ENet": IPv4 only, no DTLS).
//
// # Convention for GDScript test programs
//
// Every program run through this package follows the same shape:
//
//	extends SceneTree
//
//	func _init():
//		# ... do the work, possibly polling in a loop with OS.delay_msec ...
//		print("PASS")
//		quit(0)
//
// On failure a program prints a line "FAIL: reason" and calls quit(1).
// Programs that wait for a peer print a readiness line such as
// "LISTENING port=1234" that the Go side waits for with [Process.WaitLine].
// Arguments given to [Start] are key=value words. Godot 3 scripts read them
// from OS.get_cmdline_args() (after Godot's own arguments); Godot 4 scripts
// from OS.get_cmdline_user_args() (this package puts them after "--").
//
// Godot 4 scripts that use the multiplayer API must do their work after the
// first frame (in _process or a deferred call), because the SceneTree's
// multiplayer is not set up inside _init.
//
// # Traps this package handles
//
// A GDScript parse error with -s exits 0, so [Start] first runs
// --check-only on the script. A runtime error in _init can hang Godot
// forever, so every run has a hard timeout after which the process is
// killed. Godot writes logs and a user-data folder unless told otherwise, so
// each run gets its own temporary project directory with a project.godot
// that disables file logging, and HOME and XDG_DATA_HOME point into it.
//
// If an engine is not installed, [Engine.Require] skips the test with the
// reason (or fails it when ENETGO_REQUIRE_GODOT=1, as the Makefile and CI
// set).
package godottest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// Binary is the name of the headless Godot 3.2.3 executable looked up on
// the host's PATH.
const Binary = "godot3-server"

// DefaultTimeout is how long a Godot process may run before it is killed.
const DefaultTimeout = 60 * time.Second

// RequireEnv is the environment variable that turns a missing Godot into a
// test failure instead of a skip.
const RequireEnv = "ENETGO_REQUIRE_GODOT"

// Path returns the absolute path of the host's godot3-server (Godot 3.2.3),
// or an error if it is not on PATH.
func Path() (string, error) {
	return exec.LookPath(Binary)
}

// Require skips t when the host's Godot 3.2.3 is not installed, or fails it
// when the environment variable ENETGO_REQUIRE_GODOT is "1".
func Require(t testing.TB) {
	t.Helper()
	Godot3.Require(t)
}

// Start runs the GDScript program at script with Godot 3.2.3. See
// [Engine.Start].
func Start(t testing.TB, script string, args ...string) *Process {
	t.Helper()
	return Godot3.StartTimeout(t, DefaultTimeout, script, args...)
}

// StartTimeout runs script with Godot 3.2.3. See [Engine.StartTimeout].
func StartTimeout(t testing.TB, timeout time.Duration, script string, args ...string) *Process {
	t.Helper()
	return Godot3.StartTimeout(t, timeout, script, args...)
}

// Process is a running Godot program started by [Engine.Start].
type Process struct {
	t       testing.TB
	cmd     *exec.Cmd
	cancel  context.CancelFunc
	timeout time.Duration

	mu      sync.Mutex
	out     bytes.Buffer // combined stdout and stderr, whole lines in arrival order
	errPart []byte       // the stderr line not yet complete
	lines   []string     // complete stdout lines
	notify  chan struct{}

	stdoutDone chan struct{}
	done       chan struct{}
	waitErr    error
}

type stderrWriter Process

// Write adds stderr to the combined output a whole line at a time: a
// partial line written raw would glue the next stdout line to it, and a
// test parsing the output would miss that line (seen once: an ENC line of
// the Variant table lost this way).
func (w *stderrWriter) Write(b []byte) (int, error) {
	p := (*Process)(w)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.errPart = append(p.errPart, b...)
	if i := bytes.LastIndexByte(p.errPart, '\n'); i >= 0 {
		p.out.Write(p.errPart[:i+1])
		p.errPart = append(p.errPart[:0], p.errPart[i+1:]...)
	}
	return len(b), nil
}

// flushStderr adds a last stderr line without its newline. p.mu is held.
func (p *Process) flushStderr() {
	if len(p.errPart) > 0 {
		p.out.Write(p.errPart)
		p.out.WriteByte('\n')
		p.errPart = nil
	}
}

func (p *Process) readStdout(r interface{ Read([]byte) (int, error) }) {
	defer close(p.stdoutDone)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		p.mu.Lock()
		p.out.WriteString(line)
		p.out.WriteByte('\n')
		p.lines = append(p.lines, line)
		close(p.notify)
		p.notify = make(chan struct{})
		p.mu.Unlock()
	}
}

// Output returns everything Godot has printed so far, stdout and stderr
// interleaved, for failure messages.
func (p *Process) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// Lines returns the complete stdout lines printed so far.
func (p *Process) Lines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.lines...)
}

// ErrExited is returned by [Process.WaitLine] when Godot exits before
// printing the line.
var ErrExited = errors.New("godottest: godot exited")

// WaitLine waits up to timeout for a stdout line that starts with prefix and
// returns the first such line (looking at every line printed since the start,
// not only new ones).
func (p *Process) WaitLine(prefix string, timeout time.Duration) (string, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	seen := 0
	for {
		p.mu.Lock()
		for ; seen < len(p.lines); seen++ {
			if strings.HasPrefix(p.lines[seen], prefix) {
				line := p.lines[seen]
				p.mu.Unlock()
				return line, nil
			}
		}
		notify := p.notify
		p.mu.Unlock()
		select {
		case <-notify:
		case <-p.stdoutDone:
			// Look once more at lines that arrived with the end of output.
			p.mu.Lock()
			for ; seen < len(p.lines); seen++ {
				if strings.HasPrefix(p.lines[seen], prefix) {
					line := p.lines[seen]
					p.mu.Unlock()
					return line, nil
				}
			}
			p.mu.Unlock()
			return "", fmt.Errorf("%w before printing a line starting with %q", ErrExited, prefix)
		case <-timer.C:
			return "", fmt.Errorf("godottest: no line starting with %q within %v", prefix, timeout)
		}
	}
}

// Wait waits for Godot to exit and returns its combined output. The error is
// non-nil if the exit code is not 0 or the process was killed by the timeout.
func (p *Process) Wait() (string, error) {
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String(), p.waitErr
}

// Kill stops the Godot process if it is still running.
func (p *Process) Kill() {
	p.cancel()
}

// Run runs script to completion with Godot 3.2.3 and returns its output.
// See [Engine.Run].
func Run(t testing.TB, script string, args ...string) string {
	t.Helper()
	return Godot3.Run(t, script, args...)
}

func run(t testing.TB, e *Engine, script string, args ...string) string {
	t.Helper()
	out, err := e.Start(t, script, args...).Wait()
	if err != nil {
		t.Fatalf("godottest: %s failed: %v\n--- output ---\n%s", script, err, out)
	}
	if !HasLine(out, "PASS") {
		t.Fatalf("godottest: %s exited 0 without a PASS line\n--- output ---\n%s", script, out)
	}
	return out
}

// HasLine reports whether output contains line as a complete line.
func HasLine(output, line string) bool {
	for _, l := range strings.Split(output, "\n") {
		if strings.TrimRight(l, "\r") == line {
			return true
		}
	}
	return false
}
