package scene

import (
	"encoding/binary"
	"slices"

	"github.com/enetgo/enet/multiplayer"
)

// Replication is a Godot 4 SPAWN, DESPAWN or SYNC message: *Spawn,
// *Despawn or *Sync. Received ones go to Config.Replication; the server
// (or whoever holds the spawner's authority) sends them with
// Multiplayer.Spawn, Despawn and Sync.
type Replication interface {
	// Peer returns the sender (0 for one not received).
	Peer() int32
}

// InvalidSceneID is the scene id of a custom spawn (MultiplayerSpawner's
// INVALID_ID): the receiver's spawn_function builds the node from Arg.
const InvalidSceneID = 0xFF

// Spawn is SceneReplicationInterface's SPAWN: a node the spawner's
// authority spawned, for the receiver's MultiplayerSpawner to instantiate.
type Spawn struct {
	// From is the sender.
	From int32
	// Spawner is the spawner's path relative to /root: its node must be
	// declared (and so path-cached) on this side; on receipt it is the
	// path of the sender's cache id, "" if this side does not know it.
	Spawner string
	// SceneID is the index in the spawner's spawnable scenes, or
	// InvalidSceneID for a custom spawn carrying Arg.
	SceneID uint8
	// NetID is the spawned node's network id (Godot counts from 1, one
	// counter shared with the synchronizers' ids).
	NetID uint32
	// SyncIDs are the network ids of the node's synchronizers whose
	// authority is the spawner's, in the order they enter the tree.
	SyncIDs []uint32
	// Name is the node's name.
	Name string
	// Arg is the custom spawn argument (SceneID InvalidSceneID only).
	Arg any
	// State holds the synchronizers' "spawn" properties, in config order.
	State []any
}

// Despawn is DESPAWN: the node with NetID is gone.
type Despawn struct {
	// From is the sender.
	From int32
	// NetID is the node's network id.
	NetID uint32
}

// Sync is SYNC (the "always" properties, unreliable) or, with Delta,
// the 4.1+ delta form (the "on change" properties, reliable).
type Sync struct {
	// From is the sender.
	From int32
	// Delta marks the delta form; Time is then unused.
	Delta bool
	// Time is the sender's per-peer sync counter; receivers drop states
	// older than the last one they applied.
	Time uint16
	// States are the synchronizers' states.
	States []SyncState
}

// SyncState is one synchronizer's state in a Sync.
type SyncState struct {
	// NetID is the synchronizer's network id: a spawn-assigned id, or
	// PathNetID's for a synchronizer that exists on both sides.
	NetID uint32
	// Indexes (delta only) has bit i set for the i-th "on change"
	// property present in Values.
	Indexes uint64
	// Values are the properties in config order.
	Values []any
}

// Peer returns From.
func (s *Spawn) Peer() int32 { return s.From }

// Peer returns From.
func (s *Despawn) Peer() int32 { return s.From }

// Peer returns From.
func (s *Sync) Peer() int32 { return s.From }

// Replication layout sizes (scene_replication_interface.cpp).
const (
	spawnMin      = 18 // [4][scene u8][spawner u32][net u32][syncs u32][name_len u32]
	despawnMin    = 5
	syncMin       = 11
	syncHeader    = 3  // [6][time u16]
	syncEntry     = 8  // [net_id u32][size u32]
	deltaEntry    = 16 // [net_id u32][indexes u64][size u32]
	flagDelta     = 0x10
	maxSyncValues = 64
)

// spawnRaw is a parsed SPAWN before the spawner id is resolved.
type spawnRaw struct {
	Spawn
	spawnerID uint32
}

// parseReplication decodes a SPAWN, DESPAWN or SYNC packet.
func parseReplication(b []byte) (Replication, error) {
	if len(b) == 0 {
		return nil, errf(ErrTruncated, "empty")
	}
	switch b[0] & cmd4Mask {
	case cmd4Spawn:
		s, err := parseSpawn(b)
		if err != nil {
			return nil, err
		}
		return s, nil
	case cmd4Despawn:
		if len(b) < despawnMin {
			return nil, errf(ErrTruncated, "despawn of %d bytes", len(b))
		}
		return &Despawn{NetID: binary.LittleEndian.Uint32(b[1:])}, nil
	case cmd4Sync:
		return parseSync(b)
	}
	return nil, errf(ErrInvalid, "command %d", b[0]&cmd4Mask)
}

func parseSpawn(b []byte) (*spawnRaw, error) {
	if len(b) < spawnMin {
		return nil, errf(ErrTruncated, "spawn of %d bytes, need %d", len(b), spawnMin)
	}
	s := &spawnRaw{}
	s.SceneID = b[1]
	s.spawnerID = binary.LittleEndian.Uint32(b[2:])
	s.NetID = binary.LittleEndian.Uint32(b[6:])
	nsync := uint64(binary.LittleEndian.Uint32(b[10:]))
	nameLen := uint64(binary.LittleEndian.Uint32(b[14:]))
	ofs := spawnMin
	if nameLen+nsync*4 > uint64(len(b)-ofs) {
		return nil, errf(ErrTruncated, "%d sync ids and a %d-byte name in %d bytes", nsync, nameLen, len(b)-ofs)
	}
	if nameLen < 1 {
		return nil, errf(ErrInvalid, "empty name")
	}
	s.SyncIDs = make([]uint32, nsync)
	for i := range s.SyncIDs {
		s.SyncIDs[i] = binary.LittleEndian.Uint32(b[ofs:])
		ofs += 4
	}
	var err error
	if s.Name, err = tailString(b[ofs : ofs+int(nameLen)]); err != nil {
		return nil, err
	}
	if s.Name == "" || !validNodeName(s.Name) {
		return nil, errf(ErrInvalid, "node name %q", s.Name)
	}
	ofs += int(nameLen)
	if s.SceneID == InvalidSceneID {
		if len(b)-ofs < 4 {
			return nil, errf(ErrTruncated, "custom spawn argument size")
		}
		size := uint64(binary.LittleEndian.Uint32(b[ofs:]))
		ofs += 4
		if size > uint64(len(b)-ofs) {
			return nil, errf(ErrTruncated, "argument of %d bytes in %d", size, len(b)-ofs)
		}
		v, _, err := DecodeCompressed(b[ofs : ofs+int(size)])
		if err != nil {
			return nil, err
		}
		s.Arg = v
		ofs += int(size)
	}
	if s.State, err = DecodeCompressedList(b[ofs:]); err != nil {
		return nil, err
	}
	return s, nil
}

// validNodeName applies Godot's validate_node_name: none of . : @ / " %
// (an auto-generated name's leading @ is allowed).
func validNodeName(s string) bool {
	for i, r := range s {
		switch r {
		case '.', ':', '/', '"', '%':
			return false
		case '@':
			if i != 0 {
				return false
			}
		}
	}
	return true
}

func parseSync(b []byte) (*Sync, error) {
	if len(b) < syncMin {
		return nil, errf(ErrTruncated, "sync of %d bytes, need %d", len(b), syncMin)
	}
	s := &Sync{Delta: b[0]&flagDelta != 0}
	ofs, entry := syncHeader, syncEntry
	if s.Delta {
		ofs, entry = 1, deltaEntry
	} else {
		s.Time = binary.LittleEndian.Uint16(b[1:])
	}
	for ofs+entry < len(b) {
		var st SyncState
		st.NetID = binary.LittleEndian.Uint32(b[ofs:])
		if s.Delta {
			st.Indexes = binary.LittleEndian.Uint64(b[ofs+4:])
		}
		size := uint64(binary.LittleEndian.Uint32(b[ofs+entry-4:]))
		ofs += entry
		if size > uint64(len(b)-ofs) {
			return nil, errf(ErrTruncated, "state of %d bytes in %d", size, len(b)-ofs)
		}
		var err error
		if st.Values, err = DecodeCompressedList(b[ofs : ofs+int(size)]); err != nil {
			return nil, err
		}
		if len(st.Values) > maxSyncValues && s.Delta {
			return nil, errf(ErrInvalid, "%d delta values", len(st.Values))
		}
		ofs += int(size)
		s.States = append(s.States, st)
	}
	return s, nil
}

// receiveReplication decodes a replication message and hands it to
// Config.Replication.
func (m *Multiplayer) receiveReplication(from int32, data []byte) error {
	r, err := parseReplication(data)
	op := [...]string{cmd4Spawn: "spawn", cmd4Despawn: "despawn", cmd4Sync: "sync"}[data[0]&cmd4Mask]
	if err != nil {
		return &Error{From: from, Op: op, Err: err}
	}
	m.mu.Lock()
	p := m.peers[from]
	if p == nil {
		m.mu.Unlock()
		return &Error{From: from, Op: op, Err: ErrUnknownPeer}
	}
	var out Replication
	switch x := r.(type) {
	case *spawnRaw:
		e, ok := p.recv[x.spawnerID]
		if !ok {
			m.mu.Unlock()
			return &Error{From: from, Op: op, Err: errf(ErrUnknownPathID, "spawner id %d", x.spawnerID)}
		}
		x.Spawner = e.node.path
		x.From = from
		out = &x.Spawn
	case *Despawn:
		x.From = from
		out = x
	case *Sync:
		x.From = from
		out = x
	}
	m.mu.Unlock()
	if m.cfg.Replication != nil {
		m.cfg.Replication(out)
	}
	return nil
}

// PathNetID returns the network id of a synchronizer that exists on both
// sides at path (declared with AddNode, usually without methods: its
// checksum is then MD5("")): its path cache id with bit 31 set. It sends
// SIMPLIFY_PATH to the peers of `to` that lack it and reports whether all
// of them confirmed; Godot sends such a synchronizer's state only once
// confirmed.
func (m *Multiplayer) PathNetID(to int32, path string) (netID uint32, confirmed bool, err error) {
	n := m.Node(path)
	if n == nil {
		return 0, false, &Error{Op: "sync", Path: path, Err: ErrUnknownNode}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	targets, err := m.targetsLocked(to)
	if err != nil {
		return 0, false, &Error{Op: "sync", Path: path, Err: err}
	}
	id, all, err := m.simplifyLocked(n, targets)
	if err != nil {
		return 0, false, &Error{Op: "sync", Path: path, Err: err}
	}
	return id | pathFlag, all, nil
}

// Spawn sends SPAWN to `to` (0 all, N one, -N all but N), RELIABLE on
// channel 0, after SIMPLIFY_PATH for the spawner where needed. s.Spawner
// must be a declared node. This side must be the spawner's authority for
// the receivers to accept it.
func (m *Multiplayer) Spawn(to int32, s *Spawn) error {
	return m.spawn(to, nil, s)
}

// SpawnTo sends SPAWN as Spawn does, to exactly the given peers (for
// example a Visibility's Filter of Peers()); none is fine.
func (m *Multiplayer) SpawnTo(peers []int32, s *Spawn) error {
	return m.spawn(0, nonNil(peers), s)
}

func (m *Multiplayer) spawn(to int32, peers []int32, s *Spawn) error {
	if m.d != multiplayer.Godot4 {
		return &Error{Op: "spawn", Err: errf(ErrUnsupported, "replication is Godot 4 only")}
	}
	n := m.Node(s.Spawner)
	if n == nil {
		return &Error{Op: "spawn", Path: s.Spawner, Err: ErrUnknownNode}
	}
	if s.Name == "" || !validNodeName(s.Name) {
		return &Error{Op: "spawn", Path: s.Spawner, Err: errf(ErrInvalid, "node name %q", s.Name)}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	targets, err := m.targetsOrListLocked(to, peers)
	if err != nil {
		return &Error{Op: "spawn", Path: n.path, Err: err}
	}
	id, _, err := m.simplifyLocked(n, targets)
	if err != nil {
		return &Error{Op: "spawn", Path: n.path, Err: err}
	}
	pkt, err := appendSpawn(nil, id, s)
	if err != nil {
		return &Error{Op: "spawn", Path: n.path, Err: err}
	}
	return m.sendEach(targets, pkt, multiplayer.Reliable, "spawn")
}

// appendSpawn appends a SPAWN with spawner cache id spawner.
func appendSpawn(dst []byte, spawner uint32, s *Spawn) ([]byte, error) {
	dst = append(dst, cmd4Spawn, s.SceneID)
	dst = binary.LittleEndian.AppendUint32(dst, spawner)
	dst = binary.LittleEndian.AppendUint32(dst, s.NetID)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(s.SyncIDs)))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(s.Name)+1))
	for _, id := range s.SyncIDs {
		dst = binary.LittleEndian.AppendUint32(dst, id)
	}
	dst = appendCString(dst, s.Name)
	var err error
	if s.SceneID == InvalidSceneID {
		at := len(dst)
		dst = append(dst, 0, 0, 0, 0)
		if dst, err = AppendCompressed(dst, s.Arg); err != nil {
			return nil, err
		}
		putU32(dst[at:], uint32(len(dst)-at-4))
	}
	return AppendCompressedList(dst, s.State)
}

// Despawn sends DESPAWN of netID to `to`, RELIABLE on channel 0.
func (m *Multiplayer) Despawn(to int32, netID uint32) error {
	return m.despawn(to, nil, netID)
}

// DespawnTo sends DESPAWN as Despawn does, to exactly the given peers.
func (m *Multiplayer) DespawnTo(peers []int32, netID uint32) error {
	return m.despawn(0, nonNil(peers), netID)
}

func (m *Multiplayer) despawn(to int32, peers []int32, netID uint32) error {
	if m.d != multiplayer.Godot4 {
		return &Error{Op: "despawn", Err: errf(ErrUnsupported, "replication is Godot 4 only")}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	targets, err := m.targetsOrListLocked(to, peers)
	if err != nil {
		return &Error{Op: "despawn", Err: err}
	}
	return m.sendEach(targets, binary.LittleEndian.AppendUint32([]byte{cmd4Despawn}, netID), multiplayer.Reliable, "despawn")
}

// Sync sends s to `to`: a SYNC (UNRELIABLE, channel 0) or with s.Delta a
// delta (RELIABLE, channel 0). States are packed as given, in one packet.
func (m *Multiplayer) Sync(to int32, s *Sync) error {
	return m.sync(to, nil, s)
}

// SyncTo sends s as Sync does, to exactly the given peers.
func (m *Multiplayer) SyncTo(peers []int32, s *Sync) error {
	return m.sync(0, nonNil(peers), s)
}

func (m *Multiplayer) sync(to int32, peers []int32, s *Sync) error {
	if m.d != multiplayer.Godot4 {
		return &Error{Op: "sync", Err: errf(ErrUnsupported, "replication is Godot 4 only")}
	}
	pkt, err := appendSync(nil, s)
	if err != nil {
		return &Error{Op: "sync", Err: err}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	targets, err := m.targetsOrListLocked(to, peers)
	if err != nil {
		return &Error{Op: "sync", Err: err}
	}
	mode := multiplayer.Unreliable
	if s.Delta {
		mode = multiplayer.Reliable
	}
	return m.sendEach(targets, pkt, mode, "sync")
}

// appendSync appends a SYNC or delta packet.
func appendSync(dst []byte, s *Sync) ([]byte, error) {
	if len(s.States) == 0 {
		// Godot refuses a SYNC shorter than 11 bytes, and never sends one.
		return nil, errf(ErrInvalid, "sync without states")
	}
	if s.Delta {
		dst = append(dst, cmd4Sync|flagDelta)
	} else {
		dst = binary.LittleEndian.AppendUint16(append(dst, cmd4Sync), s.Time)
	}
	var err error
	for _, st := range s.States {
		dst = binary.LittleEndian.AppendUint32(dst, st.NetID)
		if s.Delta {
			dst = binary.LittleEndian.AppendUint64(dst, st.Indexes)
		}
		at := len(dst)
		dst = append(dst, 0, 0, 0, 0)
		if dst, err = AppendCompressedList(dst, st.Values); err != nil {
			return nil, err
		}
		putU32(dst[at:], uint32(len(dst)-at-4))
	}
	return dst, nil
}

// nonNil returns peers, or an empty list for nil (nil means "use to").
func nonNil(peers []int32) []int32 {
	if peers == nil {
		return []int32{}
	}
	return peers
}

// targetsOrListLocked returns peers (each must be connected) when it is
// not nil, else the targets of `to`.
func (m *Multiplayer) targetsOrListLocked(to int32, peers []int32) ([]int32, error) {
	if peers == nil {
		t, err := m.targetsLocked(to)
		slices.Sort(t)
		return t, err
	}
	out := make([]int32, 0, len(peers))
	for _, p := range peers {
		if m.peers[p] == nil {
			return nil, errf(ErrUnknownPeer, "peer %d", p)
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out, nil
}

// sendEach sends pkt to each target, as send_command does per peer.
func (m *Multiplayer) sendEach(targets []int32, pkt []byte, mode multiplayer.TransferMode, op string) error {
	slices.Sort(targets)
	var first error
	for _, t := range targets {
		if err := m.t.Send(t, pkt, mode, 0); err != nil && first == nil {
			first = &Error{Op: op, Err: err}
		}
	}
	return first
}
