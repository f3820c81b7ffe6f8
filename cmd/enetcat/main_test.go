package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// binary is the enetcat executable built once by TestMain.
var binary string

// waitTime bounds every wait for a line or an exit.
const waitTime = 10 * time.Second

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "enetcat-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "enetcat")
	build := exec.Command("go", "build", "-race", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build enetcat:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// lines collects the lines of a stream and lets tests wait for one.
type lines struct {
	mu      sync.Mutex
	all     []string
	changed chan struct{} // closed and replaced on every new line
	done    bool
}

func collect(r io.Reader) *lines {
	l := &lines{changed: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			l.mu.Lock()
			l.all = append(l.all, sc.Text())
			close(l.changed)
			l.changed = make(chan struct{})
			l.mu.Unlock()
		}
		l.mu.Lock()
		l.done = true
		close(l.changed)
		l.changed = make(chan struct{})
		l.mu.Unlock()
	}()
	return l
}

// wait returns the first line (since the start) that contains substr.
func (l *lines) wait(t *testing.T, substr string) string {
	t.Helper()
	line, ok := l.waitOK(substr, waitTime)
	require.True(t, ok, "no line containing %q within %v; got:\n%s", substr, waitTime, l.String())
	return line
}

func (l *lines) waitOK(substr string, timeout time.Duration) (string, bool) {
	deadline := time.After(timeout)
	for {
		l.mu.Lock()
		for _, s := range l.all {
			if strings.Contains(s, substr) {
				l.mu.Unlock()
				return s, true
			}
		}
		ch, done := l.changed, l.done
		l.mu.Unlock()
		if done {
			return "", false
		}
		select {
		case <-ch:
		case <-deadline:
			return "", false
		}
	}
}

func (l *lines) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.all...)
}

func (l *lines) String() string { return strings.Join(l.Lines(), "\n") }

// proc is a running enetcat.
type proc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *lines
	stderr *lines
	exited chan struct{}
	err    error
}

// start runs enetcat with args; it is killed at cleanup if still running.
func start(t *testing.T, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary, args...)
	// A race-enabled binary sleeps 1 s before exiting 0 unless told not to.
	cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0")
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	p := &proc{cmd: cmd, stdin: stdin, stdout: collect(stdout), stderr: collect(stderr), exited: make(chan struct{})}
	go func() {
		// Wait closes the pipes; let the collectors read them first.
		p.stdout.waitOK("\x00never", time.Hour)
		p.stderr.waitOK("\x00never", time.Hour)
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

// send writes lines to enetcat's stdin.
func (p *proc) send(t *testing.T, text ...string) {
	t.Helper()
	for _, s := range text {
		_, err := io.WriteString(p.stdin, s+"\n")
		require.NoError(t, err)
	}
}

// exitCode waits for enetcat to exit and returns its exit code.
func (p *proc) exitCode(t *testing.T) int {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(waitTime):
		p.cmd.Process.Kill()
		require.FailNow(t, "enetcat did not exit", "stderr:\n%s", p.stderr.String())
	}
	return p.cmd.ProcessState.ExitCode()
}

func (p *proc) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(sig))
}

var listeningRE = regexp.MustCompile(`listening on (?:[0-9.]+|\[[0-9a-fA-F:.]+\]):(\d+)`)

// listen starts enetcat listen on a free loopback port and returns it with
// the port.
func listen(t *testing.T, args ...string) (*proc, int) {
	t.Helper()
	p := start(t, append([]string{"listen", "--port", "0"}, args...)...)
	line := p.stderr.wait(t, "listening on")
	m := listeningRE.FindStringSubmatch(line)
	require.NotNil(t, m, line)
	port, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return p, port
}

// connect starts enetcat connect to the local port and waits until both
// sides report the connection (server is the listening enetcat, or nil).
func connect(t *testing.T, server *proc, port int, args ...string) *proc {
	t.Helper()
	c := start(t, append([]string{"connect", "127.0.0.1:" + strconv.Itoa(port)}, args...)...)
	if server != nil {
		server.stderr.wait(t, "connected")
	}
	return c
}
