package main

import (
	"context"
	"log"

	"github.com/enetgo/enet/multiplayer"
	"github.com/enetgo/enet/scene"
	"github.com/enetgo/enet/variant"
)

// newChat declares /root/Chat: say(text), which any client may call on the
// server, and heard(from_id, text), which only the server (the node's
// authority) may call on the clients. The same names must be declared on
// both sides: Godot 4 numbers RPC methods by their sorted names.
func newChat(srv *multiplayer.Server, logger *log.Logger) (*scene.Multiplayer, error) {
	m := scene.New(srv, scene.Config{})
	_, err := m.AddNode(scene.NodeConfig{
		Path: "/root/Chat",
		Methods: []scene.Method{
			{
				Name:   "say",
				Mode:   scene.AnyPeer, // Godot 3: remote
				Params: []variant.Type{variant.TypeString},
				Handler: func(c *scene.Call) error {
					text, err := c.Arg(0).String()
					if err != nil {
						return err
					}
					logger.Printf("%d: %s", c.From, text)
					return c.Node.RPC(0, "heard", c.From, text)
				},
			},
			{Name: "heard", Mode: scene.Authority}, // Godot 3: puppet
		},
	})
	return m, err
}

// serve runs the chat on srv until ctx is done or srv closes.
func serve(ctx context.Context, srv *multiplayer.Server, logger *log.Logger) error {
	m, err := newChat(srv, logger)
	if err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-srv.Events():
			if !ok {
				return nil
			}
			switch e := ev.(type) {
			case multiplayer.PeerJoined:
				logger.Printf("peer %d joined", e.ID)
			case multiplayer.PeerLeft:
				logger.Printf("peer %d left", e.ID)
			}
			if err := m.Handle(ev); err != nil {
				logger.Printf("dropped: %v", err)
			}
		}
	}
}
