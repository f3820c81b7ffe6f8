package scene

import (
	"slices"

	"github.com/enetgo/enet/multiplayer"
)

// The path cache both dialects share (Godot 3's and Godot 4's
// SIMPLIFY_PATH / CONFIRM_PATH): what a peer cached under its ids, and the
// paths sent to a peer.

// recvLocked returns the node (or path) peer from cached under id.
func (m *Multiplayer) recvLocked(from int32, id uint32) (recvNode, error) {
	p := m.peers[from]
	if p == nil {
		return recvNode{}, ErrUnknownPeer
	}
	e, ok := p.recv[id]
	if !ok {
		return recvNode{}, errf(ErrUnknownPathID, "id %d", id)
	}
	return e, nil
}

// cacheRoomLocked reports whether peer p may cache a path under id: it
// fails for an unknown peer, and for a new id when p holds
// Config.MaxCachedPaths ids already.
func (m *Multiplayer) cacheRoomLocked(p *peerState, id uint32) error {
	if p == nil {
		return ErrUnknownPeer
	}
	if _, known := p.recv[id]; !known && len(p.recv) >= m.cfg.MaxCachedPaths {
		return errf(ErrCacheFull, "%d ids", len(p.recv))
	}
	return nil
}

// withPath returns a copy of the call packet pkt in its full-path form:
// the path appended and the target field turned into pathFlag and the
// path's offset.
func withPath(pkt []byte, path string) []byte {
	full := appendCString(slices.Clone(pkt), path)
	putU32(full[1:], pathFlag|uint32(len(pkt)))
	return full
}

// simplifyLocked makes sure every target has been sent SIMPLIFY_PATH for
// n (send_object_cache) under n's cache id, which it returns, and reports
// whether all of them confirmed it.
func (m *Multiplayer) simplifyLocked(n *Node, targets []int32) (id uint32, allConfirmed bool, err error) {
	id = m.cacheIDLocked(n)
	allConfirmed = true
	var pkt []byte
	for _, t := range targets {
		p := m.peers[t]
		confirmed, sent := p.sent[n]
		if sent {
			allConfirmed = allConfirmed && confirmed
			continue
		}
		allConfirmed = false
		if pkt == nil {
			if m.d == multiplayer.Godot4 {
				pkt = appendSimplify4(nil, n.checksum, id, n.path)
			} else {
				pkt = appendSimplify3(nil, id, n.path)
			}
		}
		if err := m.t.Send(t, pkt, multiplayer.Reliable, 0); err != nil {
			return id, false, err
		}
		p.sent[n] = false
	}
	return id, allConfirmed, nil
}
