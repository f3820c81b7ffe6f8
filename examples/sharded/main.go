// Command sharded runs an ENet echo server on one UDP port with one shard
// (Host) per core, bound with SO_REUSEPORT, so the kernel spreads clients
// over the shards and the server uses every core without any change to the
// clients.
//
//	go run ./examples/sharded                       # serve on :7777 until Ctrl-C
//	go run ./examples/sharded -selftest 40          # also start 40 clients and show the spread
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/enetgo/enet"
)

func main() {
	addr := flag.String("addr", "127.0.0.1", "address to bind")
	port := flag.Int("port", 7777, "UDP port (0: any free port)")
	shards := flag.Int("shards", runtime.NumCPU(), "number of shards")
	selftest := flag.Int("selftest", 0, "start this many echo clients, report, and exit")
	flag.Parse()

	var echoed [64]atomic.Uint64
	srv, err := enet.NewShardedHost(*addr, *port, *shards, enet.HostConfig{MaxPeers: 4095},
		func(shard int, ev enet.Event) {
			switch ev.Type {
			case enet.EventConnect:
				if *selftest == 0 {
					log.Printf("shard %d: %v connected", shard, ev.Peer.RemoteAddrPort())
				}
			case enet.EventReceive:
				// ev.Packet is borrowed until the handler returns; Send copies it.
				if ev.Peer.Send(ev.Channel, ev.Packet, ev.Flags&^enet.FlagUnreliableFragment) == nil {
					echoed[shard%len(echoed)].Add(1)
				}
			}
		})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("sharded echo server on %s:%d with %d shards\n", *addr, srv.Port(), *shards)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()

	if *selftest > 0 {
		runClients(*addr, srv.Port(), *selftest)
		for i := 0; i < *shards; i++ {
			fmt.Printf("shard %d: %d peers, %d packets echoed\n", i, srv.ShardPeerCount(i), echoed[i%len(echoed)].Load())
		}
		stop()
	}
	if err := <-done; err != nil {
		log.Fatal(err)
	}
}

// runClients connects n clients, each from its own socket (so its own
// 4-tuple), and has each send 20 reliable packets and wait for the echoes.
func runClients(addr string, port, n int) {
	var wg sync.WaitGroup
	var ok atomic.Int64
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			h, err := enet.CreateHost(enet.HostConfig{MaxPeers: 1})
			if err != nil {
				log.Print(err)
				return
			}
			defer h.Destroy()
			p, err := h.ConnectToHost(addr, port, 1, uint32(i))
			if err != nil {
				log.Print(err)
				return
			}
			got := 0
			deadline := time.Now().Add(5 * time.Second)
			for got < 20 && time.Now().Before(deadline) {
				ev, err := h.Service(10 * time.Millisecond)
				if err != nil {
					return
				}
				switch ev.Type {
				case enet.EventConnect:
					for j := 0; j < 20; j++ {
						p.Send(0, fmt.Appendf(nil, "client %d packet %d", i, j), enet.FlagReliable)
					}
				case enet.EventReceive:
					if _, err := p.Packet(); err == nil {
						got++
					}
				}
			}
			if got == 20 {
				ok.Add(1)
			}
			p.Disconnect(0)
			for k := 0; k < 20 && p.IsActive(); k++ {
				h.Service(5 * time.Millisecond)
			}
		}(i)
	}
	wg.Wait()
	fmt.Printf("%d of %d clients got all 20 echoes\n", ok.Load(), n)
}
