// Command attack measures what hostile ENet clients do to an echo server on
// loopback, and prints a table (RELIABILITY.md, "Hostile clients"):
//
//	go run ./bench/attack [-attackers 1,8] [-duration 5s] [-servers guarded,c]
//
// For each server, attack and attacker count it starts the server as a
// child process, lets it settle and reads its resident memory (the idle
// baseline), measures a connected honest client's echo rate without attack,
// then runs the attackers (each from its own address, 127.0.0.10 on) for
// the duration while the honest client keeps echoing, samples the
// server's memory and CPU, and half-way through connects a new honest
// client. After the attackers leave it waits up to 5 s for the server's
// memory to come back to the baseline.
//
// Servers: "guarded" is this package's host with default HostConfig (as
// enetcat listen, CreateHostBound and the multiplayer servers use it);
// "unguarded" the same with HostConfig.Unguarded; "c" a plain C ENet echo
// server (bench/attack/cecho) on the system libenet. A server whose
// memory passes -cap is killed and reported at the cap.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/internal/attack"
)

var (
	serve     = flag.Bool("serve", false, "run as the echo server (internal)")
	unguarded = flag.Bool("unguarded", false, "with -serve: HostConfig.Unguarded")
	attackers = flag.String("attackers", "1,8", "attacker counts")
	duration  = flag.Duration("duration", 5*time.Second, "attack duration")
	servers   = flag.String("servers", "guarded,c", "servers: guarded, unguarded, c")
	kinds     = flag.String("kinds", "", "attacks (default: all)")
	rate      = flag.Int("rate", 2000, "datagrams per second per attacker")
	capMiB    = flag.Int("cap", 2048, "kill a server past this much resident memory (MiB)")
	attackIn  = flag.String("attack-proc", "", "run attack `kind` as the attacker process (internal)")
	count     = flag.Int("n", 1, "with -attack-proc: attackers")
	port      = flag.Int("port", 0, "with -attack-proc: the server's port")
)

func main() {
	flag.Parse()
	if *serve {
		serveEcho(*unguarded)
		return
	}
	if *attackIn != "" {
		attackProc(*attackIn, *count, *port)
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "attack:", err)
		os.Exit(1)
	}
}

// serveEcho is the child: a default-config host echoing every packet.
func serveEcho(unguarded bool) {
	h, err := enet.CreateHostBound("127.0.0.1", 0, enet.HostConfig{Unguarded: unguarded})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("PORT %d\n", h.LocalPort())
	buf := make([]byte, 0, 64<<10)
	if os.Getenv("ATTACK_DEBUG") != "" {
		go func() {
			for range time.Tick(500 * time.Millisecond) {
				var b strings.Builder
				for _, s := range append(enet.DropReasons, enet.HostPeersCut, enet.HostPendingEvicted) {
					if v := h.Statistic(s); v > 0 {
						fmt.Fprintf(&b, " %v=%d", s, v)
					}
				}
				st, _ := os.ReadFile("/proc/self/status")
				rss := ""
				for _, l := range strings.Split(string(st), "\n") {
					if strings.HasPrefix(l, "VmRSS:") {
						rss = strings.Join(strings.Fields(l)[1:], " ")
					}
				}
				fmt.Fprintf(os.Stderr, "server rss %s, %d peers:%s\n", rss, len(h.Peers()), b.String())
			}
		}()
	}
	for {
		ev, err := h.ServiceInto(100*time.Millisecond, buf)
		if err != nil {
			os.Exit(1)
		}
		if ev.Type == enet.EventReceive {
			ev.Peer.Send(ev.Channel, ev.Packet, enet.FlagReliable)
		}
	}
}

// attackProc is the attacker child: n attackers of kind, each from its own
// address (127.0.0.10 on), for -duration; it prints what they did.
func attackProc(kind string, n, port int) {
	var k attack.Kind = -1
	for _, x := range attack.Kinds {
		if x.String() == kind {
			k = x
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var sum attack.Result
	server := netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(port))
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := attack.Run(ctx, k, attack.Config{Server: server,
				Local: netip.AddrFrom4([4]byte{127, 0, 0, byte(10 + i)}), Rate: *rate})
			mu.Lock()
			sum.Datagrams += r.Datagrams
			sum.Connections += r.Connections
			sum.Refused += r.Refused
			mu.Unlock()
		}()
	}
	wg.Wait()
	fmt.Printf("RESULT %d %d %d\n", sum.Datagrams, sum.Connections, sum.Refused)
}

// server is a running child.
type server struct {
	cmd  *exec.Cmd
	port int
}

func startServer(kind, cecho string) (*server, error) {
	var cmd *exec.Cmd
	switch kind {
	case "guarded":
		cmd = exec.Command(os.Args[0], "-serve")
	case "unguarded":
		cmd = exec.Command(os.Args[0], "-serve", "-unguarded")
	case "c":
		cmd = exec.Command(cecho)
	default:
		return nil, fmt.Errorf("unknown server %q", kind)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("%s server: %v", kind, err)
	}
	port, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "PORT ")))
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("%s server said %q", kind, line)
	}
	return &server{cmd: cmd, port: port}, nil
}

func (s *server) stop() {
	s.cmd.Process.Kill()
	s.cmd.Wait()
}

// rss returns the child's resident memory in bytes (0 once gone).
func (s *server) rss() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cpu returns the child's user+system CPU time.
func (s *server) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * (time.Second / 100) // USER_HZ
}

// honest is a connected well-behaved client doing reliable echo round
// trips, one at a time.
type honest struct {
	h    *enet.Host
	p    *enet.Peer
	sent atomic.Uint64
	got  atomic.Uint64
}

func dialHonest(port int, timeout time.Duration) (*honest, time.Duration, error) {
	h, err := enet.CreateHost(enet.HostConfig{MaxPeers: 1, MaxChannels: 2})
	if err != nil {
		return nil, 0, err
	}
	start := time.Now()
	p, err := h.ConnectToHost("127.0.0.1", port, 2, 0)
	if err != nil {
		h.Destroy()
		return nil, 0, err
	}
	for time.Since(start) < timeout {
		ev, err := h.Service(10 * time.Millisecond)
		if err != nil {
			break
		}
		if ev.Type == enet.EventConnect {
			return &honest{h: h, p: p}, time.Since(start), nil
		}
	}
	h.Destroy()
	return nil, time.Since(start), fmt.Errorf("no connection within %v", timeout)
}

// echo runs round trips for d and returns how many completed.
func (c *honest) echo(d time.Duration) uint64 {
	start := c.got.Load()
	deadline := time.Now().Add(d)
	msg := []byte("E-honest-echo")
	for time.Now().Before(deadline) {
		if c.p.Send(0, msg, enet.FlagReliable) != nil {
			return c.got.Load() - start
		}
		c.sent.Add(1)
		for time.Now().Before(deadline.Add(time.Second)) {
			ev, err := c.h.Service(5 * time.Millisecond)
			if err != nil {
				return c.got.Load() - start
			}
			if ev.Type == enet.EventReceive {
				c.got.Add(1)
				break
			}
		}
	}
	return c.got.Load() - start
}

// row is one line of the table.
type row struct {
	server, attack       string
	attackers            int
	baseMiB, peakMiB     float64
	capped               bool
	cpuPct               float64
	idleRate, attackRate float64
	lost                 uint64
	newcomer             time.Duration
	newcomerOK           bool
	recovered            time.Duration
	recoveredOK          bool
	residualMiB          float64
	attackRes            attack.Result
}

func measure(kind string, k attack.Kind, n int, cecho string) (row, error) {
	r := row{server: kind, attack: k.String(), attackers: n}
	s, err := startServer(kind, cecho)
	if err != nil {
		return r, err
	}
	defer s.stop()
	time.Sleep(500 * time.Millisecond)
	c, _, err := dialHonest(s.port, 2*time.Second)
	if err != nil {
		return r, err
	}
	defer c.h.Destroy()
	r.idleRate = float64(c.echo(2*time.Second)) / 2
	base := s.rss()
	r.baseMiB = float64(base) / (1 << 20)

	// The attackers run in a child process at the lowest CPU priority:
	// an attacker's CPU is not the server's, and on this small machine
	// they would otherwise compete with the server and the honest client.
	atk := exec.Command("nice", "-n", "19", os.Args[0], "-attack-proc", k.String(),
		"-n", strconv.Itoa(n), "-port", strconv.Itoa(s.port), "-duration", duration.String(),
		"-rate", strconv.Itoa(*rate))
	atk.Stderr = os.Stderr
	var atkOut strings.Builder
	atk.Stdout = &atkOut
	if err := atk.Start(); err != nil {
		return r, err
	}
	attackDone := make(chan struct{})
	go func() {
		atk.Wait()
		fmt.Sscanf(strings.TrimSpace(atkOut.String()), "RESULT %d %d %d",
			&r.attackRes.Datagrams, &r.attackRes.Connections, &r.attackRes.Refused)
		close(attackDone)
	}()
	cancel := func() { atk.Process.Kill() }
	var peak atomic.Int64
	capBytes := int64(*capMiB) << 20
	sampleStop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		for {
			v := s.rss()
			if v > peak.Load() {
				peak.Store(v)
			}
			if v > capBytes {
				r.capped = true
				s.cmd.Process.Kill()
				cancel()
				return
			}
			select {
			case <-sampleStop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	cpu0, t0 := s.cpu(), time.Now()
	var newcomerDone sync.WaitGroup
	newcomerDone.Add(1)
	go func() {
		defer newcomerDone.Done()
		time.Sleep(*duration / 2)
		nc, d, err := dialHonest(s.port, 5*time.Second)
		r.newcomer, r.newcomerOK = d, err == nil
		if nc != nil {
			nc.h.Destroy()
		}
	}()
	sent0, got0 := c.sent.Load(), c.got.Load()
	done := c.echo(*duration)
	r.attackRate = float64(done) / duration.Seconds()
	<-attackDone
	cpu1, t1 := s.cpu(), time.Now()
	newcomerDone.Wait()
	r.cpuPct = 100 * float64(cpu1-cpu0) / float64(t1.Sub(t0))
	// Reliable loss: round trips sent during the attack that never came back.
	c.echo(500 * time.Millisecond) // let a straggler arrive
	r.lost = (c.sent.Load() - sent0) - (c.got.Load() - got0)
	if r.capped {
		r.peakMiB = float64(capBytes-base) / (1 << 20)
		close(sampleStop)
		sampler.Wait()
		return r, nil
	}
	// Back to baseline: within 8 MiB of it (what glibc's heap keeps
	// after malloc_trim, pinned by live blocks, and the Go runtime's
	// growth), and what is left after 5 s.
	left := time.Now()
	for time.Since(left) < 5*time.Second {
		v := s.rss()
		if v <= base+8<<20 && !r.recoveredOK {
			r.recovered, r.recoveredOK = time.Since(left), true
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.residualMiB = float64(s.rss()-base) / (1 << 20)
	close(sampleStop)
	sampler.Wait()
	r.peakMiB = float64(max(peak.Load()-base, 0)) / (1 << 20)
	return r, nil
}

func run() error {
	var counts []int
	for _, f := range strings.Split(*attackers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 200 {
			return fmt.Errorf("attacker count %q", f)
		}
		counts = append(counts, n)
	}
	ks := attack.Kinds
	if *kinds != "" {
		ks = nil
		for _, f := range strings.Split(*kinds, ",") {
			found := false
			for _, k := range attack.Kinds {
				if k.String() == f {
					ks, found = append(ks, k), true
				}
			}
			if !found {
				return fmt.Errorf("unknown attack %q", f)
			}
		}
	}
	dir, err := os.MkdirTemp("", "enet-attack")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cecho := filepath.Join(dir, "cecho")
	if strings.Contains(*servers, "c") {
		build := exec.Command("go", "build", "-o", cecho, "./bench/attack/cecho")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building cecho (run from the module root): %v", err)
		}
	}
	fmt.Printf("ENet %s, %d attack(s) of %v at %d datagrams/s per attacker\n\n", enet.LinkedVersion(), len(ks), *duration, *rate)
	fmt.Println("| attack | attackers | server | idle RSS MiB | peak extra MiB | server CPU % | honest echo/s idle → attacked (%) | reliable lost | new client in | RSS within 8 MiB of idle | extra MiB 5 s after |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	for _, k := range ks {
		for _, n := range counts {
			for _, srv := range strings.Split(*servers, ",") {
				r, err := measure(srv, k, n, cecho)
				if err != nil {
					return err
				}
				peak := fmt.Sprintf("%.1f", r.peakMiB)
				if r.capped {
					peak = fmt.Sprintf("**≥ %.0f (cap, killed)**", r.peakMiB)
				}
				in := "**no** (5 s)"
				if r.newcomerOK {
					in = fmt.Sprintf("%d ms", r.newcomer.Milliseconds())
				}
				back, residual := "**no** (5 s)", fmt.Sprintf("%.1f", r.residualMiB)
				switch {
				case r.capped:
					back, residual = "—", "—"
				case r.recoveredOK:
					back = fmt.Sprintf("%d ms", r.recovered.Milliseconds())
				}
				fmt.Printf("| %s | %d | %s | %.1f | %s | %.0f | %.0f → %.0f (%.0f %%) | %d | %s | %s | %s |\n",
					r.attack, r.attackers, r.server, r.baseMiB, peak, r.cpuPct, r.idleRate, r.attackRate,
					100*r.attackRate/max(r.idleRate, 1), r.lost, in, back, residual)
			}
		}
	}
	return nil
}
