package scene

import (
	"slices"
	"sync"
)

// Visibility says which peers see a node, as a Godot 4
// MultiplayerSynchronizer's public_visibility, set_visibility_for and
// visibility filters do (multiplayer_synchronizer.cpp, is_visible_to): a
// peer sees the node when every filter accepts it and the node is public
// or made visible to that peer. The zero value is a node visible to
// nobody; NewVisibility(true) is Godot's default.
//
// Give it to NodeConfig.Visibility and the node's RPCs skip the peers that
// cannot see it, as Godot's do. Spawns and syncs are messages, not nodes:
// send them with SpawnTo, DespawnTo and SyncTo to Filter(m.Peers()). Its
// methods are safe for concurrent use.
type Visibility struct {
	mu      sync.Mutex
	public  bool
	peers   map[int32]bool
	filters []func(peer int32) bool
}

// NewVisibility returns a Visibility, public or not.
func NewVisibility(public bool) *Visibility { return &Visibility{public: public} }

// SetPublic makes the node visible to every peer (the filters still
// apply), or only to those set with SetFor (public_visibility).
func (v *Visibility) SetPublic(public bool) {
	v.mu.Lock()
	v.public = public
	v.mu.Unlock()
}

// SetFor makes the node visible to peer, or takes that back
// (set_visibility_for). Peer 0 is the same as SetPublic.
func (v *Visibility) SetFor(peer int32, visible bool) {
	if peer == 0 {
		v.SetPublic(visible)
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if !visible {
		delete(v.peers, peer)
		return
	}
	if v.peers == nil {
		v.peers = map[int32]bool{}
	}
	v.peers[peer] = true
}

// AddFilter adds a filter: a peer it refuses does not see the node
// (add_visibility_filter). Filters run without locks held.
func (v *Visibility) AddFilter(f func(peer int32) bool) {
	v.mu.Lock()
	v.filters = append(v.filters, f)
	v.mu.Unlock()
}

// VisibleTo reports whether peer sees the node. As in Godot, peer 0 asks
// whether the node is public and every filter accepts 0.
func (v *Visibility) VisibleTo(peer int32) bool {
	v.mu.Lock()
	filters := v.filters
	set := v.public || (peer != 0 && v.peers[peer])
	v.mu.Unlock()
	for _, f := range filters {
		if !f(peer) {
			return false
		}
	}
	return set
}

// Filter returns the peers of peers that see the node, in ascending order.
func (v *Visibility) Filter(peers []int32) []int32 {
	out := make([]int32, 0, len(peers))
	for _, p := range peers {
		if p != 0 && v.VisibleTo(p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}
