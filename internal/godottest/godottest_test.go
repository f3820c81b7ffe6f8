package godottest_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enetgo/enet/internal/godottest"
)

func TestRunPass(t *testing.T) {
	godottest.Require(t)
	out := godottest.Run(t, "testdata/pass.gd", "word=hello")
	assert.Contains(t, out, "READY word=hello")
}

func TestWaitLine(t *testing.T) {
	godottest.Require(t)
	p := godottest.Start(t, "testdata/pass.gd", "word=x")
	line, err := p.WaitLine("READY", 30*time.Second)
	require.NoError(t, err)
	assert.Equal(t, "READY word=x", line)
	out, err := p.Wait()
	require.NoError(t, err)
	assert.True(t, godottest.HasLine(out, "PASS"), out)

	_, err = p.WaitLine("NEVER", time.Second)
	assert.ErrorIs(t, err, godottest.ErrExited)
}

func TestExitCode(t *testing.T) {
	godottest.Require(t)
	out, err := godottest.Start(t, "testdata/fail.gd").Wait()
	require.Error(t, err)
	assert.Contains(t, out, "FAIL: on purpose")
}

func TestTimeoutKills(t *testing.T) {
	godottest.Require(t)
	start := time.Now()
	p := godottest.StartTimeout(t, 2*time.Second, "testdata/hang.gd")
	_, err := p.WaitLine("HANGING", 10*time.Second)
	require.NoError(t, err)
	_, err = p.Wait()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "killed after")
	assert.Less(t, time.Since(start), 20*time.Second)
}

// fatalRecorder stands in for a testing.TB to observe a t.Fatal without
// failing the real test.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *fatalRecorder) Fatal(args ...any) {
	r.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

func (r *fatalRecorder) Skip(args ...any) {
	r.msg = "skip: " + fmt.Sprint(args...)
	runtime.Goexit()
}

// callRecorded runs f with a recorder and returns what it reported.
func callRecorded(t *testing.T, f func(tb testing.TB)) string {
	rec := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(rec)
	}()
	<-done
	return rec.msg
}

func TestRequireWithoutGodot(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv(godottest.RequireEnv, "")
	// A fresh Engine: the package's engines remember their first probe.
	e := &godottest.Engine{Name: "Godot 3.2.3", Major: 3, Binary: godottest.Binary}
	msg := callRecorded(t, func(tb testing.TB) { e.Require(tb) })
	assert.Contains(t, msg, "skip: ")
	assert.Contains(t, msg, "apt-get install -y godot3-server")

	t.Setenv(godottest.RequireEnv, "1")
	msg = callRecorded(t, func(tb testing.TB) { e.Require(tb) })
	assert.NotContains(t, msg, "skip: ")
	assert.Contains(t, msg, "apt-get install -y godot3-server")
}

func TestRequireWithoutSidRoot(t *testing.T) {
	t.Setenv(godottest.RootEnv, t.TempDir())
	t.Setenv(godottest.RequireEnv, "")
	e := &godottest.Engine{Name: "Godot 4.6.3", Major: 4, Binary: "godot", InRoot: true}
	msg := callRecorded(t, func(tb testing.TB) { e.Require(tb) })
	assert.Contains(t, msg, "skip: ")
	assert.Contains(t, msg, "scripts/godot-runtimes.sh")
	ok, why := e.Available()
	assert.False(t, ok)
	assert.Contains(t, why, "sid root")
}

// TestEngines runs a script with every engine: each one starts, reads its
// arguments and reports its version.
func TestEngines(t *testing.T) {
	for _, e := range godottest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			script := "testdata/pass.gd"
			if e.Major == 4 {
				script = "testdata/pass4.gd"
			}
			out := e.Run(t, script, "word=hello")
			assert.Contains(t, out, "READY word=hello")
			ver := strings.TrimPrefix(e.Name, "Godot ")
			assert.True(t, strings.HasPrefix(e.Version(), ver), "%s reports version %q", e.Name, e.Version())
			if e.Major == 4 {
				assert.Contains(t, out, "engine="+ver)
			}
			t.Logf("%s: %s", e.Name, e.Version())
		})
	}
}

func TestEngineParseError(t *testing.T) {
	for _, e := range []*godottest.Engine{godottest.Godot36, godottest.Godot4} {
		t.Run(e.Name, func(t *testing.T) {
			e.Require(t)
			msg := callRecorded(t, func(tb testing.TB) { e.Run(tb, "testdata/parse_error.gd") })
			assert.Contains(t, msg, "does not parse")
		})
	}
}

func TestEngineTimeoutKills(t *testing.T) {
	e := godottest.Godot4
	e.Require(t)
	p := e.StartTimeout(t, 3*time.Second, "testdata/hang4.gd")
	_, err := p.WaitLine("HANGING", 20*time.Second)
	require.NoError(t, err)
	_, err = p.Wait()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "killed after")
}

func TestParseErrorIsReported(t *testing.T) {
	godottest.Require(t)
	msg := callRecorded(t, func(tb testing.TB) { godottest.Run(tb, "testdata/parse_error.gd") })
	assert.Contains(t, msg, "does not parse")
}

func TestMissingScript(t *testing.T) {
	godottest.Require(t)
	msg := callRecorded(t, func(tb testing.TB) { godottest.Start(tb, "testdata/no_such_file.gd") })
	assert.Contains(t, msg, "read script")
}
