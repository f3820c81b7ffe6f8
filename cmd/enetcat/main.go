// Command enetcat is netcat for ENet: it listens for or connects to ENet
// peers, turns stdin lines into packets and prints received packets, raw or
// as JSON lines. It can echo, compress like Godot, show live per-peer
// statistics, and speak Godot 3's and Godot 4's high-level multiplayer
// protocols.
//
//	go install github.com/enetgo/enet/cmd/enetcat@latest
//
//	enetcat listen --port 7777 --echo
//	enetcat connect 127.0.0.1:7777 --json
//	enetcat listen --port 7777 --godot3 --echo   # a Godot 3 multiplayer server
//
// Run enetcat -h for every option.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
