package enet

// ENet-level compression interop with a real Godot 3.2.3 runtime
// (godot3-server), for every compression mode, in both directions:
//
//   - TestGodot3CompressGodotClient: Godot's NetworkedMultiplayerENet client
//     against our Host acting as a Godot 3 server;
//   - TestGodot3CompressGodotServer: our Host acting as a Godot 3 client
//     against Godot's NetworkedMultiplayerENet server.
//
// Both also check that a compression mismatch never completes a connection,
// and log the wire bytes of the same batch of packets in every mode.
//
// The Godot 3 framing is done by hand here (docs/multiplayer.md): every data packet
// starts with [source u32 LE][target i32 LE]; RELIABLE goes on channel 1 with
// FlagReliable, UNRELIABLE on channel 2 unsequenced, UNRELIABLE_ORDERED on
// channel 2 with flags 0, and an unreliable packet larger than the MTU as
// reliable fragments.

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/enetgo/enet/internal/enettest"
	"github.com/enetgo/enet/internal/godottest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// g3Modes are the five Godot compression modes, in Godot's order.
var g3Modes = []CompressionMode{CompressNone, CompressRangeCoder, CompressFastLZ, CompressZlib, CompressZstd}

// Godot 3 transfer modes (NetworkedMultiplayerPeer.TRANSFER_MODE_*).
const (
	g3Unreliable        = 0
	g3UnreliableOrdered = 1
	g3Reliable          = 2
)

// g3Kinds are the packets each side sends per mode, as in the GDScript
// KINDS table: the transfer mode and the payload size (without the 8-byte
// header). The last one is larger than the MTU.
var g3Kinds = [...]struct {
	transfer byte
	size     int
}{
	{g3Reliable, 200},
	{g3Unreliable, 300},
	{g3UnreliableOrdered, 64},
	{g3Unreliable, 3000},
}

const g3HeaderSize = 8

// g3Payload is make_payload of the GDScript programs: [transfer mode][kind]
// [mode] followed by game-state-like ASCII text, cut to the kind's size.
func g3Payload(kind int, mode CompressionMode) []byte {
	size := g3Kinds[kind].size
	var s strings.Builder
	for i := 0; s.Len() < size; i++ {
		fmt.Fprintf(&s, "e%d x=%d y=%d;", i%32, (i*37)%1000, (i*11+kind*5+int(mode))%1000)
	}
	b := append([]byte{g3Kinds[kind].transfer, byte(kind), byte(mode)}, s.String()...)
	return b[:size]
}

// g3Wire returns the ENet channel and the flags a received packet of kind
// has when Godot 3 sent it (or when we send it as Godot 3 would). frag says
// the engine marks unreliable packets over the MTU FLAG_UNRELIABLE_FRAGMENT
// (Godot 3.6.2 does, with a warning; Godot 3.2.3 does not, so ENet sends them
// as reliable fragments).
func g3Wire(kind int, frag bool) (int, PacketFlags) {
	switch {
	case g3Kinds[kind].transfer == g3Reliable:
		return 1, FlagReliable
	case g3Kinds[kind].size > 1200 && frag:
		return 2, FlagUnreliableFragment
	case g3Kinds[kind].size > 1200: // over the MTU: reliable fragments
		return 2, FlagReliable
	case g3Kinds[kind].transfer == g3Unreliable:
		return 2, FlagUnsequenced
	default:
		return 2, 0
	}
}

// g3SendFlags returns the channel and flags Godot 3's put_packet uses for
// kind: unreliable is unsequenced whatever its size (ENet itself turns a
// large one into reliable fragments), plus FLAG_UNRELIABLE_FRAGMENT over the
// MTU when frag is set (Godot 3.6.2).
func g3SendFlags(kind int, frag bool) (int, PacketFlags) {
	switch g3Kinds[kind].transfer {
	case g3Reliable:
		return 1, FlagReliable
	case g3Unreliable:
		if frag && g3Kinds[kind].size > 1200 {
			return 2, FlagUnsequenced | FlagUnreliableFragment
		}
		return 2, FlagUnsequenced
	default:
		return 2, 0
	}
}

func g3Frame(source uint32, target int32, payload []byte) []byte {
	b := make([]byte, g3HeaderSize, g3HeaderSize+len(payload))
	binary.LittleEndian.PutUint32(b, source)
	binary.LittleEndian.PutUint32(b[4:], uint32(target))
	return append(b, payload...)
}

// g3Check checks a received Godot 3 data packet: its header, the channel and
// flags of its kind, and its bytes. It returns the kind.
func g3Check(ev Event, pkt []byte, mode CompressionMode, source uint32, target int32, frag bool) (int, error) {
	if len(pkt) < g3HeaderSize+3 {
		return -1, fmt.Errorf("packet of %d bytes on channel %d", len(pkt), ev.Channel)
	}
	src, tgt := binary.LittleEndian.Uint32(pkt), int32(binary.LittleEndian.Uint32(pkt[4:]))
	if src != source || tgt != target {
		return -1, fmt.Errorf("header source=%d target=%d, want %d and %d", src, tgt, source, target)
	}
	kind := int(pkt[g3HeaderSize+1])
	if kind >= len(g3Kinds) {
		return -1, fmt.Errorf("unknown kind %d", kind)
	}
	if ch, fl := g3Wire(kind, frag); ev.Channel != ch || ev.Flags != fl {
		return kind, fmt.Errorf("kind %d on channel %d with flags %v, want channel %d with %v", kind, ev.Channel, ev.Flags, ch, fl)
	}
	want := g3Payload(kind, mode)
	got := pkt[g3HeaderSize:]
	if string(got) != string(want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		return kind, fmt.Errorf("kind %d: %d bytes, want %d, first difference at %d", kind, len(got), len(want), i)
	}
	return kind, nil
}

// g3Frag reports whether engine e sends unreliable packets over the MTU
// with FLAG_UNRELIABLE_FRAGMENT (see g3Wire).
func g3Frag(e *godottest.Engine) bool { return e != godottest.Godot3 }

// g3Bytes are the wire bytes of one connection in one mode.
type g3Bytes struct {
	sent, received uint64 // ENet's byte counters of our host
	// datagrams a relay saw carrying ENet's compressed flag, from and to
	// our host
	zipSent, zipReceived int
}

// g3LogBytes logs the wire bytes of every mode and checks that compressed
// datagrams really went over the wire in each direction in every
// compressing mode, and none in COMPRESS_NONE. (It once compared the byte
// totals with COMPRESS_NONE's instead; resends and pings on a loaded
// machine made that fail with compression working.)
func g3LogBytes(t *testing.T, title string, bytes map[CompressionMode]g3Bytes) {
	none := bytes[CompressNone]
	for m, x := range bytes {
		if m == CompressNone {
			assert.Zero(t, x.zipSent+x.zipReceived, "%v: compressed datagrams on the wire", m)
			continue
		}
		assert.Positive(t, x.zipSent, "%v: compressed datagrams from our host", m)
		assert.Positive(t, x.zipReceived, "%v: compressed datagrams to our host", m)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (ENet HostTotalSentData / HostTotalReceivedData, handshake, acks and pings included):\n", title)
	for _, m := range g3Modes {
		x, ok := bytes[m]
		if !ok {
			continue
		}
		pct := func(v, base uint64) string {
			if base == 0 {
				return "-"
			}
			return fmt.Sprintf("%.0f%%", 100*float64(v)/float64(base))
		}
		fmt.Fprintf(&b, "  %-21v sent %5d (%4s of NONE, %3d datagrams compressed)  received %5d (%4s of NONE, %3d compressed)\n",
			m, x.sent, pct(x.sent, none.sent), x.zipSent, x.received, pct(x.received, none.received), x.zipReceived)
	}
	t.Log(b.String())
}

// g3ServerResult is what g3Serve saw on one host.
type g3ServerResult struct {
	serveLog
	connected    bool
	id           uint32
	kinds        [len(g3Kinds)]bool
	disconnected bool
	datagrams    uint64 // received
}

// g3Serve acts as a Godot 3 server on h until its first client disconnects
// or ctx ends: it takes the client's id from the connect data, checks every
// data packet and echoes it back with header source 1 and target the client,
// on the same channel with the same flags.
func g3Serve(ctx context.Context, h *Host, mode CompressionMode, frag bool) (r g3ServerResult) {
	r.serve(ctx, h, func(ev Event) bool {
		switch ev.Type {
		case EventConnect:
			r.connected, r.id = true, ev.Data
			if ev.Data < 2 {
				r.fail("connect data %d, want a Godot id >= 2", ev.Data)
			}
			// The unreliable echoes must not fall to ENet's throttle
			// on a loaded machine (see fullThrottle in send_test.go).
			if err := ev.Peer.ThrottleConfigure(time.Second, PacketThrottleScale, 0); err != nil {
				r.fail("throttle configure: %v", err)
			}
			if n := ev.Peer.Channels(); n != 3 {
				r.fail("client has %d channels, want 3", n)
			}
		case EventReceive:
			pkt, err := ev.Peer.Packet()
			if err != nil {
				r.fail("packet: %v", err)
				return false
			}
			kind, err := g3Check(ev, pkt, mode, r.id, 1, frag)
			if err != nil {
				r.fail("received %v", err)
			}
			if kind < 0 {
				return false
			}
			r.kinds[kind] = true
			echo := g3Frame(1, int32(r.id), pkt[g3HeaderSize:])
			if err := ev.Peer.Send(ev.Channel, echo, ev.Flags); err != nil {
				r.fail("echo kind %d: %v", kind, err)
			}
		case EventDisconnect:
			r.disconnected = true
			if ev.Data != r.id {
				r.fail("disconnect data %d, want the client id %d", ev.Data, r.id)
			}
			return true
		}
		return false
	})
	r.datagrams = h.Statistic(HostTotalReceivedPackets)
	return r
}

// TestGodot3CompressGodotClient runs one Godot 3.2.3 client program that, for
// each compression mode, connects to one of our servers compressing with that
// mode, sends a reliable, an unreliable, an unreliable-ordered and a 3000-byte
// unreliable packet, and checks our echoes byte for byte. Last, a Godot
// COMPRESS_ZLIB client tries our COMPRESS_NONE server.
func TestGodot3CompressGodotClient(t *testing.T) {
	g3CompressGodotClient(t, godottest.Godot3)
}

// g3CompressGodotClient is TestGodot3CompressGodotClient with engine e, a
// Godot 3.x whose NetworkedMultiplayerENet speaks the 3.2.3 framing.
func g3CompressGodotClient(t *testing.T, e *godottest.Engine) {
	e.Require(t)
	start := time.Now()
	hosts, ports, relays := compressServers(t, 3)
	mismatch := len(hosts)
	hosts = append(hosts, newServer(t, HostConfig{MaxChannels: 3})) // COMPRESS_NONE

	stop := serveEach(t, hosts, func(ctx context.Context, i int, h *Host) g3ServerResult {
		mode := CompressNone
		if i < len(g3Modes) {
			mode = g3Modes[i]
		}
		return g3Serve(ctx, h, mode, g3Frag(e))
	})

	proc := e.StartTimeout(t, 40*time.Second, "testdata/godot3/enet_compress_client.gd",
		"ports="+strings.Join(ports, ","), "mismatch="+strconv.Itoa(hosts[mismatch].LocalPort()))
	out, waitErr := proc.Wait()
	time.Sleep(300 * time.Millisecond) // let the last DISCONNECTs arrive
	results := stop()

	bytes := map[CompressionMode]g3Bytes{}
	for i, mode := range g3Modes {
		r := results[i]
		t.Run(mode.String(), func(t *testing.T) {
			assert.True(t, godottest.HasLine(out, fmt.Sprintf("ECHO mode=%d ok", mode)), "Godot did not get every echo back intact")
			assert.True(t, r.connected, "no EventConnect")
			assert.Empty(t, r.errs, "server-side checks")
			assert.Equal(t, [len(g3Kinds)]bool{true, true, true, true}, r.kinds, "kinds received")
			assert.True(t, r.disconnected, "no EventDisconnect")
			assert.Zero(t, r.decompFail, "datagrams our decompressor rejected")
			if t.Failed() {
				t.Logf("events: %q", r.events)
			}
		})
		r.bytes.zipSent = compressedOnWire(relays[i], enettest.ToClient)
		r.bytes.zipReceived = compressedOnWire(relays[i], enettest.ToTarget)
		bytes[mode] = r.bytes
	}
	g3LogBytes(t, e.Name+" client -> our server, per server host", bytes)

	t.Run("Mismatch", func(t *testing.T) {
		r := results[mismatch]
		line := ""
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "MISMATCH status=") {
				line = l
			}
		}
		t.Logf("Godot COMPRESS_ZLIB client vs our COMPRESS_NONE server: Godot %q; our server's events %q, %d datagrams (%d bytes) received and dropped",
			line, r.events, r.datagrams, r.bytes.received)
		require.NotEmpty(t, line, "Godot did not report the mismatch attempt")
		assert.Contains(t, line, "ever_connected=False", "the Godot client must never get connected")
		assert.False(t, r.connected, "our server must never see the connection complete")
		assert.Empty(t, r.errs)
	})

	godotFinished(t, "Godot client", out, waitErr, start)
}

// g3ID returns a random Godot 3 peer id: 31 bits, at least 2.
func g3ID() uint32 {
	return 2 + rand.Uint32N(0x7FFFFFFF-2)
}

// g3Until services h until done returns true or d passes.
func g3Until(h *Host, d time.Duration, done func(Event) (bool, error)) error {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		ev, err := h.Service(10 * time.Millisecond)
		if err != nil {
			return err
		}
		if ev.Type == EventNone {
			continue
		}
		ok, err := done(ev)
		if err != nil || ok {
			return err
		}
	}
	return fmt.Errorf("not done within %v", d)
}

// TestGodot3CompressGodotServer runs one Godot 3.2.3 echo server program that
// listens with each compression mode in turn; our client, compressing with the
// same mode, sends the four kinds of packets with Godot 3's framing and checks
// the echoes byte for byte. Last, our COMPRESS_NONE client tries a Godot
// COMPRESS_ZLIB server and our COMPRESS_ZLIB client a Godot COMPRESS_NONE
// server.
func TestGodot3CompressGodotServer(t *testing.T) {
	g3CompressGodotServer(t, godottest.Godot3)
}

// g3CompressGodotServer is TestGodot3CompressGodotServer with engine e.
func g3CompressGodotServer(t *testing.T, e *godottest.Engine) {
	e.Require(t)
	start := time.Now()
	free := godottest.FreePorts(t, len(g3Modes)+2)
	ports := make([]string, len(g3Modes))
	for i := range g3Modes {
		ports[i] = strconv.Itoa(free[i])
	}
	proc := e.StartTimeout(t, 40*time.Second, "testdata/godot3/enet_compress_server.gd",
		"ports="+strings.Join(ports, ","), "mismatch="+strconv.Itoa(free[len(g3Modes)])+","+strconv.Itoa(free[len(g3Modes)+1]))
	listening := func(t *testing.T, mode string) int {
		line, err := proc.WaitLine("LISTENING mode="+mode+" ", 15*time.Second)
		require.NoError(t, err, "Godot output:\n%s", proc.Output())
		port, err := strconv.Atoi(strings.TrimPrefix(line[strings.Index(line, "port="):], "port="))
		require.NoError(t, err, line)
		return port
	}

	bytes := map[CompressionMode]g3Bytes{}
	for _, mode := range g3Modes {
		t.Run(mode.String(), func(t *testing.T) {
			id := g3ID()
			bytes[mode] = echoRound{
				proc: proc, port: listening(t, strconv.Itoa(int(mode))), channels: 3, data: id,
				send: func(peer *Peer) {
					for kind := range g3Kinds {
						ch, flags := g3SendFlags(kind, g3Frag(e))
						require.NoError(t, peer.Send(ch, g3Frame(id, 1, g3Payload(kind, mode)), flags))
					}
				},
				kinds: len(g3Kinds),
				check: func(ev Event) (int, error) {
					pkt, err := ev.Peer.Packet()
					if err != nil {
						return 0, err
					}
					kind, err := g3Check(ev, pkt, mode, 1, int32(id), g3Frag(e))
					if err != nil {
						return 0, fmt.Errorf("echo: %w", err)
					}
					return kind, nil
				},
				bye:    id,
				served: fmt.Sprintf("SERVED mode=%d echoed=%d", mode, len(g3Kinds)),
			}.run(t, mode)
		})
	}
	g3LogBytes(t, "our client -> "+e.Name+" server", bytes)

	// Our client with one mode against a Godot server with another: the
	// connect attempt ends in a DISCONNECT whose error names compression.
	mismatch := func(t *testing.T, ours CompressionMode, theirs string) {
		port := listening(t, theirs)
		cli := newClient(t, HostConfig{MaxPeers: 1, MaxChannels: 3})
		require.NoError(t, cli.Compress(ours))
		peer, err := cli.ConnectToHost("127.0.0.1", port, 3, g3ID())
		require.NoError(t, err)
		require.NoError(t, peer.SetTimeout(1, 500*time.Millisecond, 1500*time.Millisecond))
		began := time.Now()
		var ev Event
		err = g3Until(cli, 5*time.Second, func(e Event) (bool, error) {
			if e.Type == EventConnect {
				return false, errors.New("connected to a server with another compression mode")
			}
			ev = e
			return e.Type == EventDisconnect, nil
		})
		require.NoError(t, err)
		t.Logf("our %v client vs Godot %s server: DISCONNECT after %v, %d datagrams received (%d dropped by our decompressor); Err: %v",
			ours, theirs, time.Since(began).Round(time.Millisecond), cli.Statistic(HostTotalReceivedPackets),
			cli.Statistic(HostDecompressFailures), ev.Err)
		require.ErrorIs(t, ev.Err, ErrConnectFailed)
		assert.Contains(t, ev.Err.Error(), "compression")
	}
	t.Run("MismatchNoneVsZlib", func(t *testing.T) { mismatch(t, CompressNone, "mismatch-zlib") })
	t.Run("MismatchZlibVsNone", func(t *testing.T) { mismatch(t, CompressZlib, "mismatch-none") })

	out, err := proc.Wait()
	if err != nil || !godottest.HasLine(out, "PASS") {
		t.Errorf("Godot server failed (%v):\n%s", err, out)
	} else {
		assert.True(t, godottest.HasLine(out, "MISMATCH connected=0"), "Godot server saw the mismatched client connect:\n%s", out)
	}
	if t.Failed() {
		t.Logf("Godot output:\n%s", out)
	}
	t.Logf("took %v", time.Since(start).Round(time.Millisecond))
}
