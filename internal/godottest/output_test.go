package godottest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestOutputKeepsLinesWhole: a stderr line written in pieces around a
// stdout line does not glue itself to that stdout line in Output.
func TestOutputKeepsLinesWhole(t *testing.T) {
	p := &Process{notify: make(chan struct{}), stdoutDone: make(chan struct{})}
	w := (*stderrWriter)(p)
	_, _ = w.Write([]byte("WARNING: half"))
	p.readStdout(strings.NewReader("ENC int_under32 0200010000\n"))
	_, _ = w.Write([]byte(" a line\nlast"))
	p.mu.Lock()
	p.flushStderr()
	p.mu.Unlock()
	assert.Equal(t, "ENC int_under32 0200010000\nWARNING: half a line\nlast\n", p.Output())
	assert.Equal(t, []string{"ENC int_under32 0200010000"}, p.Lines())
}
