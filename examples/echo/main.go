// Command echo is a standalone ENet echo server: every packet goes back to
// its sender on the channel and with the reliability it arrived with. It
// prints every event, and disconnects its peers on Ctrl-C.
//
//	go run ./examples/echo --port 7777 --compress zlib
//	go run ./cmd/enetcat connect 127.0.0.1:7777 --compress zlib
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/enetgo/enet"
)

var compressModes = map[string]enet.CompressionMode{
	"none":   enet.CompressNone,
	"range":  enet.CompressRangeCoder,
	"fastlz": enet.CompressFastLZ,
	"zlib":   enet.CompressZlib,
	"zstd":   enet.CompressZstd,
}

func main() {
	addr := flag.String("addr", "*", "IPv4 address to bind, * for every interface")
	port := flag.Int("port", 7777, "UDP port")
	compress := flag.String("compress", "none", "compression: none, range, fastlz, zlib or zstd (clients must match)")
	flag.Parse()
	mode, ok := compressModes[*compress]
	if !ok {
		fmt.Fprintf(os.Stderr, "echo: bad --compress %q\n", *compress)
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, *addr, *port, mode); err != nil {
		log.Fatal(err)
	}
}

func serve(ctx context.Context, addr string, port int, mode enet.CompressionMode) error {
	h, err := enet.CreateHostBound(addr, port, enet.HostConfig{})
	if errors.Is(err, enet.ErrCantCreate) {
		return fmt.Errorf("cannot listen on %s:%d (port in use?): %w", addr, port, err)
	}
	if err != nil {
		return err
	}
	defer h.Destroy()
	if err := h.Compress(mode); err != nil {
		return err
	}
	log.Printf("echo server on %v, %v", h.LocalAddr(), mode)

	// Every ready event at once, packets back to back in one buffer: each
	// ev.Packet is valid until the next ServiceBatch, and Send copies it.
	events := make([]enet.Event, 64)
	buf := make([]byte, 64<<10)
	for ctx.Err() == nil {
		n, err := h.ServiceBatch(100*time.Millisecond, events, buf)
		if err != nil {
			return err
		}
		for _, ev := range events[:n] {
			switch ev.Type {
			case enet.EventConnect:
				log.Printf("%v connected (data %d, %d channels)", ev.Peer, ev.Data, ev.Peer.Channels())
			case enet.EventDisconnect:
				log.Printf("%v disconnected (data %d)", ev.Peer, ev.Data)
			case enet.EventReceive:
				log.Printf("%v: %d bytes on channel %d (%v)", ev.Peer, len(ev.Packet), ev.Channel, ev.Flags)
				if err := ev.Peer.Send(ev.Channel, ev.Packet, ev.Flags); err != nil {
					log.Printf("%v: echo: %v", ev.Peer, err)
				}
			}
		}
	}

	// Tell every peer, and give them a moment to acknowledge.
	log.Print("shutting down")
	for _, p := range h.Peers() {
		p.Disconnect(0)
	}
	for deadline := time.Now().Add(2 * time.Second); len(h.Peers()) > 0 && time.Now().Before(deadline); {
		ev, err := h.Service(50 * time.Millisecond)
		if err != nil {
			return err
		}
		if ev.Type == enet.EventDisconnect {
			log.Printf("%v disconnected", ev.Peer)
		}
	}
	return nil
}
