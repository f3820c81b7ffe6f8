package multiplayer_test

import (
	"fmt"
	"log"

	"github.com/enetgo/enet/multiplayer"
)

// A Go server and a Go client speaking Godot 3's NetworkedMultiplayerENet
// protocol on loopback: the client says hello to the server (id 1), the
// server answers the sender.
func Example() {
	srv, err := multiplayer.NewServer(multiplayer.Godot3, "127.0.0.1", 0, multiplayer.ServerConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	cli, err := multiplayer.Dial(multiplayer.Godot3, "127.0.0.1", srv.Port(), multiplayer.ClientConfig{ID: 42})
	if err != nil {
		log.Fatal(err)
	}
	defer cli.Close()
	if err := cli.Send(1, []byte("hello"), multiplayer.Reliable, 0); err != nil {
		log.Fatal(err)
	}

	for ev := range srv.Events() {
		if p, ok := ev.(multiplayer.Packet); ok {
			fmt.Printf("server got %q from %d\n", p.Data, p.From)
			if err := srv.Send(p.From, []byte("welcome"), multiplayer.Reliable, 0); err != nil {
				log.Fatal(err)
			}
			break
		}
		fmt.Printf("server: %T %d\n", ev, ev.PeerID())
	}
	for ev := range cli.Events() {
		if p, ok := ev.(multiplayer.Packet); ok {
			fmt.Printf("client got %q from %d (%v)\n", p.Data, p.From, p.Mode)
			break
		}
		fmt.Printf("client: %T %d\n", ev, ev.PeerID())
	}
	// Output:
	// server: multiplayer.PeerJoined 42
	// server got "hello" from 42
	// client: multiplayer.PeerJoined 1
	// client got "welcome" from 1 (TRANSFER_MODE_RELIABLE)
}

// A Go server exchanging MultiplayerAPI.send_bytes payloads: SendBytes puts
// the RAW command byte in front, DecodeRaw takes it off what a GDScript
// sent with get_tree().multiplayer.send_bytes().
func ExampleDecodeRaw() {
	packet := multiplayer.AppendRaw(nil, multiplayer.Godot3, []byte("ping"))
	fmt.Println(packet)
	payload, ok := multiplayer.DecodeRaw(multiplayer.Godot3, packet)
	fmt.Printf("%q %v\n", payload, ok)
	_, ok = multiplayer.DecodeRaw(multiplayer.Godot4, packet)
	fmt.Println(ok)
	// Output:
	// [4 112 105 110 103]
	// "ping" true
	// false
}
