package scene

import (
	"testing"

	"github.com/enetgo/enet/multiplayer"
)

// benchDispatch measures decoding and dispatching one received call of
// say(text, n) to a handler that reads both arguments.
func benchDispatch(b *testing.B, d multiplayer.Dialect) {
	ft := &fakeTransport{d: d, id: 1, peers: []int32{5}}
	m := New(ft, Config{})
	var sum int64
	_, err := m.AddNode(NodeConfig{Path: "Chat", Methods: []Method{{Name: "say", Mode: AnyPeer, Handler: func(c *Call) error {
		s, err := c.Arg(0).String()
		if err != nil {
			return err
		}
		n, err := c.Arg(1).Int()
		sum += n + int64(len(s))
		return err
	}}}})
	if err != nil {
		b.Fatal(err)
	}
	// The sender's packet once the path is confirmed.
	peer := &fakeTransport{d: d, id: 5, peers: []int32{1}}
	pm := New(peer, Config{})
	if _, err := pm.AddNode(NodeConfig{Path: "Chat", Methods: []Method{{Name: "say", Mode: AnyPeer}}}); err != nil {
		b.Fatal(err)
	}
	if err := pm.RPC(1, "Chat", "say", "hello", 300); err != nil {
		b.Fatal(err)
	}
	out := peer.take()
	if err := m.HandlePacket(5, out[0].data, Reliable, 0); err != nil { // SIMPLIFY
		b.Fatal(err)
	}
	for _, s := range ft.take() {
		if err := pm.HandlePacket(1, s.data, Reliable, 0); err != nil { // CONFIRM
			b.Fatal(err)
		}
	}
	if err := pm.RPC(1, "Chat", "say", "hello", 300); err != nil {
		b.Fatal(err)
	}
	pkt := peer.take()[0].data
	b.ReportAllocs()
	b.SetBytes(int64(len(pkt)))
	for b.Loop() {
		if err := m.HandlePacket(5, pkt, Reliable, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
	if m.Stats().Calls < uint64(b.N) {
		b.Fatal("calls not dispatched")
	}
}

// BenchmarkDispatch4 is a Godot 4 call by cache id with compact args.
func BenchmarkDispatch4(b *testing.B) { benchDispatch(b, multiplayer.Godot4) }

// BenchmarkDispatch3 is a Godot 3 call by cache id.
func BenchmarkDispatch3(b *testing.B) { benchDispatch(b, multiplayer.Godot3) }

// BenchmarkSend4 measures encoding a confirmed Godot 4 call to one peer
// (the transport's own cost excluded).
func BenchmarkSend4(b *testing.B) {
	ft := discardTransport{&fakeTransport{d: multiplayer.Godot4, id: 1, peers: []int32{5}}}
	m := New(ft, Config{})
	n, err := m.AddNode(NodeConfig{Path: "Chat", Methods: []Method{{Name: "heard"}}})
	if err != nil {
		b.Fatal(err)
	}
	if err := n.RPC(5, "heard", 5, "hello"); err != nil {
		b.Fatal(err)
	}
	if err := m.HandlePacket(5, []byte{2, 1, 1, 0, 0, 0}, Reliable, 0); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := n.RPC(5, "heard", 5, "hello"); err != nil {
			b.Fatal(err)
		}
	}
}

// discardTransport drops what it is asked to send.
type discardTransport struct{ *fakeTransport }

func (discardTransport) Send(int32, []byte, multiplayer.TransferMode, int) error { return nil }
