// Command chat is a chat server for Godot 3 clients: it speaks Godot 3's
// NetworkedMultiplayerENet protocol through package multiplayer, relays chat
// lines between clients and announces joins and leaves. client.gd beside it
// is a GDScript client; README.md explains how to run both.
//
//	go run ./examples/chat --port 7777
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

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/multiplayer"
)

func main() {
	addr := flag.String("addr", "*", "IPv4 address to bind, * for every interface")
	port := flag.Int("port", 7777, "UDP port")
	maxClients := flag.Int("max-clients", 32, "most clients at once")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	srv, err := multiplayer.NewServer(multiplayer.Godot3, *addr, *port,
		multiplayer.ServerConfig{MaxClients: *maxClients})
	if errors.Is(err, enet.ErrCantCreate) {
		err = fmt.Errorf("cannot listen on %s:%d (port in use?): %w", *addr, *port, err)
	}
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("chat server for Godot 3 clients on port %d", srv.Port())
	newRoom(srv, log.Default()).run(ctx)
	log.Print("shutting down")
	srv.Close() // tells every client, as Godot's close_connection
}
