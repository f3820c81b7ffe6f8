package enet

// ENet-level compression and packet-kind interop with a real Godot 4.6.3
// (ENetConnection / ENetPacketPeer), for every compression mode, in both
// directions:
//
//   - TestGodot4CompressGodotClient: one Godot client program connects to one
//     of our servers per mode;
//   - TestGodot4CompressGodotServer: one Godot server program listens with
//     each mode in turn and our client connects.
//
// In both, the client sends every kind of g4Kinds (reliable, unreliable,
// unsequenced, unreliable fragments, an unreliable packet over the MTU sent
// without FLAG_UNRELIABLE_FRAGMENT, a reliable one over the MTU, binary
// payloads holding every byte value, custom channels) and the server checks
// each packet's channel, received flags and bytes, then echoes it with the
// kind's send flags; the client checks the echoes the same way.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/enetgo/enet/internal/enettest"
	"github.com/enetgo/enet/internal/godottest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// g4Channels is the channel count both sides use.
const g4Channels = 8

// g4Kinds is the KINDS table of testdata/godot4/enet_compress_*.gd: the
// channel, the flags given to send, the size, whether the payload is binary
// (every byte value) or game-state-like text, and the flags ENet reports on
// receipt.
var g4Kinds = [...]struct {
	channel   int
	send      PacketFlags
	size      int
	binary    bool
	onReceipt PacketFlags
}{
	{0, FlagReliable, 200, false, FlagReliable},
	{1, 0, 300, false, 0},
	{1, FlagUnsequenced, 300, false, FlagUnsequenced},
	{2, FlagUnreliableFragment, 3000, false, FlagUnreliableFragment},
	{2, 0, 3000, false, FlagReliable}, // over the MTU without the flag: reliable fragments
	{3, FlagReliable, 5000, false, FlagReliable},
	{5, FlagReliable, 512, true, FlagReliable},
	{7, FlagUnsequenced, 300, true, FlagUnsequenced},
}

// g4Payload is make_payload of the GDScript programs.
func g4Payload(kind int, mode CompressionMode) []byte {
	k := g4Kinds[kind]
	var b []byte
	if k.binary {
		b = make([]byte, k.size)
		for i := range b {
			b[i] = byte((i*7 + kind + int(mode)) % 256)
		}
	} else {
		var s strings.Builder
		for i := 0; s.Len() < k.size; i++ {
			fmt.Fprintf(&s, "e%d x=%d y=%d;", i%32, (i*37)%1000, (i*11+kind*5+int(mode))%1000)
		}
		b = []byte(s.String())[:k.size]
	}
	b[0], b[1] = byte(kind), byte(mode)
	return b
}

// g4Check checks a received packet against g4Kinds and returns its kind.
func g4Check(ev Event, pkt []byte, mode CompressionMode) (int, error) {
	if len(pkt) < 2 || int(pkt[0]) >= len(g4Kinds) {
		return -1, fmt.Errorf("packet of %d bytes on channel %d", len(pkt), ev.Channel)
	}
	kind := int(pkt[0])
	k := g4Kinds[kind]
	if ev.Channel != k.channel || ev.Flags != k.onReceipt {
		return kind, fmt.Errorf("kind %d on channel %d with flags %v, want channel %d with %v", kind, ev.Channel, ev.Flags, k.channel, k.onReceipt)
	}
	if want := g4Payload(kind, mode); string(pkt) != string(want) {
		i := 0
		for i < len(pkt) && i < len(want) && pkt[i] == want[i] {
			i++
		}
		return kind, fmt.Errorf("kind %d: %d bytes, want %d, first difference at %d", kind, len(pkt), len(want), i)
	}
	return kind, nil
}

// g4ServerResult is what g4Serve saw on one host.
type g4ServerResult struct {
	serveLog
	connected, disconnected bool
	connectData, byeData    uint32
	kinds                   [len(g4Kinds)]bool
}

// g4Serve acts as an echo server on h until its first client disconnects or
// ctx ends.
func g4Serve(ctx context.Context, h *Host, mode CompressionMode) (r g4ServerResult) {
	r.serve(ctx, h, func(ev Event) bool {
		switch ev.Type {
		case EventConnect:
			r.connected, r.connectData = true, ev.Data
			if n := ev.Peer.Channels(); n != g4Channels {
				r.fail("client has %d channels, want %d", n, g4Channels)
			}
			// Our unreliable echoes must not be dropped by ENet's throttle
			// on a loaded machine (see fullThrottle in send_test.go).
			if err := ev.Peer.ThrottleConfigure(time.Second, PacketThrottleScale, 0); err != nil {
				r.fail("throttle: %v", err)
			}
		case EventReceive:
			if got := ev.Peer.PacketFlags(); got != ev.Flags {
				r.fail("PacketFlags %v, event flags %v", got, ev.Flags)
			}
			pkt, err := ev.Peer.Packet()
			if err != nil {
				r.fail("packet: %v", err)
				return false
			}
			kind, err := g4Check(ev, pkt, mode)
			if err != nil {
				r.fail("received %v", err)
			}
			if kind < 0 {
				return false
			}
			r.kinds[kind] = true
			if err := ev.Peer.Send(ev.Channel, pkt, g4Kinds[kind].send); err != nil {
				r.fail("echo kind %d: %v", kind, err)
			}
		case EventDisconnect:
			r.disconnected, r.byeData = true, ev.Data
			return true
		}
		return false
	})
	return r
}

// TestGodot4CompressGodotClient runs one Godot 4.6.3 client program that, for
// each compression mode, connects to one of our servers compressing with that
// mode, sends every kind of packet and checks our echoes.
func TestGodot4CompressGodotClient(t *testing.T) {
	godottest.Godot4.Require(t)
	start := time.Now()
	hosts, ports, relays := compressServers(t, g4Channels)
	stop := serveEach(t, hosts, func(ctx context.Context, i int, h *Host) g4ServerResult {
		return g4Serve(ctx, h, g3Modes[i])
	})
	proc := godottest.Godot4.StartTimeout(t, 40*time.Second, "testdata/godot4/enet_compress_client.gd",
		"ports="+strings.Join(ports, ","))
	out, waitErr := proc.Wait()
	time.Sleep(200 * time.Millisecond) // let the last DISCONNECTs arrive
	results := stop()

	bytes := map[CompressionMode]g3Bytes{}
	for i, mode := range g3Modes {
		r := results[i]
		t.Run(mode.String(), func(t *testing.T) {
			assert.True(t, godottest.HasLine(out, fmt.Sprintf("ECHO mode=%d ok", mode)), "Godot did not get every echo back intact")
			assert.True(t, r.connected, "no EventConnect")
			assert.Equal(t, uint32(1000+mode), r.connectData, "connect data")
			assert.Empty(t, r.errs, "server-side checks")
			for k, ok := range r.kinds {
				assert.True(t, ok, "kind %d not received", k)
			}
			assert.True(t, r.disconnected, "no EventDisconnect")
			assert.Equal(t, uint32(mode), r.byeData, "disconnect data")
			assert.Zero(t, r.decompFail, "datagrams our decompressor rejected")
			if t.Failed() {
				t.Logf("events: %q", r.events)
			}
		})
		r.bytes.zipSent = compressedOnWire(relays[i], enettest.ToClient)
		r.bytes.zipReceived = compressedOnWire(relays[i], enettest.ToTarget)
		bytes[mode] = r.bytes
	}
	g3LogBytes(t, "Godot 4.6.3 client -> our server, per server host", bytes)
	godotFinished(t, "Godot client", out, waitErr, start)
}

// TestGodot4CompressGodotServer runs one Godot 4.6.3 echo server program
// that listens with each compression mode in turn; our client, compressing
// with the same mode, sends every kind of packet and checks the echoes.
func TestGodot4CompressGodotServer(t *testing.T) {
	godottest.Godot4.Require(t)
	start := time.Now()
	free := godottest.FreePorts(t, len(g3Modes))
	ports := make([]string, len(g3Modes))
	for i := range g3Modes {
		ports[i] = strconv.Itoa(free[i])
	}
	proc := godottest.Godot4.StartTimeout(t, 40*time.Second, "testdata/godot4/enet_compress_server.gd",
		"ports="+strings.Join(ports, ","))

	bytes := map[CompressionMode]g3Bytes{}
	for _, mode := range g3Modes {
		t.Run(mode.String(), func(t *testing.T) {
			line, err := proc.WaitLine(fmt.Sprintf("LISTENING mode=%d ", mode), 15*time.Second)
			require.NoError(t, err, "Godot output:\n%s", proc.Output())
			port, err := strconv.Atoi(line[strings.Index(line, "port=")+len("port="):])
			require.NoError(t, err, line)

			bytes[mode] = echoRound{
				proc: proc, port: port, channels: g4Channels, data: uint32(2000 + mode),
				send: func(peer *Peer) {
					require.Equal(t, g4Channels, peer.Channels())
					for kind, k := range g4Kinds {
						require.NoError(t, peer.Send(k.channel, g4Payload(kind, mode), k.send))
					}
				},
				kinds: len(g4Kinds),
				check: func(ev Event) (int, error) {
					if f := ev.Peer.PacketFlags(); f != ev.Flags {
						return 0, fmt.Errorf("PacketFlags %v, event flags %v", f, ev.Flags)
					}
					pkt, err := ev.Peer.Packet()
					if err != nil {
						return 0, err
					}
					kind, err := g4Check(ev, pkt, mode)
					if err != nil {
						return 0, fmt.Errorf("echo: %w", err)
					}
					return kind, nil
				},
				bye:    uint32(mode),
				served: fmt.Sprintf("SERVED mode=%d echoed=%d data=%d bad=0", mode, len(g4Kinds), mode),
			}.run(t, mode)
		})
	}
	g3LogBytes(t, "our client -> Godot 4.6.3 server", bytes)

	out, err := proc.Wait()
	godotFinished(t, "Godot server", out, err, start)
}
