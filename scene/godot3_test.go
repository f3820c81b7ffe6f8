package scene

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/enetgo/enet/internal/godottest"
	"github.com/enetgo/enet/multiplayer"
	"github.com/enetgo/enet/variant"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chat3 declares rpc3_client.gd's Chat node for a Go Godot 3 server.
func chat3(rec *recorder) NodeConfig {
	return NodeConfig{
		Path: "/root/Chat",
		Methods: []Method{
			{Name: "say", Mode: Remote, Handler: func(c *Call) error {
				text, err := c.Arg(0).String()
				if err != nil {
					return err
				}
				rec.add("say %d %s", c.From, text)
				if err := c.Node.RPC(0, "heard", c.From, text); err != nil {
					return err
				}
				if text == "done" {
					if err := c.Node.m.RSet(c.From, "Chat", "level", 9, Reliable); err != nil {
						return err
					}
					return c.Reply("tick", 1)
				}
				return nil
			}},
			{Name: "heard", Mode: Puppet, Handler: func(c *Call) error {
				rec.add("heard called by %d", c.From)
				return nil
			}},
			{Name: "ping_u", Mode: Remote, Handler: func(c *Call) error {
				n, err := c.Arg(0).Int()
				rec.add("ping_u %d %v", n, c.Transfer)
				if err != nil {
					return err
				}
				return c.Reply("ack", c.Method, c.Transfer.String())
			}},
			{Name: "ack", Mode: Puppet},
			{Name: "types", Mode: Remote, Handler: rec.echoTypes},
			{Name: "types_back", Mode: Puppet},
			{Name: "both", Mode: RemoteSync, Handler: func(c *Call) error {
				x, err := c.Arg(0).Int()
				rec.add("both %d %d", c.From, x)
				return err
			}},
			{Name: "tick", Mode: Puppet},
		},
		Properties: []Property{
			{Name: "score", Mode: Remote, Param: variant.TypeInt, Handler: func(c *Call) error {
				v, err := c.Arg(0).Int()
				rec.add("score %d %v", v, c.Transfer)
				return err
			}},
			{Name: "level", Mode: Puppet, Handler: func(c *Call) error {
				rec.add("level set by %d", c.From)
				return nil
			}},
		},
	}
}

// TestGodot3ClientCallsGoServer runs real Godot 3.2.3 and 3.6.2 clients
// against a Go Godot 3 server: rpc, rpc_id, rpc_unreliable(_id),
// rset(_id), rset_unreliable(_id), Variant types, calls and an rset back,
// remotesync, and a puppet method and property the server refuses.
func TestGodot3ClientCallsGoServer(t *testing.T) {
	forGodot3(t, func(t *testing.T, e *godottest.Engine) {
		srv := newServer(t, multiplayer.Godot3, multiplayer.ServerConfig{})
		m := New(srv, Config{})
		rec := &recorder{}
		_, err := m.AddNode(chat3(rec))
		require.NoError(t, err)
		var forms struct {
			sync.Mutex
			path, compact int
		}
		log := &errLog{}
		done := serve(m, srv.Events(), log, func(p multiplayer.Packet) {
			if p.Data[0] > cmd3RemoteSet {
				return
			}
			forms.Lock()
			if c, err := parseCall3(p.Data); err == nil && c.target&pathFlag != 0 {
				forms.path++
			} else {
				forms.compact++
			}
			forms.Unlock()
		})
		out := e.Run(t, "testdata/rpc3_client.gd", portArg(srv))
		id := idFrom(out)
		waitFor(t, 2*time.Second, func() bool { return rec.has("say " + id + " done") }, "no final say: %v", rec)
		for _, want := range []string{
			"say " + id + " hi", "say " + id + " all",
			"ping_u 1 unreliable", "ping_u 2 unreliable",
			"score 5 reliable", "score 6 reliable", "score 7 unreliable", "score 8 unreliable",
			"both " + id + " 42",
		} {
			assert.True(t, rec.has(want), "missing %q in %v", want, rec)
		}
		assert.False(t, rec.has("heard called by "+id))
		assert.False(t, rec.has("level set by "+id))
		got := rec.typeValues()
		require.Len(t, got, 13)
		assert.Equal(t, []any{true, int64(7), int64(-300), int64(1) << 40, 1.5, "héllo",
			variant.Vector2{X: 1.5, Y: -2}, variant.Vector3{X: 1, Y: 2, Z: 3},
			variant.Color{R: 0.5, G: 0.25, B: 1, A: 1}, []any{int64(1), "two"}}, got[:10])
		assert.Equal(t, []int32{1, 2}, got[11])
		assert.Nil(t, got[12])
		forms.Lock()
		t.Logf("path-form %d, compact %d", forms.path, forms.compact)
		assert.Positive(t, forms.path)
		assert.Positive(t, forms.compact)
		forms.Unlock()
		var refused int
		for _, err := range log.all() {
			if errors.Is(err, ErrNotAllowed) {
				refused++
			} else {
				t.Errorf("unexpected error: %v", err)
			}
		}
		assert.Equal(t, 2, refused, "puppet method and property")
		srv.Close()
		<-done
	})
}

// TestGodot3GoClient runs a Go client against real Godot 3.2.3 and 3.6.2
// servers: rpc_id and rset (reliable and unreliable) from Go, heard() and
// an rset back from Godot, and a puppet method and property Godot refuses.
func TestGodot3GoClient(t *testing.T) {
	forGodot3(t, func(t *testing.T, e *godottest.Engine) {
		gs, port := startGodotServer(t, e, "testdata/rpc3_server.gd")
		cli, err := multiplayer.Dial(multiplayer.Godot3, "127.0.0.1", port, multiplayer.ClientConfig{})
		require.NoError(t, err)
		defer cli.Close()
		m := New(cli, Config{})
		rec := &recorder{}
		_, err = m.AddNode(NodeConfig{Path: "/root/Chat",
			Methods: []Method{
				{Name: "say", Mode: Remote},
				{Name: "heard", Mode: Puppet, Handler: func(c *Call) error {
					id, err := c.Arg(0).Int32()
					if err != nil {
						return err
					}
					text, err := c.Arg(1).String()
					rec.add("heard %d %s from %d", id, text, c.From)
					return err
				}},
				{Name: "admin", Mode: Puppet},
				{Name: "done", Mode: Remote},
			},
			Properties: []Property{
				{Name: "score", Mode: Remote},
				{Name: "level", Mode: Puppet, Handler: func(c *Call) error {
					v, err := c.Arg(0).Int()
					rec.add("level %d from %d", v, c.From)
					return err
				}},
			},
		})
		require.NoError(t, err)
		log := &errLog{}
		done := serve(m, cli.Events(), log, nil)
		me := cli.ID()
		require.NoError(t, m.RPC(1, "Chat", "say", "one"))
		waitFor(t, 5*time.Second, func() bool { return rec.has(fmt.Sprintf("heard %d one from 1", me)) }, "no heard: %v", rec)
		require.NoError(t, m.RSet(1, "Chat", "score", 5, Reliable))
		require.NoError(t, m.RSet(1, "Chat", "score", 6, Unreliable))
		require.NoError(t, m.RPC(1, "Chat", "admin", 1))            // puppet: refused by the master
		require.NoError(t, m.RSet(1, "Chat", "level", 3, Reliable)) // likewise
		require.NoError(t, m.RPC(1, "Chat", "say", "two"))
		waitFor(t, 5*time.Second, func() bool { return rec.has("level 9 from 1") }, "no rset back: %v", rec)
		require.NoError(t, m.RPC(1, "Chat", "done"))
		out, err := gs.Wait()
		require.NoError(t, err, out)
		require.True(t, godottest.HasLine(out, "PASS"), out)
		cli.Close()
		<-done
		assert.Empty(t, log.all())
	})
}

// local3Modes are the Godot 3 RPC keywords in local3_client.gd's order.
var local3Modes = []struct {
	name string
	mode Mode
}{{"remote", Remote}, {"remotesync", RemoteSync}, {"master", Master}, {"mastersync", MasterSync}, {"puppet", Puppet}, {"puppetsync", PuppetSync}}

// local3Matrix runs local3_client.gd's calls through a Go Godot 3
// Multiplayer with id self (Own's master) and reports, for each tag,
// whether it ran locally and whether it was sent.
func local3Matrix(t *testing.T) (local, sent map[string]bool) {
	const self = 7
	ft := &fakeTransport{d: multiplayer.Godot3, id: self, peers: []int32{1}}
	m := New(ft, Config{})
	local, sent = map[string]bool{}, map[string]bool{}
	run := func(c *Call) error {
		tag, err := c.Arg(0).String()
		local[tag] = true
		return err
	}
	for _, node := range []struct {
		name string
		auth int32
	}{{"Own", self}, {"Srv", 1}} {
		cfg := NodeConfig{Path: node.name, Authority: node.auth}
		for _, md := range local3Modes {
			cfg.Methods = append(cfg.Methods, Method{Name: "m_" + md.name, Mode: md.mode, Handler: run})
			cfg.Properties = append(cfg.Properties, Property{Name: "p_" + md.name, Mode: md.mode, Handler: run})
		}
		_, err := m.AddNode(cfg)
		require.NoError(t, err)
	}
	for _, node := range []string{"Own", "Srv"} {
		for _, md := range local3Modes {
			for _, c := range []struct {
				to   int32
				kind string
			}{{0, "all"}, {1, "server"}, {self, "self"}} {
				tag := fmt.Sprintf("%s/m_%s/%s", node, md.name, c.kind)
				err := m.RPC(c.to, node, "m_"+md.name, tag)
				if c.to == self && !local[tag] {
					require.ErrorIs(t, err, ErrUnknownPeer, tag)
				} else {
					require.NoError(t, err, tag)
				}
				for _, s := range ft.take() {
					if s.data[0] == cmd3RemoteCall {
						sent[tag] = true
					}
				}
			}
			tag := fmt.Sprintf("%s/p_%s/all", node, md.name)
			require.NoError(t, m.RSet(0, node, "p_"+md.name, tag, Reliable), tag)
			for _, s := range ft.take() {
				if s.data[0] == cmd3RemoteSet {
					sent[tag] = true
				}
			}
		}
	}
	return local, sent
}

// TestGodot3LocalShortcut proves Godot 3's sender rules for rpc and rset
// on real Godot 3.2.3 and 3.6.2 clients, and that a Go Godot 3 peer
// follows them: for each mode, on the node's master and on a puppet, to
// everyone, to the server and to itself, what runs on the caller and what
// reaches the server are the same as Godot's.
func TestGodot3LocalShortcut(t *testing.T) {
	goLocal, goSent := local3Matrix(t)
	// The rules, also when no engine can run: per node, the three sync
	// modes and master (on the master) or puppet (on a puppet) run here,
	// to everyone and to the own id, and for rset; master and mastersync
	// on the master are not sent to everyone.
	assert.Len(t, goLocal, 24)
	assert.Len(t, goSent, 32)
	for _, tag := range []string{"Own/m_master/all", "Own/m_mastersync/all", "Own/p_master/all", "Own/p_mastersync/all"} {
		assert.True(t, goLocal[tag] && !goSent[tag], tag)
	}
	for _, tag := range []string{"Srv/m_puppet/all", "Srv/m_mastersync/all", "Own/m_puppetsync/all"} {
		assert.True(t, goLocal[tag] && goSent[tag], tag)
	}
	assert.False(t, goLocal["Own/m_puppet/all"] || goLocal["Srv/m_master/all"] || goLocal["Own/m_remote/self"])
	forGodot3(t, func(t *testing.T, e *godottest.Engine) {
		srv := newServer(t, multiplayer.Godot3, multiplayer.ServerConfig{})
		m := New(srv, Config{})
		var mu sync.Mutex
		arrived := map[string]bool{}
		finished := make(chan struct{})
		record := func(c *Call) error {
			tag, err := c.Arg(0).String()
			mu.Lock()
			arrived[tag] = true
			mu.Unlock()
			return err
		}
		for _, node := range []string{"Own", "Srv"} {
			cfg := NodeConfig{Path: node}
			for _, md := range local3Modes {
				// The server accepts everything: it records what was sent.
				cfg.Methods = append(cfg.Methods, Method{Name: "m_" + md.name, Mode: Remote, Handler: record})
				cfg.Properties = append(cfg.Properties, Property{Name: "p_" + md.name, Mode: Remote, Handler: record})
			}
			cfg.Methods = append(cfg.Methods, Method{Name: "done", Mode: Remote, Handler: func(*Call) error {
				close(finished)
				return nil
			}})
			_, err := m.AddNode(cfg)
			require.NoError(t, err)
		}
		log := &errLog{}
		done := serve(m, srv.Events(), log, nil)
		out := e.Run(t, "testdata/local3_client.gd", portArg(srv))
		select {
		case <-finished:
		case <-time.After(5 * time.Second):
			t.Fatal("no done() from the client")
		}
		godotLocal := map[string]bool{}
		for _, line := range strings.Split(out, "\n") {
			if tag, ok := strings.CutPrefix(strings.TrimSpace(line), "LOCAL "); ok {
				godotLocal[tag] = true
			}
		}
		mu.Lock()
		t.Logf("%d calls ran on the caller, %d reached the server", len(godotLocal), len(arrived))
		assert.Equal(t, godotLocal, goLocal, "what runs on the caller")
		assert.Equal(t, arrived, goSent, "what reaches the server")
		// Spot checks of the rules themselves.
		assert.True(t, godotLocal["Own/m_master/all"] && !arrived["Own/m_master/all"], "master on the master: local only")
		assert.True(t, godotLocal["Srv/m_puppet/all"] && arrived["Srv/m_puppet/all"], "puppet on a puppet: local and sent")
		assert.True(t, !godotLocal["Own/m_remote/all"] && arrived["Own/m_remote/all"], "remote: sent only")
		mu.Unlock()
		srv.Close()
		<-done
		assert.Empty(t, log.all())
	})
}

// sendLog is a Transport that records the target of every call or set it
// sends.
type sendLog struct {
	Transport
	mu      sync.Mutex
	targets []int32
}

func (s *sendLog) ID() int32 { return s.Transport.(interface{ ID() int32 }).ID() }

func (s *sendLog) Send(to int32, data []byte, mode multiplayer.TransferMode, ch int) error {
	if data[0] == cmd3RemoteCall {
		s.mu.Lock()
		s.targets = append(s.targets, to)
		s.mu.Unlock()
	}
	return s.Transport.Send(to, data, mode, ch)
}

func (s *sendLog) take() []int32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.targets
	s.targets = nil
	return out
}

// TestGodot3GoClientBroadcast runs a Go client on a real Godot 3.2.3 and
// 3.6.2 server with two Godot clients of the same version: the Go
// client's rpc to everyone reaches the server and both clients (through
// the server's relay), first one packet per peer with the path, then,
// once every peer confirmed, as one packet to 0; its rpc to everyone but
// client A reaches the server and B only. The Godot peers see the Go
// client as the sender and answer it, the clients through the relay.
func TestGodot3GoClientBroadcast(t *testing.T) {
	forGodot3(t, func(t *testing.T, e *godottest.Engine) {
		gs, port := startGodotServer(t, e, "testdata/relay3_peer.gd", "role=server")
		var ids [2]int32
		var clients [2]*godottest.Process
		for i := range clients {
			clients[i] = e.Start(t, "testdata/relay3_peer.gd", fmt.Sprintf("port=%d", port), "role=client")
			line, err := clients[i].WaitLine("READY", 20*time.Second)
			require.NoError(t, err, clients[i].Output())
			_, err = fmt.Sscanf(line, "READY %d", &ids[i])
			require.NoError(t, err)
		}
		a, b := ids[0], ids[1]
		cli, err := multiplayer.Dial(multiplayer.Godot3, "127.0.0.1", port, multiplayer.ClientConfig{})
		require.NoError(t, err)
		defer cli.Close()
		tr := &sendLog{Transport: cli}
		m := New(tr, Config{})
		rec := &recorder{}
		_, err = m.AddNode(NodeConfig{Path: "/root/Chat", Methods: []Method{
			{Name: "say", Mode: Remote},
			{Name: "ack", Mode: Remote, Handler: func(c *Call) error {
				text, err := c.Arg(0).String()
				rec.add("ack %s from %d", text, c.From)
				return err
			}},
		}})
		require.NoError(t, err)
		log := &errLog{}
		done := serve(m, cli.Events(), log, nil)
		waitFor(t, 5*time.Second, func() bool { return len(m.Peers()) == 3 }, "the Go client does not know both clients: %v", m.Peers())
		acked := func(text string, from ...int32) {
			t.Helper()
			for _, id := range from {
				waitFor(t, 5*time.Second, func() bool { return rec.has(fmt.Sprintf("ack %s from %d", text, id)) }, "no ack of %s from %d: %v", text, id, rec)
			}
		}

		require.NoError(t, m.RPC(0, "Chat", "say", "all-1"))
		assert.Equal(t, sortedIDs([]int32{1, a, b}), sortedIDs(tr.take()), "unconfirmed: one packet per peer")
		acked("all-1", 1, a, b)
		require.NoError(t, m.RPC(0, "Chat", "say", "all-2"))
		assert.Equal(t, []int32{0}, tr.take(), "confirmed: one packet to everyone")
		acked("all-2", 1, a, b)
		require.NoError(t, m.RPC(-a, "Chat", "say", "not-a"))
		assert.Equal(t, []int32{-a}, tr.take())
		acked("not-a", 1, b)
		require.NoError(t, m.RPC(0, "Chat", "say", "end"))
		me := cli.ID()
		want := func(texts ...string) string {
			var parts []string
			for _, s := range texts {
				parts = append(parts, fmt.Sprintf("%d:%s", me, s))
			}
			return "GOT " + strings.Join(parts, ",")
		}
		for i, p := range []*godottest.Process{gs, clients[0], clients[1]} {
			out, err := p.Wait()
			require.NoError(t, err, out)
			require.True(t, godottest.HasLine(out, "PASS"), out)
			exp := want("all-1", "all-2", "not-a", "end")
			if i == 1 {
				exp = want("all-1", "all-2", "end")
			}
			assert.True(t, godottest.HasLine(out, exp), "want %q in:\n%s", exp, out)
		}
		assert.False(t, rec.has(fmt.Sprintf("ack not-a from %d", a)))
		cli.Close()
		<-done
		assert.Empty(t, log.all())
	})
}

func sortedIDs(ids []int32) []int32 {
	out := append([]int32(nil), ids...)
	slices.Sort(out)
	return out
}
