package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// graceTimeout bounds the wait for peers to acknowledge a disconnection at
// exit.
const graceTimeout = 2 * time.Second

// pollInterval is how long one service call waits, which bounds the latency
// of stdin lines, signals and the live table.
const pollInterval = 20 * time.Millisecond

// run is enetcat with its arguments (without the program name) and
// streams; it returns the exit code. It ends at ctx's end with a graceful
// disconnect.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usageText)
		return exitOK
	}
	if err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "enetcat: %v\n", err)
		} // flag errors are already printed by the flag package
		fmt.Fprintln(stderr, "Run 'enetcat -h' for usage.")
		return exitUsage
	}
	out := &output{w: stdout, json: o.json}
	if f, ok := stdout.(*os.File); ok && o.stats {
		out.live = isTerminal(f)
	}
	s := &session{o: o, out: out, stderr: stderr, book: newPeerBook(), lines: readLines(stdin)}
	s.stats = &statsReporter{on: o.stats, out: out, book: s.book, guarded: !o.limits.cfg.Unguarded}
	s.lastTraffic = time.Now()
	switch {
	case o.dialect != 0 && o.listen:
		err = s.godotListen(ctx)
	case o.dialect != 0:
		err = s.godotConnect(ctx)
	case o.listen:
		err = s.listen(ctx)
	default:
		err = s.connect(ctx)
	}
	s.stats.final()
	if err != nil {
		fmt.Fprintf(stderr, "enetcat: %v\n", err)
		return exitError
	}
	return exitOK
}

// session is the state shared by the four modes.
type session struct {
	o      *options
	out    *output
	stderr io.Writer
	book   *peerBook
	stats  *statsReporter
	// lines delivers stdin lines; it is set to nil after stdin's end.
	lines <-chan []byte
	// lastTraffic is when a packet was last sent or received, for the
	// idle exit.
	lastTraffic time.Time
}

func (s *session) logf(format string, args ...any) {
	s.out.writeTo(s.stderr, fmt.Appendf(nil, "enetcat: "+format+"\n", args...))
}

// idle reports whether --timeout was given and has passed without traffic.
func (s *session) idle() bool {
	return s.o.timeout > 0 && time.Since(s.lastTraffic) > s.o.timeout
}

// readLines reads r line by line on a goroutine, without the line ending
// ("\n" or "\r\n"), and closes the channel at r's end. The goroutine stays
// blocked in Read if r never ends; enetcat exits anyway.
func readLines(r io.Reader) <-chan []byte {
	ch := make(chan []byte)
	go func() {
		defer close(ch)
		br := bufio.NewReaderSize(r, 64<<10)
		for {
			line, err := br.ReadBytes('\n')
			if len(line) > 0 {
				line = trimEOL(line)
				ch <- line
			}
			if err != nil {
				return
			}
		}
	}()
	return ch
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}
