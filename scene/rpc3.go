package scene

import (
	"slices"

	"github.com/enetgo/enet/multiplayer"
	"github.com/enetgo/enet/variant"
)

// handle3 processes a Godot 3 MultiplayerAPI packet.
func (m *Multiplayer) handle3(from int32, data []byte, tr Transfer, channel int) error {
	switch data[0] {
	case cmd3RemoteCall, cmd3RemoteSet:
		return m.receiveCall3(from, data, tr, channel)
	case cmd3SimplifyPath:
		return m.receiveSimplify3(from, data)
	case cmd3ConfirmPath:
		return m.receiveConfirm3(from, data)
	case cmd3Raw:
		return nil
	}
	return &Error{From: from, Op: "packet", Err: errf(ErrInvalid, "command %d", data[0])}
}

func (m *Multiplayer) receiveCall3(from int32, data []byte, tr Transfer, channel int) error {
	c3, err := parseCall3(data)
	op := "rpc"
	if c3.set {
		op = "rset"
	}
	if err != nil {
		return &Error{From: from, Op: op, Err: err}
	}
	m.mu.Lock()
	var n *Node
	path := c3.path
	if c3.target&pathFlag != 0 {
		n = m.nodes[relPath(path)]
	} else {
		e, err := m.recvLocked(from, c3.target)
		if err != nil {
			m.mu.Unlock()
			return &Error{From: from, Op: op, Method: c3.name, Err: err}
		}
		n, path = e.node, e.path
		if n == nil {
			n = m.nodes[path] // declared after the peer simplified it
		}
	}
	m.mu.Unlock()
	if n == nil {
		return &Error{From: from, Op: op, Path: path, Method: c3.name, Err: ErrUnknownNode}
	}
	var mode Mode
	var handler Handler
	var params []variant.Type
	if c3.set {
		pr := n.props[c3.name]
		if pr == nil {
			return &Error{From: from, Op: op, Path: n.path, Method: c3.name, Err: ErrUnknownMethod}
		}
		mode, handler = pr.Mode, pr.Handler
		if pr.Param != variant.TypeNil {
			params = []variant.Type{pr.Param}
		}
	} else {
		mt := n.methodByName(c3.name)
		if mt == nil {
			return &Error{From: from, Op: op, Path: n.path, Method: c3.name, Err: ErrUnknownMethod}
		}
		mode, handler, params = mt.Mode, mt.Handler, mt.Params
	}
	if err := m.allowed3(from, n, mode); err != nil {
		return &Error{From: from, Op: op, Path: n.path, Method: c3.name, Err: err}
	}
	c := &Call{From: from, Node: n, Method: c3.name, Transfer: tr, Channel: channel, Set: c3.set}
	c.Args = c.buf[:0]
	if c.Args, err = decodeArgs3(c.Args, c3); err == nil {
		err = checkParams(params, c.Args)
	}
	if err != nil {
		return &Error{From: from, Op: op, Path: n.path, Method: c3.name, Err: err}
	}
	return m.dispatch(c, &Method{Name: c3.name, Handler: handler})
}

// allowed3 applies Godot 3's _can_call_mode with the local peer's id.
func (m *Multiplayer) allowed3(from int32, n *Node, mode Mode) error {
	switch mode {
	case Remote, RemoteSync:
		return nil
	case Master, MasterSync:
		if m.self == n.authority {
			return nil
		}
		return errf(ErrNotAllowed, "master mode, but this side is not the master (%d)", n.authority)
	case Puppet, PuppetSync:
		if m.self != n.authority && from == n.authority {
			return nil
		}
		return errf(ErrNotAllowed, "puppet mode, master is %d", n.authority)
	}
	return errf(ErrNotAllowed, "mode %v", mode)
}

func (m *Multiplayer) receiveSimplify3(from int32, data []byte) error {
	id, path, err := parseSimplify3(data)
	if err != nil {
		return &Error{From: from, Op: "simplify path", Err: err}
	}
	m.mu.Lock()
	p := m.peers[from]
	if err := m.cacheRoomLocked(p, id); err != nil {
		m.mu.Unlock()
		return &Error{From: from, Op: "simplify path", Path: path, Err: err}
	}
	// Godot 3 caches the path whether or not the node exists, overwriting
	// an id silently, and always confirms.
	e := recvNode{node: m.nodes[relPath(path)]}
	if e.node == nil {
		e.path = relPath(path)
		if len(e.path) > maxStoredPath {
			e.path = e.path[:maxStoredPath]
		}
	}
	p.recv[id] = e
	m.mu.Unlock()
	m.simplified.Add(1)
	if err := m.t.Send(from, appendConfirm3(nil, path), multiplayer.Reliable, 0); err != nil {
		return &Error{From: from, Op: "confirm path", Path: path, Err: err}
	}
	return nil
}

func (m *Multiplayer) receiveConfirm3(from int32, data []byte) error {
	path, err := parseConfirm3(data)
	if err != nil {
		return &Error{From: from, Op: "confirm path", Err: err}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n := m.nodes[relPath(path)]
	p := m.peers[from]
	if n == nil || p == nil {
		return &Error{From: from, Op: "confirm path", Path: path, Err: ErrUnknownNode}
	}
	if _, sent := p.sent[n]; !sent {
		return &Error{From: from, Op: "confirm path", Path: path, Err: errf(ErrInvalid, "path was not simplified to this peer")}
	}
	p.sent[n] = true
	m.confirmed.Add(1)
	return nil
}

// send3 sends a Godot 3 call or set: one packet to `to` when every
// target confirmed the path, else one per target, the unconfirmed ones
// with the path appended.
func (m *Multiplayer) send3(to int32, n *Node, set bool, name string, mt Method, args []any) error {
	op := "send rpc"
	if set {
		op = "send rset"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	targets, err := m.targetsLocked(to)
	if err != nil {
		return &Error{Op: op, Path: n.path, Method: name, Err: err}
	}
	if len(targets) == 0 {
		return nil
	}
	slices.Sort(targets)
	id, all, err := m.simplifyLocked(n, targets)
	if err != nil {
		return &Error{Op: op, Path: n.path, Method: name, Err: err}
	}
	pkt, err := appendCall3(nil, set, id, name, args)
	if err != nil {
		return &Error{Op: op, Path: n.path, Method: name, Err: err}
	}
	mode := mt.Transfer.mode()
	if all {
		if err := m.t.Send(to, pkt, mode, mt.Channel); err != nil {
			return &Error{Op: op, Path: n.path, Method: name, Err: err}
		}
		return nil
	}
	full := withPath(pkt, n.path)
	var first error
	for _, t := range targets {
		out := full
		if m.peers[t].sent[n] {
			out = pkt
		}
		if err := m.t.Send(t, out, mode, mt.Channel); err != nil && first == nil {
			first = &Error{Op: op, Path: n.path, Method: name, Err: err}
		}
	}
	return first
}
