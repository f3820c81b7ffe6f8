package scene

import (
	"errors"
	"fmt"
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

// recorder keeps what the Go handlers saw.
type recorder struct {
	mu    sync.Mutex
	calls []string
	types []Value
}

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	r.calls = append(r.calls, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

func (r *recorder) has(s string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.calls {
		if c == s {
			return true
		}
	}
	return false
}

// chatMethods declares the methods of rpc4_client.gd's Chat node, with
// the Go server's handlers.
func chatMethods(rec *recorder) []Method {
	ping := func(c *Call) error {
		n, err := c.Arg(0).Int()
		if err != nil {
			return err
		}
		rec.add("%s %d %v %d", c.Method, n, c.Transfer, c.Channel)
		if err := c.Reply("ack", c.Method, int(c.Transfer.mode()), c.Channel); err != nil {
			return err
		}
		if c.Method == "ping_c" {
			if err := c.Reply("tick", 1); err != nil {
				return err
			}
			return c.Reply("tick_c", 2)
		}
		return nil
	}
	return []Method{
		{Name: "say", Mode: AnyPeer, Params: []variant.Type{variant.TypeString}, Handler: func(c *Call) error {
			text, err := c.Arg(0).String()
			if err != nil {
				return err
			}
			rec.add("say %d %s", c.From, text)
			return c.Node.RPC(0, "heard", c.From, text)
		}},
		{Name: "heard", Mode: Authority, Handler: func(c *Call) error {
			rec.add("heard called by %d", c.From)
			return nil
		}},
		{Name: "ping_u", Mode: AnyPeer, Transfer: Unreliable, Handler: ping},
		{Name: "ping_o", Mode: AnyPeer, Transfer: UnreliableOrdered, Handler: ping},
		{Name: "ping_c", Mode: AnyPeer, Channel: 3, Handler: ping},
		{Name: "ack"},
		{Name: "tick", Transfer: Unreliable},
		{Name: "tick_c", Channel: 2},
		{Name: "types", Mode: AnyPeer, Handler: func(c *Call) error {
			rec.mu.Lock()
			rec.types = append([]Value(nil), c.Args...)
			rec.mu.Unlock()
			back := make([]any, len(c.Args))
			for i, a := range c.Args {
				back[i] = a.Any()
			}
			return c.Reply("types_back", back...)
		}},
		{Name: "types_back"},
		{Name: "blob", Mode: AnyPeer, Handler: func(c *Call) error {
			b, err := c.Arg(0).Bytes()
			if err != nil {
				return err
			}
			rec.add("blob %v %d", b, len(c.Args))
			return c.Reply("blob_back", []byte{9, 8, 7})
		}},
		{Name: "blob_back"},
		{Name: "nothing", Mode: AnyPeer, Handler: func(c *Call) error {
			rec.add("nothing %d", len(c.Args))
			return c.Reply("nothing_back")
		}},
		{Name: "nothing_back"},
		{Name: "direct", Mode: AnyPeer, Handler: func(c *Call) error {
			text, _ := c.Arg(0).String()
			rec.add("direct %d %s", c.From, text)
			return nil
		}},
	}
}

const testPaths = 40

// TestGodot4ClientCallsGoServer runs a real Godot 4.6.3 client against a
// Go server: rpc_id and rpc in every transfer mode and a custom channel,
// calls back, Variant types with compact ints and bools, the
// PackedByteArray shortcut, 40 node paths through the path cache, and an
// authority-only call the server refuses.
func TestGodot4ClientCallsGoServer(t *testing.T) {
	godottest.Godot4.Require(t)
	srv := newServer(t, multiplayer.Godot4, multiplayer.ServerConfig{})
	m := New(srv, Config{})
	rec := &recorder{}
	_, err := m.AddNode(NodeConfig{Path: "/root/Chat", Methods: chatMethods(rec)})
	require.NoError(t, err)
	var hits sync.Map
	for i := range testPaths {
		_, err := m.AddNode(NodeConfig{Path: fmt.Sprintf("/root/N%d", i), Methods: []Method{
			{Name: "hit", Mode: AnyPeer, Handler: func(c *Call) error {
				n, err := c.Arg(0).Int()
				if err != nil || n != int64(i) {
					return fmt.Errorf("hit %v %v on N%d", n, err, i)
				}
				v, _ := hits.LoadOrStore(i, new(int))
				*v.(*int)++
				return c.Reply("hit_back", n)
			}},
			{Name: "hit_back"},
		}})
		require.NoError(t, err)
	}
	// Count RPCs by node-id form, to see the cache in use.
	var pathForm, compact, simplify int
	var formMu sync.Mutex
	inspect := func(p multiplayer.Packet) {
		formMu.Lock()
		defer formMu.Unlock()
		switch p.Data[0] & cmd4Mask {
		case cmd4SimplifyPath:
			simplify++
		case cmd4RemoteCall:
			if r, err := parseRPC4(p.Data); err == nil && r.node&pathFlag != 0 {
				pathForm++
			} else {
				compact++
			}
		}
	}
	log := &errLog{}
	done := serve(m, srv.Events(), log, inspect)

	proc := godottest.Godot4.Start(t, "testdata/rpc4_client.gd", portArg(srv), "role=main")
	out, err := proc.Wait()
	if err != nil || !godottest.HasLine(out, "PASS") {
		rec.mu.Lock()
		for i, v := range rec.types {
			t.Logf("types[%d] = %#v", i, v.Any())
		}
		rec.mu.Unlock()
		t.Fatalf("godot: %v\n%s", err, out)
	}
	waitFor(t, 2*time.Second, func() bool { return rec.has("say " + idFrom(out) + " done") }, "no final say")

	assert.True(t, rec.has("say "+idFrom(out)+" hi"))
	assert.True(t, rec.has("ping_u 1 unreliable 0"), "%v", rec.calls)
	assert.True(t, rec.has("ping_o 2 unreliable_ordered 0"), "%v", rec.calls)
	assert.True(t, rec.has("ping_c 3 reliable 3"), "%v", rec.calls)
	assert.True(t, rec.has("blob [1 2 3 250] 1"), "%v", rec.calls)
	assert.True(t, rec.has("nothing 0"), "%v", rec.calls)
	assert.False(t, rec.has("heard called by "+idFrom(out)), "refused call ran")

	// The types Godot sent, as Go sees them.
	rec.mu.Lock()
	got := make([]any, len(rec.types))
	for i, v := range rec.types {
		got[i] = v.Any()
	}
	rec.mu.Unlock()
	want := []any{true, false, int64(7), int64(-300), int64(100000), int64(1) << 40, 1.5, "héllo",
		variant.Vector2{X: 1.5, Y: -2}, variant.Vector3{X: 1, Y: 2, Z: 3},
		variant.Color{R: 0.5, G: 0.25, B: 1, A: 1}, []any{int64(1), "two", 3.5}}
	require.GreaterOrEqual(t, len(got), len(want))
	assert.Equal(t, want, got[:len(want)])
	assert.Equal(t, variant.StringName("sname"), got[13])
	assert.Equal(t, []int32{1, 2, 3}, got[15])
	assert.Nil(t, got[16])
	assert.Equal(t, variant.Vector2i{X: 3, Y: -4}, got[17])

	for i := range testPaths {
		v, ok := hits.Load(i)
		require.True(t, ok, "N%d never hit", i)
		assert.Equal(t, 2, *v.(*int), "N%d", i)
	}
	formMu.Lock()
	t.Logf("simplify %d, path-form calls %d, compact calls %d", simplify, pathForm, compact)
	assert.Equal(t, testPaths+1, simplify, "one SIMPLIFY_PATH per node")
	assert.GreaterOrEqual(t, compact, testPaths, "second round uses cache ids")
	formMu.Unlock()
	st := m.Stats()
	assert.EqualValues(t, testPaths+1, st.Simplified)

	// The refused call was reported as ErrNotAllowed.
	var refused bool
	for _, err := range log.all() {
		if errors.Is(err, ErrNotAllowed) {
			refused = true
		} else {
			t.Errorf("unexpected error: %v", err)
		}
	}
	assert.True(t, refused, "authority-only call from a client not refused")
	srv.Close()
	<-done
}

// idFrom returns the id a client script printed as "ID n".
func idFrom(out string) string {
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		var id int
		if _, err := fmt.Sscanf(l, "ID %d", &id); err == nil {
			return fmt.Sprint(id)
		}
	}
	return "?"
}
