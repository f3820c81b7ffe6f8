package scene_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/enetgo/enet/multiplayer"
	"github.com/enetgo/enet/scene"
	"github.com/enetgo/enet/variant"
)

// A Go server for Godot 4 clients whose /root/Chat has
//
//	@rpc("any_peer") func say(text)
//	@rpc("authority") func heard(from_id, text)
//
// The server answers every say with heard to everyone.
func Example() {
	srv, err := multiplayer.NewServer(multiplayer.Godot4, "127.0.0.1", 0, multiplayer.ServerConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	m := scene.New(srv, scene.Config{})
	chat, err := m.AddNode(scene.NodeConfig{
		Path: "/root/Chat",
		Methods: []scene.Method{
			{Name: "say", Mode: scene.AnyPeer, Params: []variant.Type{variant.TypeString},
				Handler: func(c *scene.Call) error {
					text, err := c.Arg(0).String()
					if err != nil {
						return err
					}
					return c.Node.RPC(0, "heard", c.From, text)
				}},
			{Name: "heard", Mode: scene.Authority},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(chat.Path(), chat.Checksum())
	go func() {
		for ev := range srv.Events() {
			if err := m.Handle(ev); errors.Is(err, scene.ErrNotAllowed) {
				log.Printf("refused: %v", err)
			}
		}
	}()
	// Output: Chat 22d65c7a37f25e7f0d1d300c2954cfc0
}

// Method ids and the checksum follow Godot 4: names sorted by code point.
func ExampleNode_MethodID() {
	m := scene.New(fakeServer{}, scene.Config{})
	n, _ := m.AddNode(scene.NodeConfig{Path: "Player", Methods: []scene.Method{
		{Name: "jump"}, {Name: "hit", Mode: scene.AnyPeer}, {Name: "Move"},
	}})
	for _, name := range []string{"Move", "hit", "jump"} {
		id, _ := n.MethodID(name)
		fmt.Println(name, id)
	}
	// Output:
	// Move 0
	// hit 1
	// jump 2
}

// Handlers read arguments with typed accessors that fail instead of
// panicking.
func ExampleValue() {
	v := scene.ValueOf(int64(42))
	n, err := v.Int()
	fmt.Println(n, err)
	_, err = v.String()
	fmt.Println(errors.Is(err, scene.ErrArgs))
	// Output:
	// 42 <nil>
	// true
}

// Godot 4 sends ints and bools in a compact form.
func ExampleAppendCompressed() {
	b, _ := scene.AppendCompressed(nil, 300)
	fmt.Printf("% x\n", b)
	b, _ = scene.AppendCompressed(nil, true)
	fmt.Printf("% x\n", b)
	// Output:
	// 42 2c 01
	// 81
}

// A Go server reproduces a MultiplayerSynchronizer's visibility: the
// node's RPCs reach only the peers that see it, and spawns and syncs go to
// Filter's peers. When visibility changes, send SpawnTo to the peers that
// newly see the node and DespawnTo to those that no longer do.
func ExampleVisibility() {
	peers := []int32{2, 3, 4}
	v := scene.NewVisibility(false) // public_visibility = false
	v.SetFor(2, true)               // set_visibility_for(2, true)
	fmt.Println(v.Filter(peers))
	v.SetPublic(true)
	v.AddFilter(func(p int32) bool { return p != 3 && p != 0 }) // refuse 0 too, see docs/rpc.md
	fmt.Println(v.Filter(peers))

	m := scene.New(fakeServer{}, scene.Config{})
	_, err := m.AddNode(scene.NodeConfig{Path: "Bot", Visibility: v, Methods: []scene.Method{{Name: "hit"}}})
	fmt.Println(err)
	// Output:
	// [2]
	// [2 4]
	// <nil>
}

// fakeServer is a transport without a network, for examples.
type fakeServer struct{}

func (fakeServer) Dialect() multiplayer.Dialect { return multiplayer.Godot4 }
func (fakeServer) Peers() []int32               { return nil }
func (fakeServer) Send(int32, []byte, multiplayer.TransferMode, int) error {
	return nil
}
