package scene

import (
	"crypto/md5"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"github.com/enetgo/enet/multiplayer"
	"github.com/enetgo/enet/variant"
)

// Mode says who may call a method or set a property: Godot 4's rpc_mode
// (@rpc("authority"), @rpc("any_peer")) and Godot 3's keywords (remote,
// master, puppet and their sync variants).
//
// The zero value is Authority, Godot 4's default. In the Godot 3 dialect
// AnyPeer is remote and Authority is puppet, which allow the same callers.
type Mode uint8

// Modes.
const (
	// Authority: only the node's authority (Godot 3: network master) may
	// call; Godot 3's puppet (the receiver must not be the master itself;
	// a puppet calling it on a target set that includes itself runs it
	// locally too).
	Authority Mode = iota
	// AnyPeer: every peer may call (Godot 3: remote).
	AnyPeer
	// Disabled: nobody may call.
	Disabled
	// Master (Godot 3): any peer may call, but only on the master. The
	// master calling it on a target set that includes itself runs it
	// locally and sends nothing.
	Master
	// RemoteSync (Godot 3): remote, and the sender runs it locally too.
	RemoteSync
	// MasterSync (Godot 3): master, and the sender runs it locally too;
	// on the master itself it is not sent.
	MasterSync
	// PuppetSync (Godot 3): puppet, and the sender runs it locally too.
	PuppetSync
)

// Godot 3 names for the shared modes.
const (
	// Remote is Godot 3's remote keyword: AnyPeer.
	Remote = AnyPeer
	// Puppet is Godot 3's puppet keyword: Authority.
	Puppet = Authority
)

var modeNames = [...]string{"authority", "any_peer", "disabled", "master", "remotesync", "mastersync", "puppetsync"}

func (m Mode) String() string {
	if int(m) < len(modeNames) {
		return modeNames[m]
	}
	return "mode(" + strconv.Itoa(int(m)) + ")"
}

// godot4 reports whether the Godot 4 dialect has m, and its rpc_mode value.
func (m Mode) godot4() (int, bool) {
	switch m {
	case Disabled:
		return 0, true
	case AnyPeer:
		return 1, true
	case Authority:
		return 2, true
	}
	return 0, false
}

// Transfer is how a call travels. The zero value is Reliable, Godot's
// default for RPCs.
type Transfer uint8

// Transfer modes.
const (
	// Reliable: acknowledged and ordered (TRANSFER_MODE_RELIABLE).
	Reliable Transfer = iota
	// Unreliable: may be lost or reordered (TRANSFER_MODE_UNRELIABLE).
	Unreliable
	// UnreliableOrdered: may be lost, late ones are dropped
	// (TRANSFER_MODE_UNRELIABLE_ORDERED).
	UnreliableOrdered
)

// String returns the GDScript keyword: "reliable", "unreliable" or
// "unreliable_ordered".
func (t Transfer) String() string {
	switch t {
	case Reliable:
		return "reliable"
	case Unreliable:
		return "unreliable"
	case UnreliableOrdered:
		return "unreliable_ordered"
	}
	return "transfer(" + strconv.Itoa(int(t)) + ")"
}

func (t Transfer) mode() multiplayer.TransferMode {
	switch t {
	case Unreliable:
		return multiplayer.Unreliable
	case UnreliableOrdered:
		return multiplayer.UnreliableOrdered
	}
	return multiplayer.Reliable
}

func transferOf(m multiplayer.TransferMode) Transfer {
	switch m {
	case multiplayer.Unreliable:
		return Unreliable
	case multiplayer.UnreliableOrdered:
		return UnreliableOrdered
	}
	return Reliable
}

// Handler runs a received (or local) call. An error it returns is what
// Multiplayer.Handle returns.
type Handler func(c *Call) error

// Method declares one RPC method of a node with Godot's settings. Every
// method the Godot side's node declares must be declared here too, even
// those this side never receives (give them no Handler): Godot 4 numbers
// methods by their sorted names and checks an MD5 of the names.
type Method struct {
	// Name is the method name.
	Name string
	// Mode says who may call it.
	Mode Mode
	// Transfer and Channel are used when this side calls the method
	// (Godot 4 transfer_mode and transfer_channel; Godot 3 has only
	// rpc/rpc_unreliable, see Multiplayer.RPCUnreliable).
	Transfer Transfer
	Channel  int
	// CallLocal runs the handler locally too when this side calls the
	// method on a target set that includes itself (Godot 4 "call_local").
	// Godot 3 has no such setting: there the mode decides (see
	// Multiplayer.RPC), and CallLocal is refused.
	CallLocal bool
	// NodeConfig marks a method configured with Node.rpc_config instead of
	// the script (Godot 4): such methods are numbered before the script's,
	// with ids from 0x8000.
	NodeConfig bool
	// Params, if not nil, are the argument types a call must have;
	// variant.TypeNil accepts any type. A call with another count or type
	// is dropped with ErrArgs, as Godot drops a call that does not fit the
	// function.
	Params []variant.Type
	// Handler runs the call; nil means this side never receives it.
	Handler Handler
}

// Property declares a Godot 3 property that peers may rset.
type Property struct {
	// Name is the property name.
	Name string
	// Mode says who may set it (rset_config or the var's keyword).
	Mode Mode
	// Param, unless variant.TypeNil, is the type the value must have.
	Param variant.Type
	// Handler receives the set as a Call with Method = Name and one
	// argument.
	Handler Handler
}

// NodeConfig declares a node this side plays.
type NodeConfig struct {
	// Path is the node's path, absolute ("/root/Chat") or relative to the
	// multiplayer root /root ("Chat").
	Path string
	// Authority is the node's multiplayer authority (Godot 3: network
	// master); 0 means 1, the server, as in Godot.
	Authority int32
	// Methods are the node's RPC methods.
	Methods []Method
	// Properties are the properties peers may rset (Godot 3 only).
	Properties []Property
	// Visibility, if set, restricts who this side's RPCs of the node reach
	// (Godot 4 only), as the visibility of the node's
	// MultiplayerSynchronizer does in Godot: see Multiplayer.RPC.
	Visibility *Visibility
}

// Node is a declared node of a Multiplayer.
type Node struct {
	m         *Multiplayer
	path      string // relative to /root
	authority int32
	methods   []Method // in id order: node-config names sorted, then script names sorted
	ids       []uint16 // method id per entry of methods
	byName    map[string]int
	props     map[string]*Property
	checksum  string
	nodeLevel int // how many methods come from Node.rpc_config (ids from 0x8000)
	vis       *Visibility
}

// relPath turns an absolute or relative node path into the path relative
// to /root that travels on the wire.
func relPath(p string) string {
	switch {
	case p == "/root":
		return "."
	case strings.HasPrefix(p, "/root/"):
		return p[len("/root/"):]
	}
	return p
}

func newNode(m *Multiplayer, cfg NodeConfig) (*Node, error) {
	n := &Node{m: m, path: relPath(cfg.Path), authority: cfg.Authority, byName: map[string]int{}, vis: cfg.Visibility}
	if n.authority == 0 {
		n.authority = 1
	}
	if n.path == "" || strings.HasPrefix(n.path, "/") || strings.ContainsRune(n.path, 0) {
		return nil, errf(ErrUnsupported, "node path %q must be under /root", cfg.Path)
	}
	g4 := m.d == multiplayer.Godot4
	var nodeLevel, script []Method
	for _, mt := range cfg.Methods {
		if mt.Name == "" || strings.ContainsRune(mt.Name, 0) {
			return nil, errf(ErrUnsupported, "method name %q", mt.Name)
		}
		if _, dup := n.byName[mt.Name]; dup {
			return nil, errf(ErrUnsupported, "method %q declared twice", mt.Name)
		}
		n.byName[mt.Name] = -1
		if _, ok := mt.Mode.godot4(); g4 && !ok {
			return nil, errf(ErrUnsupported, "mode %v is Godot 3 only", mt.Mode)
		}
		if mt.Mode > PuppetSync || mt.Transfer > UnreliableOrdered || mt.Channel < 0 || mt.Channel > 255 {
			return nil, errf(ErrUnsupported, "method %q settings", mt.Name)
		}
		if mt.CallLocal && !g4 {
			return nil, errf(ErrUnsupported, "method %q: call_local is Godot 4 only; Godot 3's mode decides", mt.Name)
		}
		if mt.NodeConfig && g4 {
			nodeLevel = append(nodeLevel, mt)
		} else {
			script = append(script, mt)
		}
	}
	// Godot 4 orders each dictionary's names by code point, which is Go's
	// byte order on UTF-8.
	byName := func(a, b Method) int { return strings.Compare(a.Name, b.Name) }
	slices.SortFunc(nodeLevel, byName)
	slices.SortFunc(script, byName)
	if len(nodeLevel) > 0x8000 || len(script) > 0x8000 {
		return nil, errf(ErrUnsupported, "too many methods")
	}
	h := md5.New()
	for i, mt := range nodeLevel {
		n.add(mt, uint16(i)|0x8000)
		h.Write([]byte(mt.Name))
	}
	for i, mt := range script {
		n.add(mt, uint16(i))
		h.Write([]byte(mt.Name))
	}
	n.checksum = hex.EncodeToString(h.Sum(nil))
	n.nodeLevel = len(nodeLevel)
	if cfg.Visibility != nil && !g4 {
		return nil, errf(ErrUnsupported, "visibility is Godot 4 only")
	}
	if len(cfg.Properties) > 0 && g4 {
		return nil, errf(ErrUnsupported, "rset properties are Godot 3 only")
	}
	n.props = map[string]*Property{}
	for i := range cfg.Properties {
		p := cfg.Properties[i]
		if p.Name == "" || strings.ContainsRune(p.Name, 0) || p.Mode > PuppetSync {
			return nil, errf(ErrUnsupported, "property %q", p.Name)
		}
		n.props[p.Name] = &p
	}
	return n, nil
}

func (n *Node) add(mt Method, id uint16) {
	n.byName[mt.Name] = len(n.methods)
	n.methods = append(n.methods, mt)
	n.ids = append(n.ids, id)
}

// Path returns the node's path relative to /root, as it travels on the
// wire.
func (n *Node) Path() string { return n.path }

// Visibility returns the node's Visibility, nil if it has none.
func (n *Node) Visibility() *Visibility { return n.vis }

// Authority returns the node's multiplayer authority (Godot 3: master).
func (n *Node) Authority() int32 { return n.authority }

// Checksum returns the Godot 4 RPC checksum of the node: the lowercase hex
// MD5 of its method names in id order, concatenated (get_rpc_md5).
func (n *Node) Checksum() string { return n.checksum }

// MethodID returns the Godot 4 id of method name.
func (n *Node) MethodID(name string) (uint16, bool) {
	i, ok := n.byName[name]
	if !ok {
		return 0, false
	}
	return n.ids[i], true
}

// method returns the method with Godot 4 id, or nil.
func (n *Node) method(id uint16) *Method {
	if id&0x8000 == 0 {
		// Script ids follow the node-config ones in n.methods.
		if i := n.nodeLevel + int(id); i < len(n.methods) {
			return &n.methods[i]
		}
		return nil
	}
	if i := int(id &^ 0x8000); i < n.nodeLevel {
		return &n.methods[i]
	}
	return nil
}

// methodByName returns the declared method name, or nil.
func (n *Node) methodByName(name string) *Method {
	i, ok := n.byName[name]
	if !ok {
		return nil
	}
	return &n.methods[i]
}

// RPC calls method on peers as Multiplayer.RPC does.
func (n *Node) RPC(to int32, method string, args ...any) error {
	return n.m.rpc(to, n, method, args)
}
