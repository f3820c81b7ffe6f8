package multiplayer

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/internal/godottest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fields returns the key=value words of a line of Godot output.
func fields(line string) map[string]string {
	m := map[string]string{}
	for _, f := range strings.Fields(line) {
		if k, v, ok := strings.Cut(f, "="); ok {
			m[k] = v
		}
	}
	return m
}

// linesWith returns the output lines that start with prefix, as fields.
func linesWith(p *godottest.Process, prefix string) []map[string]string {
	var out []map[string]string
	for _, l := range p.Lines() {
		if strings.HasPrefix(l, prefix) {
			out = append(out, fields(l))
		}
	}
	return out
}

// cPacket is one packet the bare ENetMultiplayerPeer "c" of
// testdata/godot4/mp_clients.gd printed.
type cPacket struct {
	from, ch, mode string
	data           []byte
}

// godot4EnetChannel is the ENet channel a Godot 4 packet of mode on
// transfer channel ch travels on.
func godot4EnetChannel(mode TransferMode, ch int) int {
	c, _ := Godot4.wireFor(mode, ch)
	return c
}

// TestGodot4ClientsThroughGoServer: two real Godot 4.6.3 clients under
// SceneMultiplayer and one bare ENetMultiplayerPeer join our Godot4 server:
// their ids, the peer_connected / peer_disconnected each side sees (SYS
// ADD_PEER / DEL_PEER), relaying for every target form and transfer mode,
// send_bytes on custom channels, and the channel and mode Godot's peer
// layer reports for what our server sends.
func TestGodot4ClientsThroughGoServer(t *testing.T) {
	godottest.Godot4.Require(t)
	s := newServer(t, Godot4, ServerConfig{})
	p := godottest.Godot4.StartTimeout(t, 30*time.Second, "testdata/godot4/mp_clients.gd", fmt.Sprintf("port=%d", s.Port()))
	line, err := p.WaitLine("IDS ", godotWait)
	require.NoError(t, err, p.Output())
	a, b, c := field(t, line, "a"), field(t, line, "b"), field(t, line, "c")
	assert.ElementsMatch(t, []int32{a, b, c}, s.Peers())
	fullThrottle(t, s, a, b, c)

	// Raw ENet clients with a duplicate id and invalid ones are reset
	// silently: neither our server nor the Godot clients hear of them.
	r := newRawHost(t, false, 4, 0)
	for _, data := range []uint32{0, 1, 0x80000005, uint32(a)} {
		rp, err := r.h.ConnectToHost("127.0.0.1", s.Port(), 255, data)
		require.NoError(t, err)
		require.NoError(t, rp.SetTimeout(4, 100*time.Millisecond, 400*time.Millisecond))
	}
	for resets := 0; resets < 4; {
		ev := r.event(godotWait)
		require.NotEqual(t, enet.EventNone, ev.Type, "the bad ids were not reset")
		if ev.Type == enet.EventDisconnect {
			resets++
		}
	}

	require.NoError(t, s.SendBytes(a, []byte("srv:to-a"), Reliable, 0))
	require.NoError(t, s.SendBytes(-a, []byte("srv:not-a"), Reliable, 0))
	require.NoError(t, s.SendBytes(0, []byte("srv:hello"), Reliable, 0))
	for _, m := range modes {
		for _, ch := range []int{0, 1, 5} {
			require.NoError(t, s.SendBytes(c, fmt.Appendf(nil, "srv2c:%d:%d", m, ch), m, ch))
		}
	}
	time.Sleep(20 * time.Millisecond) // let the unreliable ones go first
	require.NoError(t, s.SendBytes(c, []byte("srv2c:done"), Reliable, 0))

	got := map[string]Packet{}
	joined, left := collectUntilLeft(t, s, p, 3, func(ev Packet) {
		payload, ok := DecodeRaw(Godot4, ev.Data)
		require.True(t, ok, "%q", ev.Data)
		ev.Data = payload
		got[string(payload)] = ev
	})
	out, err := p.Wait()
	require.NoError(t, err, out)
	assert.True(t, godottest.HasLine(out, "PASS"), out)
	assert.ElementsMatch(t, []int32{a, b, c}, joined)
	assert.Equal(t, b, left[0], "b leaves first")
	seen := map[string][]string{}
	for _, l := range linesWithPrefix(out, "SEEN ") {
		f := strings.Fields(l)
		seen[f[1]] = append(seen[f[1]], strings.TrimPrefix(f[2], "id="))
	}
	assert.ElementsMatch(t, []string{"1", fmt.Sprint(b), fmt.Sprint(c)}, seen["a"], "a's peer_connected")
	assert.ElementsMatch(t, []string{"1", fmt.Sprint(a), fmt.Sprint(c)}, seen["b"], "b's peer_connected")

	// What the server got: a's packets for 0, -b and 1 (a relay for 0 or
	// -N with N != 1 is processed by the server too), c's direct packets.
	want := map[string]Packet{
		"a2srv:ch3": {From: a, Channel: 3, ENetChannel: 4, Mode: Reliable},
	}
	for _, m := range modes {
		for _, name := range []string{"a2all", "a2notb", "a2srv"} {
			want[fmt.Sprintf("%s:%d", name, m)] = Packet{From: a, ENetChannel: godot4EnetChannel(m, 0), Mode: m}
		}
		for _, ch := range []int{0, 1, 4} {
			want[fmt.Sprintf("c2srv:%d:ch%d", m, ch)] = Packet{From: c, Channel: ch, ENetChannel: godot4EnetChannel(m, ch), Mode: m}
		}
	}
	for k, w := range want {
		g, ok := got[k]
		if assert.True(t, ok, "server did not get %q", k) {
			g.Data = nil
			assert.Equal(t, w, g, k)
		}
	}
	assert.Len(t, got, len(want), "nothing else: %v", got)

	// What a and b got through SceneMultiplayer.
	gotBy := map[string]map[string]string{"a": {}, "b": {}}
	for _, l := range p.Lines() {
		if rest, ok := strings.CutPrefix(l, "GOT "); ok {
			who, _, _ := strings.Cut(rest, " ")
			f := fields(rest)
			gotBy[who][f["data"]] = f["from"]
		}
	}
	id := func(v int32) string { return fmt.Sprint(v) }
	wantA := map[string]string{"srv:hello": "1", "srv:to-a": "1"}
	wantB := map[string]string{"srv:hello": "1", "srv:not-a": "1", "a2b:ch3": id(a)}
	for _, m := range modes {
		wantA[fmt.Sprintf("b2a:%d", m)] = id(b)
		wantB[fmt.Sprintf("a2b:%d", m)] = id(a)
		wantB[fmt.Sprintf("a2all:%d", m)] = id(a)
	}
	assert.Equal(t, wantA, gotBy["a"])
	assert.Equal(t, wantB, gotBy["b"])

	// What c saw on the wire.
	var cgot []cPacket
	for _, f := range linesWith(p, "CPKT ") {
		data, err := hex.DecodeString(f["hex"])
		require.NoError(t, err)
		cgot = append(cgot, cPacket{f["from"], f["ch"], f["mode"], data})
	}
	sys := func(cmd byte, peer int32, inner string) string {
		if inner == "" {
			return string(g4Sys(cmd, peer, nil))
		}
		return string(g4Sys(cmd, peer, AppendRaw(nil, Godot4, []byte(inner))))
	}
	seenC := map[string]cPacket{}
	for _, g := range cgot {
		assert.Equal(t, "1", g.from, "a client's packets all come from the server")
		seenC[string(g.data)] = g
	}
	for _, w := range []string{sys(g4SysAdd, a, ""), sys(g4SysAdd, b, ""), sys(g4SysDel, b, "")} {
		g, ok := seenC[w]
		if assert.True(t, ok, "c did not get %x", w) {
			assert.Equal(t, cPacket{"1", "0", "2", []byte(w)}, g, "SYS on ENet channel 0, reliable")
		}
	}
	for _, m := range modes {
		for _, name := range []string{"a2all", "a2notb"} {
			w := sys(g4SysRelay, a, fmt.Sprintf("%s:%d", name, m))
			g, ok := seenC[w]
			if assert.True(t, ok, "c did not get the relay %q", w) {
				assert.Equal(t, fmt.Sprint(int(m)), g.mode, w)
				assert.Equal(t, "0", g.ch, w)
			}
		}
		for _, ch := range []int{0, 1, 5} {
			w := string(AppendRaw(nil, Godot4, fmt.Appendf(nil, "srv2c:%d:%d", m, ch)))
			g, ok := seenC[w]
			if assert.True(t, ok, "c did not get %q", w) {
				assert.Equal(t, cPacket{"1", fmt.Sprint(ch), fmt.Sprint(int(m)), []byte(w)}, g)
			}
		}
	}
	for w := range seenC {
		assert.NotContains(t, w, "a2b", "c must not get a's packets for b")
		assert.NotContains(t, w, "b2a")
		assert.NotContains(t, w, "srv:to-a")
	}
}

// authCall is one call of an AuthFunc.
type authCall struct {
	peer int32
	data string
}

// TestGodot4AuthClientsOnGoServer: real Godot 4.6.3 clients with
// SceneMultiplayer.auth_callback (send_auth, complete_auth, auth_timeout)
// authenticate with our server's ServerConfig.Auth: one is admitted and
// talks, one is refused, one times out on our side, one on Godot's side,
// and one without an auth_callback is dropped by our timeout.
func TestGodot4AuthClientsOnGoServer(t *testing.T) {
	godottest.Godot4.Require(t)
	errBad := errors.New("bad password")
	var mu sync.Mutex
	var calls []authCall
	auth := func(peer int32, data []byte) ([]byte, bool, error) {
		mu.Lock()
		calls = append(calls, authCall{peer, string(data)})
		mu.Unlock()
		switch {
		case data == nil:
			return []byte("challenge"), false, nil
		case string(data) == "pw:good":
			return nil, true, nil
		case string(data) == "pw:bad":
			return nil, false, errBad
		}
		return nil, false, nil // never complete
	}
	s := newServer(t, Godot4, ServerConfig{Auth: auth, AuthTimeout: 1500 * time.Millisecond})
	p := godottest.Godot4.StartTimeout(t, 30*time.Second, "testdata/godot4/mp_auth_clients.gd", fmt.Sprintf("port=%d", s.Port()))
	_, err := p.WaitLine("ID none", godotWait)
	require.NoError(t, err, p.Output())
	ids := map[string]int32{}
	names := map[int32]string{}
	for _, l := range p.Lines() {
		if rest, ok := strings.CutPrefix(l, "ID "); ok {
			who, _, _ := strings.Cut(rest, " ")
			ids[who] = field(t, l, "id")
			names[ids[who]] = who
		}
	}
	require.Len(t, ids, 5)

	var events []string
	deadline := time.After(15 * time.Second)
	for len(events) < 6 {
		select {
		case ev := <-s.Events():
			switch ev := ev.(type) {
			case PeerJoined:
				events = append(events, "joined "+names[ev.ID])
				require.NoError(t, s.SendBytes(ev.ID, []byte("welcome"), Reliable, 0))
			case AuthFailed:
				events = append(events, "authfailed "+names[ev.ID])
			case PeerLeft:
				events = append(events, "left "+names[ev.ID])
			case Packet:
				payload, ok := DecodeRaw(Godot4, ev.Data)
				require.True(t, ok, "%q", ev.Data)
				events = append(events, fmt.Sprintf("packet %s %s", names[ev.From], payload))
			}
		case <-deadline:
			require.FailNow(t, "server events missing", "%q\n%s", events, p.Output())
		}
	}
	out, err := p.Wait()
	require.NoError(t, err, out)
	assert.True(t, godottest.HasLine(out, "PASS"), out)
	assert.ElementsMatch(t, []string{"joined good", "packet good hi from good",
		"authfailed bad", "authfailed slow", "authfailed quick", "authfailed none"}, events, out)

	mu.Lock()
	got := map[string][]string{}
	for _, c := range calls {
		got[names[c.peer]] = append(got[names[c.peer]], c.data)
	}
	mu.Unlock()
	assert.Equal(t, map[string][]string{
		"good": {"", "pw:good"}, "bad": {"", "pw:bad"}, "slow": {"", "pw:slow"},
		"quick": {"", "pw:stall"}, "none": {""},
	}, got, "AuthFunc calls: nil at the start, then each client's answer")

	// What each Godot client saw.
	sigs := map[string][]string{}
	for _, l := range p.Lines() {
		if rest, ok := strings.CutPrefix(l, "SIG "); ok {
			f := strings.Fields(rest)
			sigs[f[0]] = append(sigs[f[0]], f[1]+" "+f[2])
		}
		if rest, ok := strings.CutPrefix(l, "AUTH "); ok {
			f := fields(rest)
			assert.Equal(t, "1", f["from"], l)
			assert.Equal(t, "challenge", f["data"], l)
		}
	}
	assert.True(t, godottest.HasLine(out, "GOT good from=1 data=welcome"), out)
	failed := []string{"peer_authenticating 1", "peer_authentication_failed 1", "server_disconnected 1"}
	assert.Equal(t, map[string][]string{
		"good":  {"peer_authenticating 1", "connected_to_server 1", "peer_connected 1"},
		"bad":   failed,
		"slow":  failed,
		"quick": failed,
		// Without auth_callback Godot admits the server at once.
		"none": {"connected_to_server 1", "peer_connected 1", "peer_disconnected 1", "server_disconnected 1"},
	}, sigs, "the signals each Godot client saw, in order")
}

// TestGodot4RefuseAndNoRelay: a real Godot 4.6.3 client is refused while our
// server refuses new connections, and without relaying two clients never
// hear of each other, cannot address each other, and a RELAY to everyone is
// dropped (Godot's server drops RELAY when server_relay is off).
func TestGodot4RefuseAndNoRelay(t *testing.T) {
	godottest.Godot4.Require(t)
	s := newServer(t, Godot4, ServerConfig{RefuseNewConnections: true, NoRelay: true})
	a, b, out := refuseThenAdmit(t, godottest.Godot4, s, "testdata/godot4/mp_norelay.gd")
	assert.Equal(t, []string{"SIG r connected_to_server", "SIG r server_disconnected"}, linesWithPrefix(out, "SIG r "),
		"ENet completes the handshake before our server drops the refused client")
	assert.Equal(t, []string{"SEND TO B err=0"}, linesWithPrefix(out, "SEND TO B"),
		"Godot 4's client relays to any target without checking it")
	assert.Empty(t, linesWithPrefix(out, "GOT "), "nothing relayed")
	assert.ElementsMatch(t, []Event{
		PeerJoined{ID: a}, PeerJoined{ID: b},
		Packet{From: a, ENetChannel: 0, Mode: Reliable, Data: AppendRaw(nil, Godot4, []byte("a2srv"))},
		PeerLeft{ID: a}, PeerLeft{ID: b},
	}, nextN(t, s.Events(), 5), "the refused client was never reported, a2b and a2all (RELAY) were dropped")
}

// linesWithPrefix returns the lines of out that start with prefix.
func linesWithPrefix(out, prefix string) []string {
	var ls []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			ls = append(ls, l)
		}
	}
	return ls
}

// gotLines returns, per receiver ("srv", "cli", ...), the data of every
// "GOT <who> from=<id> data=<text>" line mapped to its source.
func gotLines(p *godottest.Process) map[string]map[string]string {
	got := map[string]map[string]string{}
	for _, l := range p.Lines() {
		if rest, ok := strings.CutPrefix(l, "GOT "); ok {
			who, _, _ := strings.Cut(rest, " ")
			f := fields(rest)
			if got[who] == nil {
				got[who] = map[string]string{}
			}
			got[who][f["data"]] = f["from"]
		}
	}
	return got
}

// TestGoClientWithGodot4Server: our Godot4 client joins a real Godot 4.6.3
// server (ENetMultiplayerPeer + SceneMultiplayer) next to a Godot client,
// hears of it through ADD_PEER / DEL_PEER, exchanges send_bytes packets with
// both for every mode, custom channel and target form through Godot's
// relay, and raw ENet clients check the Godot server's rules: bad and
// duplicate ids are reset, SYS from clients and RELAY to unknown peers or
// to the server are dropped.
func TestGoClientWithGodot4Server(t *testing.T) {
	godottest.Godot4.Require(t)
	port := godottest.FreePorts(t, 1)[0]
	goid := RandomID()
	p := godottest.Godot4.StartTimeout(t, 40*time.Second, "testdata/godot4/mp_server.gd",
		fmt.Sprintf("port=%d", port), fmt.Sprintf("goid=%d", goid))
	_, err := p.WaitLine("LISTENING", godotWait)
	require.NoError(t, err, p.Output())
	line, err := p.WaitLine("CLIENT id=", godotWait)
	require.NoError(t, err, p.Output())
	cli := field(t, line, "id")

	c := dial(t, Godot4, port, ClientConfig{ID: goid})
	raw := func(s string) []byte { return AppendRaw(nil, Godot4, []byte(s)) }
	want := map[string]Packet{
		"srv2go:ch2": {From: 1, Channel: 2, ENetChannel: 3, Mode: Reliable},
		"cli2go:ch2": {From: cli, Channel: 2, ENetChannel: 3, Mode: Reliable},
		"srv2notcli": {From: 1, ENetChannel: 0, Mode: Reliable},
	}
	for _, m := range modes {
		ch := godot4EnetChannel(m, 0)
		want[fmt.Sprintf("srv2go:%d", m)] = Packet{From: 1, ENetChannel: ch, Mode: m}
		want[fmt.Sprintf("cli2go:%d", m)] = Packet{From: cli, ENetChannel: ch, Mode: m}
	}
	got := map[string]Packet{}
	joined, sent := false, false
	timeout := time.After(godotWait)
	for !sent || len(got) < len(want) {
		if joined && !sent {
			for _, m := range modes {
				require.NoError(t, c.SendBytes(1, fmt.Appendf(nil, "go2srv:%d", m), m, 0))
				require.NoError(t, c.SendBytes(cli, fmt.Appendf(nil, "go2cli:%d", m), m, 0))
				require.NoError(t, c.SendBytes(0, fmt.Appendf(nil, "go2all:%d", m), m, 0))
				require.NoError(t, c.SendBytes(-cli, fmt.Appendf(nil, "go2notcli:%d", m), m, 0))
				require.NoError(t, c.SendBytes(-1, fmt.Appendf(nil, "go2notsrv:%d", m), m, 0))
			}
			require.NoError(t, c.SendBytes(1, []byte("go2srv:ch2"), Reliable, 2))
			require.NoError(t, c.SendBytes(cli, []byte("go2cli:ch2"), Reliable, 2))
			sent = true
		}
		var ev Event
		select {
		case ev = <-c.Events():
		case <-timeout:
			require.FailNow(t, "packets missing", "got %v\n%s", got, p.Output())
		}
		if ev == (PeerJoined{ID: cli}) {
			joined = true
		}
		if pk, ok := ev.(Packet); ok {
			payload, ok := DecodeRaw(Godot4, pk.Data)
			require.True(t, ok, "%q", pk.Data)
			pk.Data = nil
			got[string(payload)] = pk
		}
	}
	assert.Equal(t, want, got)
	time.Sleep(100 * time.Millisecond) // let the unreliable packets arrive first
	require.NoError(t, c.SendBytes(cli, []byte("leave"), Reliable, 0))
	expect(t, c.Events(), PeerLeft{ID: cli})

	// Raw clients: three bad ids, 777777 who breaks the packet rules, and
	// 0x80000005, which Godot 4.6.3 (unlike Godot 3) admits and reports as
	// the negative id -2147483643.
	r := newRawHost(t, false, 6, 0)
	bad := []uint32{0, 1, uint32(goid)}
	odd := r.dialShortTimeout(port, 0x80000005)
	for _, data := range bad {
		r.dialShortTimeout(port, data)
	}
	good, err := r.h.ConnectToHost("127.0.0.1", port, 3, 777777)
	require.NoError(t, err)
	r.checkResets(p, len(bad), good, func() {
		send := func(data []byte) { require.NoError(t, good.Send(0, data, enet.FlagReliable)) }
		send(g4Sys(g4SysAdd, 424242, nil))
		send(g4Sys(g4SysDel, goid, nil))
		send(g4Sys(g4SysRelay, 999, raw("spoof-unknown")))
		send(g4Sys(g4SysRelay, 1, raw("spoof-relay1")))
		send(g4Sys(g4SysAuth, 0, nil))
		send([]byte{g4CmdRaw})
		send(raw("legit"))
		send(g4Sys(g4SysRelay, goid, raw("legit2go")))
	}, "GOT srv from=777777 data=legit", map[*enet.Peer]string{
		good: "777777 must stay connected",
		odd:  "0x80000005 must stay connected",
	})
	const negID = -2147483643
	expectAll(t, c.Events(), PeerJoined{ID: 777777}, PeerJoined{ID: negID},
		Packet{From: 777777, ENetChannel: 0, Mode: Reliable, Data: raw("legit2go")})
	assert.Equal(t, []int32{negID, 1, 777777}, c.Peers(), "the DEL_PEER a client sent did not reach us")
	require.NoError(t, good.DisconnectNow(0))
	require.NoError(t, odd.DisconnectNow(0))
	expectAll(t, c.Events(), PeerLeft{ID: 777777}, PeerLeft{ID: negID})

	require.NoError(t, c.Close())
	out, err := p.Wait()
	require.NoError(t, err, out)
	assert.True(t, godottest.HasLine(out, "PASS"), out)
	assert.Equal(t, map[int32]int{cli: 1, goid: 1, 777777: 1, negID: 1}, connectedIDs(t, p),
		"Godot reported only the good ids (and 0x80000005 as negative), once each")

	// What Godot's server and client got from us. SceneMultiplayer's server
	// processes a relayed packet for target 0 and for -N with N != 1 itself.
	id := fmt.Sprint(goid)
	wantSrv := map[string]string{"go2srv:ch2": id, "legit": "777777"}
	wantCli := map[string]string{"go2cli:ch2": id, "leave": id}
	for _, m := range modes {
		wantSrv[fmt.Sprintf("go2srv:%d", m)] = id
		wantSrv[fmt.Sprintf("go2all:%d", m)] = id
		wantSrv[fmt.Sprintf("go2notcli:%d", m)] = id
		wantCli[fmt.Sprintf("go2cli:%d", m)] = id
		wantCli[fmt.Sprintf("go2all:%d", m)] = id
		wantCli[fmt.Sprintf("go2notsrv:%d", m)] = id
	}
	gl := gotLines(p)
	assert.Equal(t, wantSrv, gl["srv"], "Godot's server")
	assert.Equal(t, wantCli, gl["cli"], "Godot's client")
}

// expectAll reads events until each of want was seen (in any order),
// skipping others, or fails after waitTime.
func expectAll(t *testing.T, ch <-chan Event, want ...Event) {
	t.Helper()
	deadline := time.After(waitTime)
	var seen []Event
	missing := append([]Event(nil), want...)
	for len(missing) > 0 {
		select {
		case ev, ok := <-ch:
			require.True(t, ok, "events channel closed; missing %#v, saw %#v", missing, seen)
			seen = append(seen, ev)
			for i, w := range missing {
				if equalEvent(ev, w) {
					missing = append(missing[:i], missing[i+1:]...)
					break
				}
			}
		case <-deadline:
			require.FailNow(t, "events not seen", "missing %#v, saw %#v", missing, seen)
		}
	}
}

// TestGoClientsWithGodot4AuthServer: our Godot4 clients on a real Godot
// 4.6.3 server that refuses new connections at first and then
// authenticates with SceneMultiplayer.auth_callback: the refused client is
// never reported; with ClientConfig.Auth one client is admitted, one
// refused (disconnect_peer), one dropped by Godot's auth_timeout, one gives
// up on its own AuthTimeout; a client without Auth is dropped by Godot's
// timeout.
func TestGoClientsWithGodot4AuthServer(t *testing.T) {
	godottest.Godot4.Require(t)
	port := godottest.FreePorts(t, 1)[0]
	p := godottest.Godot4.StartTimeout(t, 30*time.Second, "testdata/godot4/mp_auth_server.gd",
		fmt.Sprintf("port=%d", port), "refuse_ms=1500")
	_, err := p.WaitLine("LISTENING", godotWait)
	require.NoError(t, err, p.Output())

	// Refused: ENet's handshake completes, then Godot resets the peer
	// silently, so Dial succeeds and the connection times out.
	refused, err := Dial(Godot4, "127.0.0.1", port, ClientConfig{})
	require.NoError(t, err)
	t.Cleanup(func() { refused.Close() })
	require.NoError(t, refused.Server().SetTimeout(4, 100*time.Millisecond, 500*time.Millisecond))
	assert.Equal(t, PeerJoined{ID: 1}, next(t, refused.Events()))
	assert.Equal(t, PeerLeft{ID: 1}, next(t, refused.Events()), "the refused connection ends")

	_, err = p.WaitLine("ACCEPTING", godotWait)
	require.NoError(t, err, p.Output())
	answer := func(pw string, complete bool) AuthFunc {
		return func(peer int32, data []byte) ([]byte, bool, error) {
			assert.Equal(t, int32(1), peer)
			if data == nil {
				return []byte(pw), false, nil
			}
			assert.Equal(t, "welcome", string(data))
			return nil, complete, nil
		}
	}
	dialAuth := func(cfg ClientConfig) *Client {
		c, err := Dial(Godot4, "127.0.0.1", port, cfg)
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		return c
	}
	good := dialAuth(ClientConfig{Auth: answer("pw:good", true)})
	bad := dialAuth(ClientConfig{Auth: answer("pw:bad", true)})
	slow := dialAuth(ClientConfig{Auth: answer("pw:slow", true), AuthTimeout: 5 * time.Second})
	impatient := dialAuth(ClientConfig{Auth: answer("pw:stall", true), AuthTimeout: 300 * time.Millisecond})
	none := dialAuth(ClientConfig{})
	assert.Equal(t, PeerJoined{ID: 1}, next(t, none.Events()), "without Auth the server is admitted at once")
	require.NoError(t, none.SendBytes(1, []byte("early"), Reliable, 0))

	assert.Equal(t, PeerJoined{ID: 1}, next(t, good.Events()), "admitted after both completed")
	expect(t, good.Events(), Packet{From: 1, Mode: Reliable, Data: AppendRaw(nil, Godot4, []byte("hello authed"))})
	require.NoError(t, good.SendBytes(1, []byte("hi"), Reliable, 0))
	for _, c := range []*Client{bad, slow, impatient} {
		assert.Equal(t, AuthFailed{ID: 1}, next(t, c.Events()), "client %d", c.ID())
	}
	assert.Equal(t, PeerLeft{ID: 1}, next(t, none.Events()), "Godot's auth_timeout drops a client that never authenticates")

	_, err = p.WaitLine("GOT from="+fmt.Sprint(good.ID())+" data=hi", godotWait)
	require.NoError(t, err, p.Output())
	require.NoError(t, good.SendBytes(1, []byte("quit"), Reliable, 0))
	out, err := p.Wait()
	require.NoError(t, err, out)
	assert.True(t, godottest.HasLine(out, "PASS"), out)

	id := func(c *Client) string { return fmt.Sprint(c.ID()) }
	for _, c := range []*Client{good, bad, slow, impatient, none} {
		assert.True(t, godottest.HasLine(out, "AUTHENTICATING id="+id(c)), "client %d\n%s", c.ID(), out)
	}
	assert.NotContains(t, out, "id="+id(refused), "the refused client was never reported")
	assert.Equal(t, []string{"CONNECTED id=" + id(good)}, linesWithPrefix(out, "CONNECTED"))
	assert.ElementsMatch(t, []string{"AUTH from=" + id(good) + " data=pw:good", "AUTH from=" + id(bad) + " data=pw:bad",
		"AUTH from=" + id(slow) + " data=pw:slow", "AUTH from=" + id(impatient) + " data=pw:stall"}, linesWithPrefix(out, "AUTH from"))
	assert.ElementsMatch(t, []string{"AUTHFAILED id=" + id(slow), "AUTHFAILED id=" + id(impatient), "AUTHFAILED id=" + id(none)},
		linesWithPrefix(out, "AUTHFAILED"), "Godot's timeout (slow, none) and the client leaving (impatient); disconnect_peer reports nothing")
	assert.Equal(t, []string{"GOT from=" + id(good) + " data=hi", "GOT from=" + id(good) + " data=quit"}, linesWithPrefix(out, "GOT"),
		"the packet a client sent before authenticating was dropped")
}
