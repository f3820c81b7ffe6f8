// Command chat is a chat server for Godot clients: it speaks Godot 3's
// NetworkedMultiplayerENet protocol (or, with --godot4, Godot 4's
// ENetMultiplayerPeer + SceneMultiplayer) through package multiplayer,
// relays chat lines between clients and announces joins and leaves.
// client.gd (Godot 3) and client4.gd (Godot 4) beside it are GDScript
// clients; README.md explains how to run them.
//
//	go run ./examples/chat --port 7777 [--godot4]
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
	godot4 := flag.Bool("godot4", false, "serve Godot 4 clients instead of Godot 3 ones")
	flag.Parse()
	dialect := multiplayer.Godot3
	if *godot4 {
		dialect = multiplayer.Godot4
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	srv, err := multiplayer.NewServer(dialect, *addr, *port,
		multiplayer.ServerConfig{MaxClients: *maxClients})
	if errors.Is(err, enet.ErrCantCreate) {
		err = fmt.Errorf("cannot listen on %s:%d (port in use?): %w", *addr, *port, err)
	}
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("chat server for %v clients on port %d", dialect, srv.Port())
	newRoom(srv, log.Default()).run(ctx)
	log.Print("shutting down")
	srv.Close() // tells every client, as Godot's close_connection
}
