package scene

import (
	"errors"
	"fmt"
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
			{Name: "types", Mode: Remote, Handler: func(c *Call) error {
				rec.mu.Lock()
				rec.types = append([]Value(nil), c.Args...)
				rec.mu.Unlock()
				back := make([]any, len(c.Args))
				for i, a := range c.Args {
					back[i] = a.Any()
				}
				return c.Reply("types_back", back...)
			}},
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
	for _, e := range []*godottest.Engine{godottest.Godot3, godottest.Godot36} {
		t.Run(e.Name, func(t *testing.T) {
			e.Require(t)
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
			rec.mu.Lock()
			got := make([]any, len(rec.types))
			for i, v := range rec.types {
				got[i] = v.Any()
			}
			rec.mu.Unlock()
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
}

var _ = fmt.Sprint
