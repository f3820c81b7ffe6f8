// Command rpcchat is a chat server for Godot clients that uses Godot's
// high-level multiplayer: RPCs on a node, through package scene. Clients
// call say(text) on /root/Chat of the server; the server calls
// heard(from_id, text) on /root/Chat of every client.
//
// client4.gd (Godot 4) and client3.gd (Godot 3) beside it are the
// clients:
//
//	go run ./examples/rpcchat -listen 127.0.0.1:7777 -godot 4
//	godot --headless -s client4.gd -- port=7777 say="hello|bye"
//
//	go run ./examples/rpcchat -listen 127.0.0.1:7777 -godot 3
//	godot3 --no-window -s client3.gd port=7777 say="hello|bye"
package main

import (
	"context"
	"flag"
	"log"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/enetgo/enet/multiplayer"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:7777", "address:port to listen on")
	godot := flag.Int("godot", 4, "Godot major version of the clients: 3 or 4")
	flag.Parse()
	d := multiplayer.Godot4
	switch *godot {
	case 3:
		d = multiplayer.Godot3
	case 4:
	default:
		log.Fatalf("-godot must be 3 or 4, not %d", *godot)
	}
	host, portStr, err := net.SplitHostPort(*listen)
	if err != nil {
		log.Fatal(err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		log.Fatalf("port %q: %v", portStr, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := multiplayer.NewServer(d, host, port, multiplayer.ServerConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	log.Printf("rpc chat for %v clients on %s:%d", d, host, srv.Port())
	if err := serve(ctx, srv, log.Default()); err != nil {
		log.Fatal(err)
	}
}
