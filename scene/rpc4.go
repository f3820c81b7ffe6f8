package scene

import (
	"slices"

	"github.com/enetgo/enet/multiplayer"
)

// handle4 processes a Godot 4 SceneMultiplayer packet.
func (m *Multiplayer) handle4(from int32, data []byte, tr Transfer, channel int) error {
	switch data[0] & cmd4Mask {
	case cmd4RemoteCall:
		return m.receiveRPC4(from, data, tr, channel)
	case cmd4SimplifyPath:
		return m.receiveSimplify4(from, data)
	case cmd4ConfirmPath:
		return m.receiveConfirm4(from, data)
	case cmd4Spawn, cmd4Despawn, cmd4Sync:
		return m.receiveReplication(from, data)
	}
	return nil // RAW and SYS belong to the caller and the transport
}

func (m *Multiplayer) receiveRPC4(from int32, data []byte, tr Transfer, channel int) error {
	r, err := parseRPC4(data)
	if err != nil {
		return &Error{From: from, Op: "rpc", Err: err}
	}
	m.mu.Lock()
	var n *Node
	if r.node&pathFlag != 0 {
		// Full-path form: resolved, not cached (SceneRPCInterface).
		n = m.nodes[relPath(r.path)]
		if n == nil {
			m.mu.Unlock()
			return &Error{From: from, Op: "rpc", Path: r.path, Err: ErrUnknownNode}
		}
	} else {
		e, err := m.recvLocked(from, r.node)
		if err != nil {
			m.mu.Unlock()
			return &Error{From: from, Op: "rpc", Err: err}
		}
		n = e.node
	}
	m.mu.Unlock()
	mt := n.method(r.method)
	if mt == nil {
		return &Error{From: from, Op: "rpc", Path: n.path, Err: errf(ErrUnknownMethod, "id %d", r.method)}
	}
	if err := m.allowed4(from, n, mt); err != nil {
		return &Error{From: from, Op: "rpc", Path: n.path, Method: mt.Name, Err: err}
	}
	c := &Call{From: from, Node: n, Method: mt.Name, Transfer: tr, Channel: channel}
	c.Args = c.buf[:0]
	if c.Args, err = decodeArgs4(c.Args, r); err == nil {
		err = checkParams(mt.Params, c.Args)
	}
	if err != nil {
		return &Error{From: from, Op: "rpc", Path: n.path, Method: mt.Name, Err: err}
	}
	return m.dispatch(c, mt)
}

// allowed4 applies Godot 4's receiver rule: any_peer from anyone,
// authority only from the node's authority, disabled never.
func (m *Multiplayer) allowed4(from int32, n *Node, mt *Method) error {
	switch mt.Mode {
	case AnyPeer:
		return nil
	case Authority:
		if from == n.authority {
			return nil
		}
		return errf(ErrNotAllowed, "mode authority, authority is %d", n.authority)
	}
	return errf(ErrNotAllowed, "mode %v", mt.Mode)
}

func (m *Multiplayer) receiveSimplify4(from int32, data []byte) error {
	sum, id, path, err := parseSimplify4(data)
	if err != nil {
		return &Error{From: from, Op: "simplify path", Err: err}
	}
	m.mu.Lock()
	p := m.peers[from]
	if p == nil {
		m.mu.Unlock()
		return &Error{From: from, Op: "simplify path", Path: path, Err: ErrUnknownPeer}
	}
	if _, dup := p.recv[id]; dup && m.cfg.Confirm == Confirm43 {
		m.mu.Unlock()
		return &Error{From: from, Op: "simplify path", Path: path, Err: errf(ErrDuplicateID, "id %d", id)}
	}
	n := m.nodes[relPath(path)]
	if n == nil {
		// Godot sends no CONFIRM for a missing node: the peer keeps
		// using the full path.
		m.mu.Unlock()
		return &Error{From: from, Op: "simplify path", Path: path, Err: ErrUnknownNode}
	}
	if err := m.cacheRoomLocked(p, id); err != nil {
		m.mu.Unlock()
		return &Error{From: from, Op: "simplify path", Path: path, Err: err}
	}
	p.recv[id] = recvNode{node: n}
	m.mu.Unlock()
	m.simplified.Add(1)
	valid := sum == n.checksum
	reply := appendConfirm4(nil, m.cfg.Confirm, valid, id, path)
	if err := m.t.Send(from, reply, multiplayer.Reliable, 0); err != nil {
		return &Error{From: from, Op: "confirm path", Path: n.path, Err: err}
	}
	if !valid {
		// Godot prints the error, still caches the id and confirms with
		// valid = 0.
		return &Error{From: from, Op: "simplify path", Path: n.path, Err: errf(ErrChecksum, "peer %s, ours %s", sum, n.checksum)}
	}
	return nil
}

func (m *Multiplayer) receiveConfirm4(from int32, data []byte) error {
	valid, id, path, err := parseConfirm4(data, m.cfg.Confirm)
	if err != nil {
		return &Error{From: from, Op: "confirm path", Err: err}
	}
	m.mu.Lock()
	var n *Node
	if m.cfg.Confirm == Confirm40 {
		n = m.nodes[relPath(path)]
	} else {
		n = m.byID[id]
	}
	if n == nil {
		m.mu.Unlock()
		return &Error{From: from, Op: "confirm path", Path: path, Err: errf(ErrUnknownPathID, "id %d", id)}
	}
	p := m.peers[from]
	if p == nil {
		m.mu.Unlock()
		return &Error{From: from, Op: "confirm path", Path: n.path, Err: ErrUnknownPeer}
	}
	if _, sent := p.sent[n]; !sent {
		m.mu.Unlock()
		return &Error{From: from, Op: "confirm path", Path: n.path, Err: errf(ErrInvalid, "path was not simplified to this peer")}
	}
	p.sent[n] = true
	m.mu.Unlock()
	m.confirmed.Add(1)
	if !valid {
		return &Error{From: from, Op: "confirm path", Path: n.path, Err: errf(ErrChecksum, "peer reports a different method list")}
	}
	return nil
}

// send4 sends a Godot 4 call: one packet per target (send_command), with
// the compact node id when every target confirmed the path, else the u32
// form with the path appended for the peers that have not.
func (m *Multiplayer) send4(to int32, n *Node, mt *Method, args []any) error {
	id4, _ := n.MethodID(mt.Name)
	m.mu.Lock()
	defer m.mu.Unlock()
	targets, err := m.targetsLocked(to)
	if err != nil {
		return &Error{Op: "send rpc", Path: n.path, Method: mt.Name, Err: err}
	}
	if targets, err = visibleTargets(n, to, targets); err != nil {
		return &Error{Op: "send rpc", Path: n.path, Method: mt.Name, Err: err}
	}
	if len(targets) == 0 {
		return nil
	}
	slices.Sort(targets)
	id, all, err := m.simplifyLocked(n, targets)
	if err != nil {
		return &Error{Op: "send rpc", Path: n.path, Method: mt.Name, Err: err}
	}
	pkt, err := appendRPC4(nil, id, !all, id4, args)
	if err != nil {
		return &Error{Op: "send rpc", Path: n.path, Method: mt.Name, Err: err}
	}
	mode := mt.Transfer.mode()
	var full []byte
	var first error
	for _, t := range targets {
		out := pkt
		if !all && !m.peers[t].sent[n] {
			if full == nil {
				full = withPath(pkt, n.path)
			}
			out = full
		}
		if err := m.t.Send(t, out, mode, mt.Channel); err != nil && first == nil {
			first = &Error{Op: "send rpc", Path: n.path, Method: mt.Name, Err: err}
		}
	}
	return first
}

// visibleTargets applies the node's Visibility to an RPC's targets as
// Godot 4's _send_rpc does with is_rpc_visible: a call to one peer that
// cannot see the node fails; a call to everyone (or all but one) reaches
// every target when the node is visible to peer 0 (public, and every
// filter accepts 0), else only the peers that see it.
func visibleTargets(n *Node, to int32, targets []int32) ([]int32, error) {
	if n.vis == nil {
		return targets, nil
	}
	if to > 0 {
		if !n.vis.VisibleTo(to) {
			return nil, errf(ErrNotVisible, "peer %d", to)
		}
		return targets, nil
	}
	if n.vis.VisibleTo(0) {
		return targets, nil
	}
	return n.vis.Filter(targets), nil
}

func putU32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}
