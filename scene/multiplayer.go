package scene

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/enetgo/enet/multiplayer"
	"github.com/enetgo/enet/variant"
)

// Transport is what a Multiplayer sends through: a *multiplayer.Server or
// a *multiplayer.Client.
type Transport interface {
	// Dialect is the Godot version spoken.
	Dialect() multiplayer.Dialect
	// Peers lists the connected peers (for a client: 1 and the other
	// clients the server announced).
	Peers() []int32
	// Send sends a packet to target (0 all, N one, -N all but N).
	Send(target int32, data []byte, mode multiplayer.TransferMode, channel int) error
}

// DefaultMaxCachedPaths is the default bound on the paths one peer may
// simplify (Config.MaxCachedPaths).
const DefaultMaxCachedPaths = 1024

// maxStoredPath bounds the Godot 3 paths kept for nodes this side does not
// declare (kept only for error messages).
const maxStoredPath = 256

// Config configures a Multiplayer. The zero value suits Godot 4.3 and
// later, and every Godot 3.
type Config struct {
	// MaxCachedPaths bounds how many path cache ids one peer may create
	// on this side (each SIMPLIFY_PATH it sends adds one); beyond it
	// SIMPLIFY_PATH is refused with ErrCacheFull. 0 means
	// DefaultMaxCachedPaths. Godot has no such bound.
	MaxCachedPaths int
	// Confirm is the CONFIRM_PATH layout of the Godot 4 peers: Confirm43
	// (the default; Godot 4.3+) or Confirm40 (Godot 4.0-4.2). The two
	// cannot confirm each other's paths.
	Confirm ConfirmForm
	// Replication, if set, receives the Godot 4 SPAWN, DESPAWN, SYNC and
	// DELTA messages peers send (see Spawn, Despawn, Sync).
	Replication func(Replication)
}

// Multiplayer plays Godot's high-level multiplayer (Godot 4
// SceneMultiplayer, Godot 3 MultiplayerAPI) for the nodes declared with
// AddNode: it answers and sends RPCs, runs the node-path cache in both
// directions and decodes replication messages.
//
// Feed it every event of the transport with Handle. Methods are safe for
// concurrent use; handlers run in the goroutine that called Handle (or RPC,
// for local calls), without locks held, so they may call RPC.
type Multiplayer struct {
	t    Transport
	d    multiplayer.Dialect
	self int32
	cfg  Config

	mu     sync.Mutex
	nodes  map[string]*Node // by path relative to /root
	peers  map[int32]*peerState
	nextID uint32           // next path cache id to assign (from 1)
	sendID map[*Node]uint32 // cache ids this side assigned
	byID   map[uint32]*Node // and back

	calls, dropped, simplified, confirmed atomic.Uint64
}

// peerState is what a Multiplayer keeps per connected peer.
type peerState struct {
	sent map[*Node]bool      // SIMPLIFY_PATH sent to the peer: confirmed?
	recv map[uint32]recvNode // the peer's cache ids
}

type recvNode struct {
	node *Node
	path string // Godot 3: a path this side does not declare (capped)
}

// New returns a Multiplayer over t. The own id is t's ID method's if it
// has one (a *multiplayer.Client), else 1 (a server).
func New(t Transport, cfg Config) *Multiplayer {
	m := &Multiplayer{
		t: t, d: t.Dialect(), self: 1, cfg: cfg,
		nodes: map[string]*Node{}, peers: map[int32]*peerState{},
		nextID: 1, sendID: map[*Node]uint32{}, byID: map[uint32]*Node{},
	}
	if m.cfg.MaxCachedPaths <= 0 {
		m.cfg.MaxCachedPaths = DefaultMaxCachedPaths
	}
	if c, ok := t.(interface{ ID() int32 }); ok {
		m.self = c.ID()
	}
	for _, id := range t.Peers() {
		m.peers[id] = newPeerState()
	}
	return m
}

func newPeerState() *peerState {
	return &peerState{sent: map[*Node]bool{}, recv: map[uint32]recvNode{}}
}

// ID returns the own peer id.
func (m *Multiplayer) ID() int32 { return m.self }

// AddNode declares a node this side plays. Its methods get Godot 4's ids
// and checksum; declaring a second node at the same path fails.
func (m *Multiplayer) AddNode(cfg NodeConfig) (*Node, error) {
	n, err := newNode(m, cfg)
	if err != nil {
		return nil, &Error{Op: "add node", Path: cfg.Path, Err: err}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.nodes[n.path] != nil {
		return nil, &Error{Op: "add node", Path: cfg.Path, Err: errf(ErrUnsupported, "node declared twice")}
	}
	m.nodes[n.path] = n
	return n, nil
}

// Node returns the declared node at path (absolute or relative to /root).
func (m *Multiplayer) Node(path string) *Node {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.nodes[relPath(path)]
}

// Stats counts what a Multiplayer did.
type Stats struct {
	// Calls is the number of received calls dispatched to handlers.
	Calls uint64
	// Dropped is the number of received packets dropped or calls refused.
	Dropped uint64
	// Simplified and Confirmed count SIMPLIFY_PATH and CONFIRM_PATH
	// messages accepted from peers.
	Simplified, Confirmed uint64
}

// Stats returns the counters.
func (m *Multiplayer) Stats() Stats {
	return Stats{Calls: m.calls.Load(), Dropped: m.dropped.Load(), Simplified: m.simplified.Load(), Confirmed: m.confirmed.Load()}
}

// Handle processes one event of the transport: peer joins and leaves
// update the per-peer state, and scene packets (RPCs, path cache,
// replication) are decoded and dispatched. Packets of other commands (RAW,
// SYS) and other events are left to the caller and return nil.
//
// A packet dropped or a call refused returns an *Error wrapping the
// reason (ErrTruncated, ErrUnknownPathID, ErrNotAllowed, ...), and so does
// a handler's error; nothing else happens, as in Godot, which prints the
// error and drops the packet.
func (m *Multiplayer) Handle(ev multiplayer.Event) error {
	switch e := ev.(type) {
	case multiplayer.PeerJoined:
		m.mu.Lock()
		if m.peers[e.ID] == nil {
			m.peers[e.ID] = newPeerState()
		}
		m.mu.Unlock()
	case multiplayer.PeerLeft:
		m.mu.Lock()
		delete(m.peers, e.ID) // its caches and confirmations go with it
		m.mu.Unlock()
	case multiplayer.Packet:
		return m.HandlePacket(e.From, e.Data, transferOf(e.Mode), e.Channel)
	}
	return nil
}

// HandlePacket processes one received packet as Handle does for a
// multiplayer.Packet.
func (m *Multiplayer) HandlePacket(from int32, data []byte, tr Transfer, channel int) error {
	if len(data) == 0 {
		return nil
	}
	var err error
	if m.d == multiplayer.Godot4 {
		err = m.handle4(from, data, tr, channel)
	} else {
		err = m.handle3(from, data, tr, channel)
	}
	if err != nil {
		m.dropped.Add(1)
	}
	return err
}

// cacheIDLocked returns n's path cache id, assigning the next one on first
// use (make_object_cache).
func (m *Multiplayer) cacheIDLocked(n *Node) uint32 {
	id, ok := m.sendID[n]
	if !ok {
		id = m.nextID
		m.nextID++
		m.sendID[n] = id
		m.byID[id] = n
	}
	return id
}

// dispatch runs a call's handler, counting it.
func (m *Multiplayer) dispatch(c *Call, mt *Method) error {
	if mt.Handler == nil {
		return &Error{From: c.From, Op: "rpc", Path: c.Node.path, Method: c.Method, Err: ErrNoHandler}
	}
	m.calls.Add(1)
	if err := mt.Handler(c); err != nil {
		return &Error{From: c.From, Op: "rpc", Path: c.Node.path, Method: c.Method, Err: err}
	}
	return nil
}

// checkParams applies Method.Params.
func checkParams(params []variant.Type, args []Value) error {
	if params == nil {
		return nil
	}
	if len(params) != len(args) {
		return errf(ErrArgs, "%d arguments, want %d", len(args), len(params))
	}
	for i, p := range params {
		if p != variant.TypeNil && args[i].Type() != p {
			return errf(ErrArgs, "argument %d is %v, want %v", i, args[i].Type(), p)
		}
	}
	return nil
}

// RPC calls method of the node at path on peer to (0 everyone, N peer N,
// -N everyone but N) with the method's transfer mode and channel, as
// Godot's rpc / rpc_id. Peers that have not confirmed the node's path
// first get SIMPLIFY_PATH and the call in full-path form.
//
// Godot 4: with CallLocal the handler also runs here when the target set
// includes this side; rpc_id to the own id without it fails. A node with a
// Visibility reaches only the peers that see it (ErrNotVisible for one
// that does not).
//
// Godot 3 (when the target set includes this side): remotesync,
// mastersync and puppetsync run the handler here too; master runs it here
// on the node's master (Authority) and then sends nothing, and so does
// mastersync; puppet runs it here on a puppet and still sends. A call to
// the own id never sends, and fails when the mode does not run it here.
func (m *Multiplayer) RPC(to int32, path, method string, args ...any) error {
	n := m.Node(path)
	if n == nil {
		return &Error{Op: "send rpc", Path: path, Method: method, Err: ErrUnknownNode}
	}
	return m.rpc(to, n, method, args)
}

// RSet sets property on the node at path on peer to (Godot 3 rset /
// rset_id; the property's Transfer is not declared here, so tr picks
// rset or rset_unreliable). As Godot 3's rsetp, the property's Handler
// runs here first when the property's mode makes the set local (see RPC),
// and nothing is sent when the mode skips the network.
func (m *Multiplayer) RSet(to int32, path, property string, value any, tr Transfer) error {
	if m.d != multiplayer.Godot3 {
		return &Error{Op: "send rset", Path: path, Method: property, Err: errf(ErrUnsupported, "rset is Godot 3 only")}
	}
	n := m.Node(path)
	if n == nil {
		return &Error{Op: "send rset", Path: path, Method: property, Err: ErrUnknownNode}
	}
	// An undeclared property is sent like one without an rset keyword
	// (disabled): never set here.
	mt := Method{Name: property, Mode: Disabled, Transfer: tr}
	if pr := n.props[property]; pr != nil {
		mt.Mode, mt.Handler = pr.Mode, pr.Handler
	}
	local, send := m.local3(to, n, mt.Mode)
	if local {
		if err := m.callLocal(n, &mt, []any{value}, true); err != nil {
			return err
		}
	}
	if !send {
		if !local {
			return &Error{Op: "send rset", Path: n.path, Method: property, Err: errf(ErrUnknownPeer, "rset on itself is not allowed by mode %v", mt.Mode)}
		}
		return nil
	}
	return m.send3(to, n, true, property, mt, []any{value})
}

// local3 is Godot 3's rule (multiplayer_api.cpp, rpcp, rsetp and
// _should_call_local, 3.2 to 3.6) for a call or set this side makes: when
// the target set includes this side, remotesync, mastersync and puppetsync
// run locally, master runs locally on the master, and puppet runs locally
// on a puppet; master and mastersync on the master itself send nothing.
// A call to the own id never sends.
func (m *Multiplayer) local3(to int32, n *Node, mode Mode) (local, send bool) {
	send = to != m.self
	if to != 0 && to != m.self && (to > 0 || -to == m.self) {
		return false, send
	}
	master := n.authority == m.self
	switch mode {
	case RemoteSync, PuppetSync:
		local = true
	case MasterSync:
		local = true
		send = send && !master
	case Master:
		local = master
		send = send && !master
	case Puppet:
		local = !master
	}
	return local, send
}

func (m *Multiplayer) rpc(to int32, n *Node, method string, args []any) error {
	mt := n.methodByName(method)
	if mt == nil {
		return &Error{Op: "send rpc", Path: n.path, Method: method, Err: ErrUnknownMethod}
	}
	if m.d == multiplayer.Godot3 {
		return m.rpc3(to, n, mt, args)
	}
	local := mt.CallLocal
	if to == m.self {
		if !local {
			return &Error{Op: "send rpc", Path: n.path, Method: method, Err: errf(ErrUnknownPeer, "rpc to self without call_local")}
		}
		return m.callLocal(n, mt, args, false)
	}
	if err := m.send4(to, n, mt, args); err != nil {
		return err
	}
	if local && (to == 0 || (to < 0 && -to != m.self)) {
		return m.callLocal(n, mt, args, false)
	}
	return nil
}

// rpc3 is Godot 3's rpcp: send (unless local3 skips it), then run locally.
func (m *Multiplayer) rpc3(to int32, n *Node, mt *Method, args []any) error {
	local, send := m.local3(to, n, mt.Mode)
	if send {
		if err := m.send3(to, n, false, mt.Name, *mt, args); err != nil {
			return err
		}
	}
	if local {
		return m.callLocal(n, mt, args, false)
	}
	if !send {
		return &Error{Op: "send rpc", Path: n.path, Method: mt.Name, Err: errf(ErrUnknownPeer, "rpc on itself is not allowed by mode %v", mt.Mode)}
	}
	return nil
}

// callLocal runs the handler of a call this side makes on itself.
func (m *Multiplayer) callLocal(n *Node, mt *Method, args []any, set bool) error {
	c := &Call{From: m.self, Node: n, Method: mt.Name, Transfer: mt.Transfer, Channel: mt.Channel, Set: set}
	c.Args = make([]Value, len(args))
	for i, a := range args {
		c.Args[i] = Value{v: normalize(a)}
	}
	return m.dispatch(c, mt)
}

// targetsLocked lists the peers a call to `to` reaches.
func (m *Multiplayer) targetsLocked(to int32) ([]int32, error) {
	if to > 0 {
		if m.peers[to] == nil {
			return nil, errf(ErrUnknownPeer, "peer %d", to)
		}
		return []int32{to}, nil
	}
	if to < 0 && m.peers[-to] == nil {
		return nil, errf(ErrUnknownPeer, "peer %d", -to)
	}
	out := make([]int32, 0, len(m.peers))
	for id := range m.peers {
		if id != -to {
			out = append(out, id)
		}
	}
	return out, nil
}

// normalize turns a Go argument into the type a receiver would decode,
// so that local calls see what remote ones see.
func normalize(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case float32:
		return float64(x)
	}
	return v
}

// Peers returns the connected peers this side knows, in ascending order.
func (m *Multiplayer) Peers() []int32 {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]int32, 0, len(m.peers))
	for id := range m.peers {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}
