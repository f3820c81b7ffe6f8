// Command gobench is the Go side of the Go/C comparison in bench/run.sh: the
// workloads of bench/c/enetbench.c through package enet, with the same
// flags and the same output lines.
//
//	gobench -mode server [-addr 127.0.0.1] [-port 7777] [-peers 64] [-shards 0]
//	        [-busypoll 0] [-work 0]
//	gobench -mode client -workload rel32|unrel32|rel1k|pingpong [-conns 1]
//	        [-duration 2] [-warmup 0.5] [-busypoll 0]
//	gobench -mode scale [-peers 4095] [-idle 5]
//
// The server echoes every packet back on its channel with its flags. With
// -shards N (N ≥ 1) it is a ShardedHost of N shards instead of one Host.
// With -work N it does N rounds of hashing over each packet before echoing
// it, a stand-in for a game server's per-message logic (the SERVER line
// reports what one packet's work costs, work_ns).
// On SIGINT or SIGTERM it prints a SERVER line and exits.
//
// Scale mode connects -peers clients (from one client host in a child
// process) to a server host of that many slots and prints the server's
// memory per peer and its CPU use while idle.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/enetgo/enet"
)

type options struct {
	mode, addr, workload, recv string
	port, peers, conns, shards int
	work                       int
	duration, warmup, idle     float64
	spin, busyPoll             time.Duration
	unguarded                  bool
	bufSize                    int
	events                     int
	wait                       string
}

func main() {
	var o options
	flag.StringVar(&o.mode, "mode", "client", "server, client, scale or hold (scale's child)")
	flag.StringVar(&o.addr, "addr", "127.0.0.1", "server address")
	flag.StringVar(&o.workload, "workload", "rel32", "rel32, unrel32, rel1k or pingpong")
	flag.StringVar(&o.recv, "recv", "batch", "receive path of the server and client loops: batch (ServiceBatch), into (ServiceInto) or queued (Service+Packet, server only)")
	flag.IntVar(&o.port, "port", 7777, "server port")
	flag.IntVar(&o.bufSize, "buf", 64<<10, "receive buffer of the server and client loops, bytes")
	flag.IntVar(&o.events, "events", 64, "events per ServiceBatch call of the server and client loops")
	flag.IntVar(&o.peers, "peers", 64, "server peer slots")
	flag.IntVar(&o.conns, "conns", 1, "client connections, each from its own host")
	flag.IntVar(&o.shards, "shards", 0, "server shards (0: one plain Host)")
	flag.IntVar(&o.work, "work", 0, "server: rounds of hashing over each packet before echoing it (simulated game logic)")
	flag.Float64Var(&o.duration, "duration", 2, "measured seconds")
	flag.Float64Var(&o.warmup, "warmup", 0.5, "warm-up seconds")
	flag.Float64Var(&o.idle, "idle", 5, "scale: idle seconds measured")
	flag.StringVar(&o.wait, "wait", "go", "server: go (enet.Host) or c (experiment: own cgo calls, waiting inside enet_host_service)")
	flag.DurationVar(&o.spin, "spin", 0, "server: poll without waiting for this long before each blocking wait (experiment)")
	flag.DurationVar(&o.busyPoll, "busypoll", 0, "HostConfig.BusyPoll of the server and client hosts")
	flag.BoolVar(&o.unguarded, "unguarded", false, "HostConfig.Unguarded of the server and client hosts (the inbound checks off)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	var err error
	switch o.mode {
	case "server":
		if o.wait == "c" {
			err = runServerCWait(o)
		} else {
			err = runServer(o)
		}
	case "client":
		err = runClient(o)
	case "scale":
		err = runScale(o)
	case "hold":
		err = runHold(o)
	default:
		err = fmt.Errorf("unknown -mode %q", o.mode)
	}
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "gobench:", err)
		os.Exit(1)
	}
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func runServer(o options) error {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	// The load comes from a few client processes on one address: no
	// share of slots per address (docs/hostile.md).
	cfg := enet.HostConfig{MaxPeers: o.peers, MaxChannels: 1, BusyPoll: o.busyPoll, AddressShare: -1, Unguarded: o.unguarded}
	var echoed atomic.Uint64 // sharded server: handlers run on every shard's goroutine
	var hosts []*enet.Host
	workNS := calibrateWork(o.work)
	t0, c0 := time.Now(), cpuSeconds()
	report := func(echoed uint64) {
		wall, cpu := time.Since(t0).Seconds(), cpuSeconds()-c0
		var sent, recv uint64 // datagrams, read before the hosts are destroyed
		for _, h := range hosts {
			sent += h.Statistic(enet.HostTotalSentPackets)
			recv += h.Statistic(enet.HostTotalReceivedPackets)
		}
		fmt.Printf("SERVER impl=go shards=%d echoed=%d wall_s=%.3f cpu_s=%.3f dgrams_in=%d dgrams_out=%d work_ns=%.0f\n",
			o.shards, echoed, wall, cpu, recv, sent, workNS)
	}
	if o.shards > 0 {
		s, err := enet.NewShardedHost(o.addr, o.port, o.shards, cfg, func(_ int, ev enet.Event) {
			if ev.Type == enet.EventReceive {
				work(ev.Packet, o.work)
				ev.Peer.Send(ev.Channel, ev.Packet, ev.Flags)
				echoed.Add(1)
			}
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "gobench: server on %s:%d, %d shards\n", o.addr, s.Port(), o.shards)
		for i := range s.Shards() {
			hosts = append(hosts, s.Host(i))
		}
		go func() { <-sig; report(echoed.Load()); s.Close() }()
		return s.Run(context.Background())
	}
	h, err := enet.CreateHostBound(o.addr, o.port, cfg)
	if err != nil {
		return err
	}
	defer h.Destroy()
	hosts = append(hosts, h)
	fmt.Fprintf(os.Stderr, "gobench: server on %s:%d\n", o.addr, h.LocalPort())
	var stop atomic.Bool
	go func() { <-sig; stop.Store(true) }()
	buf := make([]byte, 64<<10)
	var n uint64 // echoes
	var lastEvent time.Time
	if o.recv == "batch" {
		return serveBatches(h, &stop, o, report)
	}
	for !stop.Load() {
		var ev enet.Event
		timeout := 100 * time.Millisecond
		if o.spin > 0 && time.Since(lastEvent) < o.spin {
			timeout = 0 // poll: an experiment on the cost of parking
		}
		if o.recv == "queued" {
			ev, err = h.Service(timeout)
		} else {
			ev, err = h.ServiceInto(timeout, buf)
		}
		if o.spin > 0 && ev.Type != enet.EventNone {
			lastEvent = time.Now() // only the experiment reads the clock per event
		}
		if err != nil {
			return err
		}
		if ev.Type != enet.EventReceive {
			continue
		}
		data := ev.Packet
		if o.recv == "queued" {
			if data, err = ev.Peer.Packet(); err != nil {
				return err
			}
		}
		work(data, o.work)
		ev.Peer.Send(ev.Channel, data, ev.Flags)
		n++ // a plain counter, as the C server's: report runs on this goroutine
	}
	report(n)
	return nil
}

// workSink keeps the compiler from dropping work's result.
var workSink atomic.Uint64

// work hashes data rounds times (FNV-1a) in place of a game server's
// per-message logic: a fixed amount of CPU per packet, whatever the clock.
func work(data []byte, rounds int) {
	if rounds <= 0 {
		return
	}
	h := uint64(14695981039346656037)
	for range rounds {
		for _, b := range data {
			h = (h ^ uint64(b)) * 1099511628211
		}
	}
	if h == 0 {
		workSink.Add(1)
	}
}

// calibrateWork measures what work costs for one 32-byte packet, in ns.
func calibrateWork(rounds int) float64 {
	if rounds <= 0 {
		return 0
	}
	data := make([]byte, 32)
	const n = 2000
	t := time.Now()
	for range n {
		work(data, rounds)
	}
	return float64(time.Since(t).Nanoseconds()) / n
}

type workload struct {
	name   string
	size   int
	window int
	flags  enet.PacketFlags
}

var workloads = []workload{
	{"rel32", 32, 64, enet.FlagReliable},
	{"unrel32", 32, 64, 0},
	{"rel1k", 1024, 64, enet.FlagReliable},
	{"pingpong", 32, 1, enet.FlagReliable},
}

// Phases of a client run.
const (
	phaseConnecting = iota - 1
	phaseWarmup
	phaseMeasuring
	phaseDone
)

type conn struct {
	counted, lost uint64
}

func runClient(o options) error {
	var w *workload
	for i := range workloads {
		if workloads[i].name == o.workload {
			w = &workloads[i]
		}
	}
	if w == nil || o.conns < 1 {
		return fmt.Errorf("unknown workload %q or bad -conns", o.workload)
	}
	var phase atomic.Int32
	phase.Store(phaseConnecting)
	var connected sync.WaitGroup
	connected.Add(o.conns)
	conns := make([]conn, o.conns)
	errs := make(chan error, o.conns)
	var done sync.WaitGroup
	for i := range conns {
		done.Add(1)
		go func() {
			defer done.Done()
			if err := clientConn(o, w, &conns[i], &phase, &connected); err != nil {
				errs <- err
			}
		}()
	}
	allConnected := make(chan struct{})
	go func() { connected.Wait(); close(allConnected) }()
	select {
	case <-allConnected:
	case err := <-errs:
		return err
	case <-time.After(10 * time.Second):
		return fmt.Errorf("connect timed out")
	}
	phase.Store(phaseWarmup)
	time.Sleep(time.Duration(o.warmup * float64(time.Second)))
	phase.Store(phaseMeasuring)
	t0, c0 := time.Now(), cpuSeconds()
	time.Sleep(time.Duration(o.duration * float64(time.Second)))
	phase.Store(phaseDone)
	secs, cpu := time.Since(t0).Seconds(), cpuSeconds()-c0
	done.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	var msgs, lost uint64
	for _, c := range conns {
		msgs += c.counted
		lost += c.lost
	}
	rtt := 0.0
	if msgs > 0 {
		rtt = secs * 1e6 / (float64(msgs) / float64(w.window*o.conns))
	}
	fmt.Printf("RESULT impl=go workload=%s conns=%d size=%d window=%d secs=%.3f msgs=%d "+
		"rate=%.0f rtt_us=%.2f lost=%d cpu_s=%.3f\n",
		w.name, o.conns, w.size, w.window, secs, msgs, float64(msgs)/secs, rtt, lost, cpu)
	return nil
}

// clientConn runs one connection of a client run until the phase is done.
func clientConn(o options, w *workload, c *conn, phase *atomic.Int32, connected *sync.WaitGroup) error {
	h, err := enet.CreateHost(enet.HostConfig{MaxPeers: 1, MaxChannels: 1, BusyPoll: o.busyPoll, Unguarded: o.unguarded})
	if err != nil {
		connected.Done()
		return err
	}
	defer h.Destroy()
	p, err := h.ConnectToHost(o.addr, o.port, 1, 0)
	if err != nil {
		connected.Done()
		return err
	}
	payload := make([]byte, w.size)
	for i := range payload {
		payload[i] = 'x'
	}
	buf := make([]byte, o.bufSize)
	evs := make([]enet.Event, max(o.events, 1))
	inflight := 0
	refill := func() {
		for inflight < w.window && p.Send(0, payload, w.flags) == nil {
			inflight++
		}
	}
	var lastRecv, now time.Time
	var clockTick int
	for {
		ph := phase.Load()
		if ph == phaseDone {
			p.DisconnectNow(0)
			return nil
		}
		k := 1
		if o.recv == "batch" {
			k, err = h.ServiceBatch(time.Millisecond, evs, buf)
			if k == 0 {
				evs[0] = enet.Event{}
				k = 1
			}
		} else {
			evs[0], err = h.ServiceInto(time.Millisecond, buf)
		}
		if err != nil {
			return err
		}
		for i := range evs[:k] {
			ev := &evs[i]
			// The clock is read when nothing arrived and every 16th event, as
			// the C client reads it once per enet_host_service call, not per
			// event (a clock read costs about 4 % of this loop otherwise).
			if ev.Type == enet.EventNone || clockTick%16 == 0 {
				now = time.Now()
			}
			clockTick++
			switch ev.Type {
			case enet.EventConnect:
				lastRecv = now
				refill()
				connected.Done()
			case enet.EventReceive:
				inflight--
				lastRecv = now
				if ph == phaseMeasuring {
					c.counted++
				}
				refill()
			case enet.EventDisconnect:
				if ph == phaseConnecting {
					connected.Done()
				}
				return fmt.Errorf("disconnected by server")
			}
		}
		if w.flags&enet.FlagReliable == 0 && inflight > 0 && now.Sub(lastRecv) > 20*time.Millisecond {
			c.lost += uint64(inflight) // unreliable: refill
			inflight = 0
			lastRecv = now
			refill()
		}
	}
}

// serveBatches is the single-host echo loop on Host.ServiceBatch.
func serveBatches(h *enet.Host, stop *atomic.Bool, o options, report func(uint64)) error {
	evs := make([]enet.Event, max(o.events, 1))
	buf := make([]byte, o.bufSize)
	var n uint64
	for !stop.Load() {
		k, err := h.ServiceBatch(100*time.Millisecond, evs, buf)
		if err != nil {
			return err
		}
		for i := range evs[:k] {
			ev := &evs[i]
			if ev.Type != enet.EventReceive {
				continue
			}
			work(ev.Packet, o.work)
			ev.Peer.Send(ev.Channel, ev.Packet, ev.Flags)
			n++
		}
	}
	report(n)
	return nil
}
