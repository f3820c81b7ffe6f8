package scene

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by this package wrap one of them; match
// with errors.Is.
var (
	// ErrTruncated: a packet ended before a field it must contain.
	ErrTruncated = errors.New("scene: truncated packet")
	// ErrInvalid: a packet field holds a value Godot would reject.
	ErrInvalid = errors.New("scene: invalid packet")
	// ErrUnknownPeer: a packet from, or a call to, a peer that is not
	// connected.
	ErrUnknownPeer = errors.New("scene: unknown peer")
	// ErrUnknownNode: a path that names no declared node.
	ErrUnknownNode = errors.New("scene: unknown node")
	// ErrUnknownPathID: a cached path id the sender never simplified.
	ErrUnknownPathID = errors.New("scene: unknown path cache id")
	// ErrUnknownMethod: a method id or name the node does not declare.
	ErrUnknownMethod = errors.New("scene: unknown method")
	// ErrNotAllowed: the method's mode refuses the caller, as Godot's
	// receiver does (authority-only from a peer that is not the authority,
	// a disabled method, a Godot 3 master/puppet rule).
	ErrNotAllowed = errors.New("scene: call not allowed")
	// ErrArgs: wrong argument count or types.
	ErrArgs = errors.New("scene: bad arguments")
	// ErrNoHandler: the method is declared (so ids and checksums match) but
	// has no handler on this side.
	ErrNoHandler = errors.New("scene: method has no handler")
	// ErrChecksum: the node's RPC checksum differs between the peers: both
	// sides declare different RPC method names for the node.
	ErrChecksum = errors.New("scene: rpc checksum mismatch")
	// ErrCacheFull: a peer simplified more paths than Config.MaxCachedPaths.
	ErrCacheFull = errors.New("scene: path cache full for peer")
	// ErrDuplicateID: a Godot 4.3+ peer sent SIMPLIFY_PATH twice for one id.
	ErrDuplicateID = errors.New("scene: duplicate path cache id")
	// ErrNotVisible: an RPC to a peer that cannot see the node
	// (NodeConfig.Visibility), which Godot 4 refuses to send.
	ErrNotVisible = errors.New("scene: node not visible to peer")
	// ErrUnsupported: something the dialect does not have (rset in Godot 4,
	// replication in Godot 3) or a bad declaration.
	ErrUnsupported = errors.New("scene: unsupported")
)

// Error is a dropped packet or a refused call: who sent it, what it was
// and why. Err wraps one of the sentinels.
type Error struct {
	// From is the sending peer, 0 for a local call.
	From int32
	// Op names the message: "rpc", "rset", "simplify path", "confirm path",
	// "spawn", "despawn", "sync", or a send operation.
	Op string
	// Path and Method are filled in when known.
	Path, Method string
	// Err is the reason, wrapping a sentinel.
	Err error
}

func (e *Error) Error() string {
	s := "scene: " + e.Op
	if e.From != 0 {
		s += fmt.Sprintf(" from %d", e.From)
	}
	if e.Path != "" {
		s += " node " + e.Path
	}
	if e.Method != "" {
		s += " method " + e.Method
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// detail wraps a sentinel with a message.
type detail struct {
	kind error
	msg  string
}

func (d *detail) Error() string { return d.kind.Error() + ": " + d.msg }
func (d *detail) Unwrap() error { return d.kind }

func errf(kind error, format string, args ...any) error {
	return &detail{kind: kind, msg: fmt.Sprintf(format, args...)}
}
