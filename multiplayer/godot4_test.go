package multiplayer

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

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

	var joined, left []int32
	got := map[string]Packet{}
	deadline := time.After(20 * time.Second)
	for len(left) < 3 {
		select {
		case ev := <-s.Events():
			switch ev := ev.(type) {
			case PeerJoined:
				joined = append(joined, ev.ID)
			case PeerLeft:
				left = append(left, ev.ID)
			case Packet:
				payload, ok := DecodeRaw(Godot4, ev.Data)
				require.True(t, ok, "%q", ev.Data)
				ev.Data = payload
				got[string(payload)] = ev
			}
		case <-deadline:
			require.FailNow(t, "Godot clients did not finish", p.Output())
		}
	}
	out, err := p.Wait()
	require.NoError(t, err, out)
	assert.True(t, godottest.HasLine(out, "PASS"), out)
	assert.ElementsMatch(t, []int32{a, b, c}, joined)
	assert.Equal(t, b, left[0], "b leaves first")

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
	t.Logf("Godot signals: %q", sigs)
	assert.True(t, godottest.HasLine(out, "GOT good from=1 data=welcome"), out)
	assert.Contains(t, sigs["good"], "peer_connected 1")
	for _, who := range []string{"good", "bad", "slow", "quick"} {
		assert.Equal(t, "peer_authenticating 1", sigs[who][0], who)
	}
	for _, who := range []string{"bad", "slow", "quick"} {
		assert.Contains(t, sigs[who], "peer_authentication_failed 1", who)
		assert.NotContains(t, sigs[who], "peer_connected 1", who)
	}
	assert.Contains(t, sigs["none"], "peer_connected 1", "without auth_callback Godot admits the server at once")
	assert.Contains(t, sigs["none"], "server_disconnected 1")
}

// TestGodot4RefuseAndNoRelay: a real Godot 4.6.3 client is refused while our
// server refuses new connections, and without relaying two clients never
// hear of each other, cannot address each other, and a RELAY to everyone is
// dropped (Godot's server drops RELAY when server_relay is off).
func TestGodot4RefuseAndNoRelay(t *testing.T) {
	godottest.Godot4.Require(t)
	s := newServer(t, Godot4, ServerConfig{RefuseNewConnections: true, NoRelay: true})
	p := godottest.Godot4.StartTimeout(t, 30*time.Second, "testdata/godot4/mp_norelay.gd", fmt.Sprintf("port=%d", s.Port()))
	_, err := p.WaitLine("REFUSED", godotWait)
	require.NoError(t, err, p.Output())
	require.NoError(t, s.RefuseNewConnections(false))
	line, err := p.WaitLine("IDS ", godotWait)
	require.NoError(t, err, p.Output())
	a, b := field(t, line, "a"), field(t, line, "b")
	out, err := p.Wait()
	require.NoError(t, err, out)
	assert.True(t, godottest.HasLine(out, "PASS"), out)
	assert.Equal(t, []string{"SIG r connected_to_server", "SIG r server_disconnected"}, linesWithPrefix(out, "SIG r "),
		"ENet completes the handshake before our server drops the refused client")
	assert.Equal(t, []string{"SEND TO B err=0"}, linesWithPrefix(out, "SEND TO B"),
		"Godot 4's client relays to any target without checking it")
	assert.Empty(t, linesWithPrefix(out, "GOT "), "nothing relayed")
	var events []Event
	for len(events) < 5 {
		events = append(events, next(t, s.Events()))
	}
	assert.ElementsMatch(t, []Event{
		PeerJoined{ID: a}, PeerJoined{ID: b},
		Packet{From: a, ENetChannel: 0, Mode: Reliable, Data: AppendRaw(nil, Godot4, []byte("a2srv"))},
		PeerLeft{ID: a}, PeerLeft{ID: b},
	}, events, "the refused client was never reported, a2b and a2all (RELAY) were dropped")
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
