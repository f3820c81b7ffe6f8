package multiplayer

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/internal/godottest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const godotWait = 10 * time.Second

// field returns the value of key=value in a line of Godot output.
func field(t *testing.T, line, key string) int32 {
	t.Helper()
	for _, f := range strings.Fields(line) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			n, err := strconv.ParseInt(v, 10, 32)
			require.NoError(t, err, line)
			return int32(n)
		}
	}
	require.FailNow(t, "no "+key, line)
	return 0
}

// godot3Engine is a real Godot 3 and the compression its
// NetworkedMultiplayerENet uses by default: none up to 3.3, the range coder
// from 3.4 on. The Godot 3 scripts keep the engine's default, so our side
// must match it (ENet does not negotiate compression).
type godot3Engine struct {
	e    *godottest.Engine
	comp enet.CompressionMode
}

// godot3Engines are the Godot 3 engines the Godot3 dialect is proven
// against.
var godot3Engines = []godot3Engine{
	{godottest.Godot3, enet.CompressNone},
	{godottest.Godot36, enet.CompressRangeCoder},
}

// forGodot3 runs fn as a subtest for each Godot 3 engine.
func forGodot3(t *testing.T, fn func(*testing.T, godot3Engine)) {
	for _, g := range godot3Engines {
		t.Run(strings.ReplaceAll(g.e.Name, " ", ""), func(t *testing.T) { fn(t, g) })
	}
}

// TestGodot3ClientsThroughGoServer: two real Godot 3.2.3 and 3.6.2 clients join our
// Godot3 server, see each other, exchange packets through our relay with
// every transfer mode and target, and one sees the other leave.
func TestGodot3ClientsThroughGoServer(t *testing.T) { forGodot3(t, testGodot3ClientsThroughGoServer) }

func testGodot3ClientsThroughGoServer(t *testing.T, g godot3Engine) {
	g.e.Require(t)
	s := newServer(t, Godot3, ServerConfig{Channels: 4, Compression: g.comp})
	p := g.e.StartTimeout(t, 30*time.Second, "../testdata/godot3/mp_clients.gd", fmt.Sprintf("port=%d", s.Port()))
	line, err := p.WaitLine("IDS ", godotWait)
	require.NoError(t, err, p.Output())
	a, b := field(t, line, "a"), field(t, line, "b")
	assert.ElementsMatch(t, []int32{a, b}, s.Peers())

	require.NoError(t, s.Send(a, []byte("srv:to-a"), Reliable, 0))
	require.NoError(t, s.Send(-a, []byte("srv:not-a"), Reliable, 0))
	require.NoError(t, s.Send(0, []byte("srv:hello"), Reliable, 0))

	var got []string
	joined, left := collectUntilLeft(t, s, p, 2, func(ev Packet) {
		assert.Equal(t, a, ev.From, "%q", ev.Data)
		wantMode := TransferMode(ev.Data[len(ev.Data)-1] - '0')
		assert.Equal(t, wantMode, ev.Mode, "%q", ev.Data)
		got = append(got, string(ev.Data))
	})
	out, err := p.Wait()
	require.NoError(t, err, out)
	assert.True(t, godottest.HasLine(out, "PASS"), out)
	assert.ElementsMatch(t, []int32{a, b}, joined)
	assert.Equal(t, []int32{b, a}, left, "B leaves first")
	var want []string
	for _, m := range []string{"0", "1", "2"} {
		want = append(want, "a2all:"+m, "a2notb:"+m, "a2srv:"+m)
	}
	assert.ElementsMatch(t, want, got)
}

// TestGoClientWithGodot3Server: our Godot3 client joins a real Godot 3.2.3 and 3.6.2
// server next to a Godot client, exchanges packets with both, and raw ENet
// clients check the Godot server's silent rules: bad ids are reset, spoofed
// sources, short packets and channel-0 traffic are dropped.
func TestGoClientWithGodot3Server(t *testing.T) { forGodot3(t, testGoClientWithGodot3Server) }

func testGoClientWithGodot3Server(t *testing.T, g godot3Engine) {
	g.e.Require(t)
	port := godottest.FreePorts(t, 1)[0]
	goid := RandomID()
	p := g.e.StartTimeout(t, 40*time.Second, "../testdata/godot3/mp_server.gd",
		fmt.Sprintf("port=%d", port), fmt.Sprintf("goid=%d", goid))
	_, err := p.WaitLine("LISTENING", godotWait)
	require.NoError(t, err, p.Output())

	c := dial(t, Godot3, port, ClientConfig{ID: goid, Compression: g.comp})
	line, err := p.WaitLine("CLIENT id=", godotWait)
	require.NoError(t, err, p.Output())
	cli := field(t, line, "id")

	// The Godot side sends to us as soon as it sees us, possibly before we
	// hear about its client, and unreliable packets may overtake others:
	// collect everything in one loop.
	var fromSrv, fromCli []string
	joined, sent := false, false
	timeout := time.After(godotWait)
	for !sent || len(fromSrv) < 3 || len(fromCli) < 3 {
		if joined && !sent {
			for _, m := range modes {
				require.NoError(t, c.Send(1, fmt.Appendf(nil, "go2srv:%d", m), m, 0))
				require.NoError(t, c.Send(cli, fmt.Appendf(nil, "go2cli:%d", m), m, 0))
			}
			require.NoError(t, c.Send(0, []byte("go2all"), Reliable, 0))
			sent = true
		}
		var ev Event
		select {
		case ev = <-c.Events():
		case <-timeout:
			require.FailNow(t, "packets missing", "server %q client %q\n%s", fromSrv, fromCli, p.Output())
		}
		if ev == (PeerJoined{ID: cli}) {
			joined = true
		}
		pk, ok := ev.(Packet)
		if !ok {
			continue
		}
		m := TransferMode(pk.Data[len(pk.Data)-1] - '0')
		ch, _ := Godot3.wireFor(m, 0)
		assert.Equal(t, m, pk.Mode, "%q", pk.Data)
		assert.Equal(t, ch, pk.ENetChannel, "%q", pk.Data)
		switch pk.From {
		case 1:
			fromSrv = append(fromSrv, string(pk.Data))
		case cli:
			fromCli = append(fromCli, string(pk.Data))
		default:
			assert.Fail(t, "unexpected source", "%d %q", pk.From, pk.Data)
		}
	}
	assert.ElementsMatch(t, []string{"srv2go:0", "srv2go:1", "srv2go:2"}, fromSrv)
	assert.ElementsMatch(t, []string{"cli2go:0", "cli2go:1", "cli2go:2"}, fromCli)
	expect(t, c.Events(), PeerLeft{ID: cli})

	// Raw clients: four bad ids, and 777777 who breaks the packet rules.
	r := newRawHost(t, false, 5, 0)
	require.NoError(t, r.h.Compress(g.comp))
	bad := []uint32{0, 1, 0x80000005, uint32(goid)}
	for _, data := range bad {
		r.dialShortTimeout(port, data)
	}
	good, err := r.h.ConnectToHost("127.0.0.1", port, 3, 777777)
	require.NoError(t, err)
	r.checkResets(p, len(bad), good, func() {
		send := func(ch int, data []byte) { require.NoError(t, good.Send(ch, data, enet.FlagReliable)) }
		send(1, g3Header(uint32(cli), 1, []byte("spoof-cli")))
		send(1, g3Header(uint32(goid), 1, []byte("spoof-go")))
		send(1, g3Header(uint32(goid), 0, []byte("spoof-all")))
		send(1, []byte{0x31, 0xdd, 0x0b, 0})
		send(2, []byte{0x31, 0xdd, 0x0b, 0, 1, 0, 0})
		send(0, g3Header(777777, 1, []byte("spoof-ch0")))
		send(1, g3Header(777777, 1, []byte("legit")))
		send(2, g3Header(777777, goid, []byte("legit2go")))
	}, "GOT srv from=777777 ch=1 data=legit", map[*enet.Peer]string{good: "777777 must stay connected"})
	expect(t, c.Events(), PeerJoined{ID: 777777})
	expect(t, c.Events(), Packet{From: 777777, ENetChannel: 2, Mode: Reliable, Data: []byte("legit2go")})
	require.NoError(t, good.DisconnectNow(0))

	require.NoError(t, c.Close())
	out, err := p.Wait()
	require.NoError(t, err, out)
	assert.True(t, godottest.HasLine(out, "PASS"), out)
	assert.Equal(t, map[int32]int{cli: 1, goid: 1, 777777: 1}, connectedIDs(t, p),
		"Godot reported only the good ids, once each")
}

// TestGodot3SendBytes: a real Godot 3.2.3 and 3.6.2 client using
// get_tree().multiplayer.send_bytes and the network_peer_packet signal talks
// RAW packets with our server through SendBytes and DecodeRaw.
func TestGodot3SendBytes(t *testing.T) { forGodot3(t, testGodot3SendBytes) }

func testGodot3SendBytes(t *testing.T, g godot3Engine) {
	g.e.Require(t)
	s := newServer(t, Godot3, ServerConfig{Compression: g.comp})
	p := g.e.StartTimeout(t, 20*time.Second, "../testdata/godot3/mp_raw.gd", fmt.Sprintf("port=%d", s.Port()))
	var id int32
	var got []byte
	deadline := time.After(godotWait)
	for got == nil {
		select {
		case ev := <-s.Events():
			switch ev := ev.(type) {
			case PeerJoined:
				id = ev.ID
				require.NoError(t, s.SendBytes(id, []byte("raw from go"), Reliable, 0))
			case Packet:
				assert.Equal(t, id, ev.From)
				payload, ok := DecodeRaw(Godot3, ev.Data)
				require.True(t, ok, "%q", ev.Data)
				got = payload
			}
		case <-deadline:
			require.FailNow(t, "no RAW packet", p.Output())
		}
	}
	assert.Equal(t, "hello raw", string(got))
	out, err := p.Wait()
	require.NoError(t, err, out)
	assert.True(t, godottest.HasLine(out, "PASS"), out)
}

// TestGodot3RefuseAndNoRelay: real Godot 3.2.3 and 3.6.2 clients are refused while
// our server refuses new connections, and without relaying they never hear
// of each other and cannot address each other.
func TestGodot3RefuseAndNoRelay(t *testing.T) { forGodot3(t, testGodot3RefuseAndNoRelay) }

func testGodot3RefuseAndNoRelay(t *testing.T, g godot3Engine) {
	g.e.Require(t)
	s := newServer(t, Godot3, ServerConfig{RefuseNewConnections: true, NoRelay: true, Compression: g.comp})
	a, b, _ := refuseThenAdmit(t, g.e, s, "../testdata/godot3/mp_norelay.gd")
	assert.ElementsMatch(t, []Event{
		PeerJoined{ID: a}, PeerJoined{ID: b},
		Packet{From: a, ENetChannel: 1, Mode: Reliable, Data: []byte("a2srv")},
		PeerLeft{ID: a}, PeerLeft{ID: b},
	}, nextN(t, s.Events(), 5), "the refused client was never reported")
}
