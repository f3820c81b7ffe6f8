package main

import (
	"sync"

	"github.com/enetgo/enet"
)

// peerEntry is one connection enetcat has seen.
type peerEntry struct {
	num     int
	godotID int32
	addr    string
	peer    *enet.Peer // nil for Godot peers known only by id
}

// peerBook numbers connections in the order they appear and keeps them after
// they end, so the final statistics include peers that already left.
type peerBook struct {
	mu      sync.Mutex
	entries []*peerEntry
	byPeer  map[*enet.Peer]*peerEntry
	byGodot map[int32]*peerEntry
}

func newPeerBook() *peerBook {
	return &peerBook{byPeer: map[*enet.Peer]*peerEntry{}, byGodot: map[int32]*peerEntry{}}
}

// add records a new connection: an ENet peer, a Godot id, or both.
func (b *peerBook) add(p *enet.Peer, godotID int32) *peerEntry {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := &peerEntry{num: len(b.entries) + 1, godotID: godotID, peer: p}
	if p != nil {
		if a := p.RemoteAddrPort(); a.IsValid() {
			e.addr = a.String()
		}
		b.byPeer[p] = e
	}
	if godotID != 0 {
		b.byGodot[godotID] = e
	}
	b.entries = append(b.entries, e)
	return e
}

// peer returns p's entry, adding it if p is new.
func (b *peerBook) peer(p *enet.Peer) *peerEntry {
	b.mu.Lock()
	e := b.byPeer[p]
	b.mu.Unlock()
	if e == nil {
		e = b.add(p, 0)
	}
	return e
}

// godot returns the entry of Godot peer id, adding it if id is new.
func (b *peerBook) godot(id int32) *peerEntry {
	b.mu.Lock()
	e := b.byGodot[id]
	b.mu.Unlock()
	if e == nil {
		e = b.add(nil, id)
	}
	return e
}

// all returns the entries in order.
func (b *peerBook) all() []*peerEntry {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*peerEntry(nil), b.entries...)
}

// rec starts a record about e.
func (e *peerEntry) rec(event string) record {
	return record{Event: event, Peer: e.num, Addr: e.addr, GodotID: e.godotID}
}
