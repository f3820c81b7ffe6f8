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

// String lists the calls (for failure messages).
func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.calls, "; ")
}

// echoTypes is the handler of "types": it records the arguments and
// calls "types_back" with them on the caller.
func (r *recorder) echoTypes(c *Call) error {
	r.mu.Lock()
	r.types = append([]Value(nil), c.Args...)
	r.mu.Unlock()
	back := make([]any, len(c.Args))
	for i, a := range c.Args {
		back[i] = a.Any()
	}
	return c.Reply("types_back", back...)
}

// typeValues returns the arguments echoTypes recorded, as Go values.
func (r *recorder) typeValues() []any {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := make([]any, len(r.types))
	for i, v := range r.types {
		got[i] = v.Any()
	}
	return got
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

// chatServer4 is a Go Godot 4 server with rpc4_client.gd's Chat node
// declared (chatMethods).
func chatServer4(t *testing.T) (*multiplayer.Server, *Multiplayer, *recorder) {
	t.Helper()
	srv := newServer(t, multiplayer.Godot4, multiplayer.ServerConfig{})
	m := New(srv, Config{})
	rec := &recorder{}
	_, err := m.AddNode(NodeConfig{Path: "/root/Chat", Methods: chatMethods(rec)})
	require.NoError(t, err)
	return srv, m, rec
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
		{Name: "types", Mode: AnyPeer, Handler: rec.echoTypes},
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
	srv, m, rec := chatServer4(t)
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
		for i, v := range rec.typeValues() {
			t.Logf("types[%d] = %#v", i, v)
		}
		t.Fatalf("godot: %v\n%s", err, out)
	}
	waitFor(t, 2*time.Second, func() bool { return rec.has("say " + idFrom(out) + " done") }, "no final say")

	assert.True(t, rec.has("say "+idFrom(out)+" hi"))
	assert.True(t, rec.has("ping_u 1 unreliable 0"), "%v", rec)
	assert.True(t, rec.has("ping_o 2 unreliable_ordered 0"), "%v", rec)
	assert.True(t, rec.has("ping_c 3 reliable 3"), "%v", rec)
	assert.True(t, rec.has("blob [1 2 3 250] 1"), "%v", rec)
	assert.True(t, rec.has("nothing 0"), "%v", rec)
	assert.False(t, rec.has("heard called by "+idFrom(out)), "refused call ran")

	// The types Godot sent, as Go sees them.
	got := rec.typeValues()
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

// TestGodot4ClientsCallEachOther runs two real Godot 4.6.3 clients that
// call each other's Chat.direct through the Go server's relay (rpc_id to
// the other client and rpc to everyone); the server receives its share of
// the broadcasts.
func TestGodot4ClientsCallEachOther(t *testing.T) {
	godottest.Godot4.Require(t)
	srv, m, rec := chatServer4(t)
	log := &errLog{}
	done := serve(m, srv.Events(), log, nil)

	a := godottest.Godot4.Start(t, "testdata/rpc4_client.gd", portArg(srv), "role=pair")
	b := godottest.Godot4.Start(t, "testdata/rpc4_client.gd", portArg(srv), "role=pair")
	t0 := time.Now()
	outA, errA := a.Wait()
	t.Logf("a done after %v", time.Since(t0))
	outB, errB := b.Wait()
	require.NoError(t, errA, outA)
	require.NoError(t, errB, outB)
	require.True(t, godottest.HasLine(outA, "PASS"), outA)
	require.True(t, godottest.HasLine(outB, "PASS"), outB)
	// Each client's rpc() reached the server too.
	waitFor(t, 2*time.Second, func() bool {
		return rec.has("direct "+idFrom(outA)+" to all") && rec.has("direct "+idFrom(outB)+" to all")
	}, "server missed broadcasts: %v", rec)
	assert.False(t, rec.has("direct "+idFrom(outA)+" to you"), "rpc_id to a client reached the server")
	assert.Empty(t, log.all())
	srv.Close()
	<-done
}

// TestGodot4GoClient runs a Go client against a real Godot 4.6.3 server:
// the client's calls run on the server (full path first, cache id once
// confirmed), the server's calls back run in Go, an authority-only call
// is refused by Godot, and a node whose method list differs is reported
// with ErrChecksum.
func TestGodot4GoClient(t *testing.T) {
	godottest.Godot4.Require(t)
	gs, port := startGodotServer(t, godottest.Godot4, "testdata/rpc4_server.gd")
	// dial connects a Go client with Chat and Bad declared.
	dial := func(rec *recorder) (*multiplayer.Client, *Multiplayer) {
		cli, err := multiplayer.Dial(multiplayer.Godot4, "127.0.0.1", port, multiplayer.ClientConfig{})
		require.NoError(t, err)
		t.Cleanup(func() { cli.Close() })
		m := New(cli, Config{})
		_, err = m.AddNode(NodeConfig{Path: "/root/Chat", Methods: []Method{
			{Name: "say", Mode: AnyPeer},
			{Name: "heard", Handler: func(c *Call) error {
				id, err := c.Arg(0).Int32()
				if err != nil {
					return err
				}
				text, err := c.Arg(1).String()
				rec.add("heard %d %s from %d", id, text, c.From)
				return err
			}},
			{Name: "bytes_back", Handler: func(c *Call) error {
				b, err := c.Arg(0).Bytes()
				rec.add("bytes %v", b)
				return err
			}},
			{Name: "admin"},
			{Name: "moved", Mode: AnyPeer, Transfer: Unreliable},
			{Name: "done", Mode: AnyPeer},
			{Name: "direct", Mode: AnyPeer, Handler: func(c *Call) error {
				text, err := c.Arg(0).String()
				rec.add("direct %s from %d", text, c.From)
				return err
			}},
		}})
		require.NoError(t, err)
		_, err = m.AddNode(NodeConfig{Path: "/root/Bad", Methods: []Method{{Name: "ping", Mode: AnyPeer}, {Name: "pong", Mode: AnyPeer}}})
		require.NoError(t, err)
		return cli, m
	}
	rec := &recorder{}
	cli, m := dial(rec)
	recB := &recorder{}
	cliB, mB := dial(recB)
	logB := &errLog{}
	doneB := serve(mB, cliB.Events(), logB, nil)
	var compact, pathForm int
	var formMu sync.Mutex
	sent := &countingTransport{Transport: cli, inspect: func(data []byte) {
		if data[0]&cmd4Mask != cmd4RemoteCall {
			return
		}
		formMu.Lock()
		defer formMu.Unlock()
		if r, err := parseRPC4(data); err == nil && r.node&pathFlag != 0 {
			pathForm++
		} else {
			compact++
		}
	}}
	m.t = sent
	log := &errLog{}
	done := serve(m, cli.Events(), log, nil)

	me := cli.ID()
	require.NoError(t, m.RPC(1, "/root/Chat", "say", "one"))
	waitFor(t, 5*time.Second, func() bool { return rec.has(fmt.Sprintf("heard %d one from 1", me)) }, "no heard: %v", rec)
	require.NoError(t, m.RPC(1, "Chat", "say", "two"))
	require.NoError(t, m.RPC(1, "Chat", "moved", variant.Vector3{X: 1, Y: 2, Z: 3}))
	require.NoError(t, m.RPC(1, "Chat", "admin", 1)) // Godot refuses: authority-only
	require.NoError(t, m.RPC(1, "Bad", "ping"))
	require.NoError(t, m.RPC(1, "Chat", "say", "three"))
	waitFor(t, 5*time.Second, func() bool { return rec.has(fmt.Sprintf("heard %d three from 1", me)) }, "no heard three: %v", rec)
	// Client to client through the Godot server's relay: one call to B,
	// one to everyone (the server and B).
	waitFor(t, 5*time.Second, func() bool { return slices.Contains(m.Peers(), cliB.ID()) }, "A never heard of B")
	require.NoError(t, m.RPC(cliB.ID(), "Chat", "direct", "a to b"))
	require.NoError(t, m.RPC(0, "Chat", "direct", "a to all"))
	waitFor(t, 5*time.Second, func() bool {
		return recB.has(fmt.Sprintf("direct a to b from %d", me)) && recB.has(fmt.Sprintf("direct a to all from %d", me))
	}, "B got no relayed calls: %v", recB)
	require.NoError(t, m.RPC(1, "Chat", "done"))
	out, err := gs.Wait()
	require.NoError(t, err, out)
	require.True(t, godottest.HasLine(out, "PASS"), out)
	assert.True(t, rec.has("bytes [4 5 6]"), "%v", rec)
	cli.Close()
	<-done
	cliB.Close()
	<-doneB
	assert.Empty(t, logB.all())
	formMu.Lock()
	t.Logf("path-form calls %d, compact %d", pathForm, compact)
	assert.Equal(t, 4, pathForm, "first calls on Chat and Bad to the server, both directs to B (unconfirmed)")
	assert.Equal(t, 6, compact, "say two and three, moved, admin, done, direct to the server")
	formMu.Unlock()
	var mismatch bool
	for _, err := range log.all() {
		var e *Error
		if errors.Is(err, ErrChecksum) && errors.As(err, &e) && e.Path == "Bad" {
			mismatch = true
		} else if !errors.Is(err, ErrChecksum) {
			t.Errorf("unexpected error: %v", err)
		}
	}
	assert.True(t, mismatch, "checksum mismatch of Bad not reported: %v", log.all())
}

// countingTransport shows every packet to inspect before sending it.
type countingTransport struct {
	Transport
	inspect func([]byte)
}

func (c *countingTransport) Send(target int32, data []byte, mode multiplayer.TransferMode, channel int) error {
	c.inspect(data)
	return c.Transport.Send(target, data, mode, channel)
}
