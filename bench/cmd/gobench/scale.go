package main

// #include <malloc.h>
// static size_t c_heap_bytes(void) {
// 	struct mallinfo2 m = mallinfo2();
// 	return m.uordblks + m.hblkhd; /* in-use arena bytes + mmapped chunks */
// }
import "C"

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/enetgo/enet"
)

// cHeapBytes returns the bytes the process has allocated with malloc: ENet's
// memory, since the Go runtime does not use malloc.
func cHeapBytes() int64 { return int64(C.c_heap_bytes()) }

func goHeapBytes() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

func rssBytes() int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// idleCPU services h for secs seconds and returns the CPU seconds the whole
// process used meanwhile.
func idleCPU(h *enet.Host, secs float64) (float64, error) {
	buf := make([]byte, 2048)
	c0 := cpuSeconds()
	end := time.Now().Add(time.Duration(secs * float64(time.Second)))
	for time.Now().Before(end) {
		if _, err := h.ServiceInto(time.Until(end), buf); err != nil {
			return 0, err
		}
	}
	return cpuSeconds() - c0, nil
}

// runScale measures a server holding o.peers connections: memory per peer
// and CPU while idle. The clients live in a child process (mode hold).
func runScale(o options) error {
	// Baselines, before any host exists.
	enet.LinkedVersion()
	c0, g0, r0 := cHeapBytes(), goHeapBytes(), rssBytes()
	// Every peer comes from one client process on one address: the
	// inbound checks' share of slots per address would stop it at half
	// the host (docs/hostile.md).
	h, err := enet.CreateHostBound(o.addr, 0, enet.HostConfig{MaxPeers: o.peers, MaxChannels: 1, AddressShare: -1, PendingPerAddress: -1})
	if err != nil {
		return err
	}
	defer h.Destroy()
	c1, g1 := cHeapBytes(), goHeapBytes()

	// Idle with no peers: the wait must park, not poll.
	emptyCPU, err := idleCPU(h, 2)
	if err != nil {
		return err
	}

	exe, err := os.Executable()
	if err != nil {
		return err
	}
	child := exec.Command(exe, "-mode", "hold", "-addr", o.addr,
		"-port", strconv.Itoa(h.LocalPort()), "-peers", strconv.Itoa(o.peers))
	child.Stderr = os.Stderr
	stdin, _ := child.StdinPipe()
	stdout, _ := child.StdoutPipe()
	if err := child.Start(); err != nil {
		return err
	}
	defer func() { stdin.Close(); child.Wait() }()
	go io.Copy(io.Discard, bufio.NewReader(stdout))

	buf := make([]byte, 2048)
	connected := 0
	start := time.Now()
	for connected < o.peers {
		if time.Since(start) > 60*time.Second {
			return fmt.Errorf("only %d of %d peers connected after 60 s", connected, o.peers)
		}
		ev, err := h.ServiceInto(10*time.Millisecond, buf)
		if err != nil {
			return err
		}
		switch ev.Type {
		case enet.EventConnect:
			connected++
		case enet.EventDisconnect:
			connected--
		}
	}
	connectSecs := time.Since(start).Seconds()
	// Let the handshakes' last acks settle before measuring.
	if _, err := idleCPU(h, 1); err != nil {
		return err
	}
	c2, g2, r2 := cHeapBytes(), goHeapBytes(), rssBytes()
	idle, err := idleCPU(h, o.idle)
	if err != nil {
		return err
	}
	n := float64(o.peers)
	fmt.Printf("SCALE impl=go peers=%d connect_s=%.2f enet_slots_bytes=%d enet_slot_bytes_per_peer=%.0f "+
		"enet_conn_bytes_per_peer=%.0f go_heap_bytes_per_peer=%.0f total_bytes_per_peer=%.0f "+
		"rss_delta_bytes=%d idle_empty_cpu_pct=%.3f idle_peers_cpu_pct=%.3f idle_s=%.1f\n",
		o.peers, connectSecs, c1-c0, float64(c1-c0)/n,
		float64(c2-c1)/n, float64(g2-g0)/n, float64(c2-c0+g2-g0)/n,
		r2-r0, emptyCPU/2*100, idle/o.idle*100, o.idle)
	_ = g1
	return nil
}

// runHold connects o.peers peers from one client host and keeps them
// connected until stdin closes.
func runHold(o options) error {
	h, err := enet.CreateHost(enet.HostConfig{MaxPeers: o.peers, MaxChannels: 1})
	if err != nil {
		return err
	}
	defer h.Destroy()
	closed := make(chan struct{})
	go func() { io.Copy(io.Discard, os.Stdin); close(closed) }()
	buf := make([]byte, 2048)
	started, connected := 0, 0
	for {
		select {
		case <-closed:
			return nil
		default:
		}
		// Connect in batches so the server's socket buffer is not flooded.
		for started < o.peers && started-connected < 256 {
			if _, err := h.ConnectToHost(o.addr, o.port, 1, 0); err != nil {
				return err
			}
			started++
		}
		ev, err := h.ServiceInto(100*time.Millisecond, buf)
		if err != nil {
			return err
		}
		switch ev.Type {
		case enet.EventConnect:
			if connected++; connected == o.peers {
				fmt.Println("HOLD connected", connected)
			}
		case enet.EventDisconnect:
			connected--
			started--
		}
	}
}
