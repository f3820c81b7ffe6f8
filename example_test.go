package enet_test

import (
	"fmt"
	"time"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/variant"
)

// serviceBoth services two hosts until handle returns true or two seconds
// pass.
func serviceBoth(a, b *enet.Host, handle func(h *enet.Host, ev enet.Event) bool) {
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		for _, h := range []*enet.Host{a, b} {
			ev, err := h.Service(time.Millisecond)
			if err != nil {
				return
			}
			if ev.Type != enet.EventNone && handle(h, ev) {
				return
			}
		}
	}
}

// A server and a client on loopback: connect, send, echo.
func Example() {
	server, err := enet.CreateHostBound("127.0.0.1", 0, enet.HostConfig{MaxPeers: 8})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer server.Destroy()
	client, err := enet.CreateHost(enet.HostConfig{MaxPeers: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Destroy()

	peer, err := client.ConnectToHost("127.0.0.1", server.LocalPort(), 2, 42)
	if err != nil {
		fmt.Println(err)
		return
	}
	serviceBoth(server, client, func(h *enet.Host, ev enet.Event) bool {
		switch {
		case h == server && ev.Type == enet.EventConnect:
			fmt.Println("server: connect, data", ev.Data)
		case h == client && ev.Type == enet.EventConnect:
			fmt.Println("client: connected,", peer.State())
			peer.Send(1, []byte("hello"), enet.FlagReliable)
		case h == server && ev.Type == enet.EventReceive:
			data, _ := ev.Peer.Packet()
			fmt.Printf("server: %q on channel %d, %v\n", data, ev.Channel, ev.Flags)
			ev.Peer.Send(ev.Channel, append(data, " back"...), enet.FlagReliable)
		case h == client && ev.Type == enet.EventReceive:
			data, _ := peer.Packet()
			fmt.Printf("client: %q\n", data)
			return true
		}
		return false
	})
	// Output:
	// client: connected, STATE_CONNECTED
	// server: connect, data 42
	// server: "hello" on channel 1, FLAG_RELIABLE
	// client: "hello back"
}

// ServiceInto hands packets out in the event, reusing one buffer, for
// servers that do not want per-peer queues.
func ExampleHost_ServiceInto() {
	server, _ := enet.CreateHostBound("127.0.0.1", 0, enet.HostConfig{})
	defer server.Destroy()
	client, _ := enet.CreateHost(enet.HostConfig{})
	defer client.Destroy()
	peer, _ := client.ConnectToHost("127.0.0.1", server.LocalPort(), 1, 0)

	buf := make([]byte, 0, 1500)
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if ev, _ := client.Service(time.Millisecond); ev.Type == enet.EventConnect {
			peer.Send(0, []byte("state update"), enet.FlagUnsequenced)
		}
		ev, err := server.ServiceInto(time.Millisecond, buf)
		if err != nil {
			return
		}
		if ev.Type == enet.EventReceive {
			fmt.Printf("%q %v, queued on peer: %d\n", ev.Packet, ev.Flags, ev.Peer.AvailablePacketCount())
			return
		}
	}
	// Output:
	// "state update" FLAG_UNSEQUENCED, queued on peer: 0
}

// ServiceBatch takes every ready event at once: an echo server answers a
// whole batch per call, with one buffer for all its packets.
func ExampleHost_ServiceBatch() {
	server, _ := enet.CreateHostBound("127.0.0.1", 0, enet.HostConfig{})
	defer server.Destroy()
	client, _ := enet.CreateHost(enet.HostConfig{})
	defer client.Destroy()
	peer, _ := client.ConnectToHost("127.0.0.1", server.LocalPort(), 1, 0)

	events := make([]enet.Event, 64)
	buf := make([]byte, 64<<10)
	echoed := 0
	deadline := time.Now().Add(2 * time.Second)
	for echoed < 3 && time.Now().Before(deadline) {
		if ev, _ := client.Service(time.Millisecond); ev.Type == enet.EventConnect {
			for _, m := range []string{"a", "bb", "ccc"} {
				peer.Send(0, []byte(m), enet.FlagReliable)
			}
		}
		n, err := server.ServiceBatch(time.Millisecond, events, buf)
		if err != nil {
			return
		}
		for _, ev := range events[:n] {
			if ev.Type == enet.EventReceive {
				ev.Peer.Send(ev.Channel, ev.Packet, ev.Flags) // Send copies the packet
				fmt.Printf("%q ", ev.Packet)
				echoed++
			}
		}
	}
	fmt.Println()
	// Output:
	// "a" "bb" "ccc"
}

// PutVar and Var exchange Godot Variants, as PacketPeer.put_var and
// get_var do.
func ExamplePeer_PutVar() {
	server, _ := enet.CreateHostBound("127.0.0.1", 0, enet.HostConfig{})
	defer server.Destroy()
	client, _ := enet.CreateHost(enet.HostConfig{})
	defer client.Destroy()
	peer, _ := client.ConnectToHost("127.0.0.1", server.LocalPort(), 1, 0)

	serviceBoth(server, client, func(h *enet.Host, ev enet.Event) bool {
		switch {
		case h == client && ev.Type == enet.EventConnect:
			peer.PutVar(variant.Godot4, []any{"move", variant.Vector2{X: 3, Y: -1}})
		case h == server && ev.Type == enet.EventReceive:
			v, err := ev.Peer.Var(variant.Godot4)
			fmt.Println(v, err)
			return true
		}
		return false
	})
	// Output:
	// [move {3 -1}] <nil>
}

// Errors are sentinels carrying the Godot Error number they mirror.
func ExampleGodotCode() {
	_, err := enet.CreateHostBound("127.0.0.1", 0, enet.HostConfig{MaxPeers: 5000})
	fmt.Println(err)
	fmt.Println(enet.GodotCode(err))
	// Output:
	// enet: create host bound: invalid parameter: max peers 5000 outside 1..4095
	// 31
}
